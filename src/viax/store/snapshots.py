"""The whole motion aggregate, composed from one batched read per facet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.snapshot import MotionSnapshot
from viax.store.facets import (
    fetch_agreements,
    fetch_entitlements,
    fetch_fulfilments,
    fetch_invoices,
    fetch_orders,
    fetch_payments,
)
from viax.store.motions import fetch_lines, fetch_motions
from viax.store.quotes import fetch_approvals, fetch_quotes


async def fetch_snapshots(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, MotionSnapshot]:
    """The full aggregate of each motion; the statement count is fixed.

    At most fourteen statements, whatever the number of ids: the reads run
    one after the other because one connection serves one statement at a
    time.
    """
    cores = await fetch_motions(connection, ids)
    found = list(cores)
    if not found:
        return {}
    lines = await fetch_lines(connection, found)
    quotes = await fetch_quotes(connection, found)
    approvals = await fetch_approvals(connection, found)
    agreements = await fetch_agreements(connection, found)
    orders = await fetch_orders(connection, found)
    fulfilments = await fetch_fulfilments(connection, found)
    entitlements = await fetch_entitlements(connection, found)
    invoices = await fetch_invoices(connection, found)
    payments = await fetch_payments(connection, found)
    return {
        motion_id: replace(
            core,
            lines=lines.get(motion_id, ()),
            quote=quotes.get(motion_id),
            approval=approvals.get(motion_id),
            agreement=agreements.get(motion_id),
            order=orders.get(motion_id),
            fulfilments=fulfilments.get(motion_id, ()),
            entitlements=entitlements.get(motion_id, ()),
            invoice=invoices.get(motion_id),
            payment=payments.get(motion_id),
        )
        for motion_id, core in cores.items()
    }
