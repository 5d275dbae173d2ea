"""What an account holds: writing the entitlements granted, ended, revoked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, update

from viax.motion.decision import (
    EntitlementsEnded,
    EntitlementsGranted,
    EntitlementsRevoked,
)
from viax.motion.snapshot import Entitlement, EntitlementStatus
from viax.store.tables import entitlements

if TYPE_CHECKING:
    from viax.store.effects import Target


def _entitlement_row(target: Target, entitlement: Entitlement) -> dict[str, Any]:
    return {
        "motion_id": target.motion_id,
        "position": entitlement.position,
        "account_id": target.account_id,
        "product_id": entitlement.product_id,
        "quantity": entitlement.quantity,
        "starts_on": entitlement.starts_on,
        "ends_on": entitlement.ends_on,
        "status": entitlement.status,
    }


async def grant(target: Target, effect: EntitlementsGranted) -> None:
    """Insert the granted entitlements."""
    rows = [_entitlement_row(target, granted) for granted in effect.entitlements]
    if rows:
        await target.connection.execute(insert(entitlements), rows)


async def revoke(target: Target, effect: EntitlementsRevoked) -> None:
    """Take units back: a whole grant turns REVOKED, a partial one splits."""
    held = entitlements.c
    for revocation in effect.revocations:
        change: dict[str, Any] = {"status": EntitlementStatus.REVOKED}
        if revocation.split is not None:
            change = {"quantity": held.quantity - revocation.quantity}
        await target.connection.execute(
            update(entitlements)
            .where(
                held.motion_id == target.motion_id,
                held.position == revocation.position,
            )
            .values(**change)
        )
    splits = [r.split for r in effect.revocations if r.split is not None]
    if splits:
        rows = [_entitlement_row(target, e) for e in splits]
        await target.connection.execute(insert(entitlements), rows)


async def end(target: Target, effect: EntitlementsEnded) -> None:
    """Move the last day of the named entitlements earlier."""
    held = entitlements.c
    await target.connection.execute(
        update(entitlements)
        .where(
            held.motion_id == target.motion_id,
            held.position.in_(effect.positions),
        )
        .values(ends_on=effect.ends_on)
    )
