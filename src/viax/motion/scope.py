"""Which motions a principal may see at all."""

from viax.motion.snapshot import Principal

INTERNAL_ROLES = frozenset(
    {"sales", "deal_desk", "finance", "fulfilment", "erp", "admin", "system"}
)


def is_internal(principal: Principal) -> bool:
    """Internal principals see every motion."""
    return not principal.roles.isdisjoint(INTERNAL_ROLES)


def can_see(principal: Principal, partner_id: int | None, account_id: int) -> bool:
    """A partner sees its own partner's motions, a customer its account's."""
    if is_internal(principal):
        return True
    roles = principal.roles
    by_partner = "partner" in roles and principal.partner_id is not None
    by_account = "customer" in roles and principal.account_id is not None
    return (by_partner and partner_id == principal.partner_id) or (
        by_account and account_id == principal.account_id
    )
