"""The permissions matrix: role x restricted field x action, and who sees it."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = (
    "sales",
    "deal_desk",
    "finance",
    "fulfilment",
    "erp",
    "admin",
    "partner",
    "customer",
)
INTERNAL = frozenset(ROLES) - {"partner", "customer"}
# Each restricted field, with the roles that read it.
READERS = {
    "Product.unitCost": INTERNAL,
    "QuoteLine.margin": INTERNAL,
    "ApprovalDecision.actor": INTERNAL,
    "ApprovalDecision.comment": INTERNAL,
}
# `read` reaches a field from the query root, `federated` through `_entities`,
# `subscribed` on the motion of an event delivered over a WebSocket.
ACTIONS = ("read", "federated", "subscribed")


@dataclass(frozen=True, slots=True)
class Permission:
    """One row of the matrix: whether `role` sees `field` through `action`."""

    role: str
    field: str
    action: str
    visible: bool


MATRIX = tuple(
    Permission(role, field, action, role in readers)
    for role in ROLES
    for field, readers in READERS.items()
    for action in ACTIONS
)
