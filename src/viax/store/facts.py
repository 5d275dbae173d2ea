"""Gathering what the engine may consult before it decides a transition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.decision import DecisionContext, TransitionRequest
from viax.motion.inputs import ConfigureInput, InvoiceInput, StartInput
from viax.motion.scope import can_see
from viax.motion.snapshot import MotionSnapshot
from viax.store.catalog import (
    entitled_skus,
    fetch_accounts,
    fetch_partners,
    fetch_products,
)
from viax.store.motions import fetch_children
from viax.store.snapshots import fetch_snapshots
from viax.store.tables import invoices, motions


@dataclass(frozen=True, slots=True)
class Parties:
    """Whom the motion is for: from the motion, or from a start's input."""

    account_id: int | None
    partner_id: int | None


async def visible_snapshot(
    connection: AsyncConnection, request: TransitionRequest
) -> MotionSnapshot | None:
    """The motion of the request, unless it is absent or hidden from the actor."""
    if request.motion_id is None:
        return None
    found = await fetch_snapshots(connection, [request.motion_id])
    snapshot = found.get(request.motion_id)
    if snapshot is None:
        return None
    if not can_see(request.actor, snapshot.partner_id, snapshot.account_id):
        return None
    return snapshot


def _parties(request: TransitionRequest, snapshot: MotionSnapshot | None) -> Parties:
    if snapshot is not None:
        return Parties(snapshot.account_id, snapshot.partner_id)
    if isinstance(request.input, StartInput):
        return Parties(request.input.account_id, request.input.partner_id)
    return Parties(None, None)


def _parent_id(
    request: TransitionRequest, snapshot: MotionSnapshot | None
) -> int | None:
    if snapshot is not None:
        return snapshot.parent_id
    if isinstance(request.input, StartInput):
        return request.input.parent_motion_id
    return None


async def _parent(
    connection: AsyncConnection,
    request: TransitionRequest,
    snapshot: MotionSnapshot | None,
) -> MotionSnapshot | None:
    parent_id = _parent_id(request, snapshot)
    if parent_id is None:
        return None
    await _hold(connection, parent_id)
    found = (await fetch_snapshots(connection, [parent_id])).get(parent_id)
    # Starting a change motion must not reveal a motion the actor cannot see.
    if found is None or not can_see(request.actor, found.partner_id, found.account_id):
        return None
    return found


async def _hold(connection: AsyncConnection, parent_id: int) -> None:
    # Transitions of a parent's change motions take turns on the parent's
    # row, so each reads the parent and its other children as they are
    # once the one before committed: two returns cannot both take the last
    # units. SQLite's BEGIN IMMEDIATE already makes every writer wait.
    await connection.execute(
        select(motions.c.id).where(motions.c.id == parent_id).with_for_update()
    )


def _product_ids(
    request: TransitionRequest,
    snapshot: MotionSnapshot | None,
    relatives: Sequence[MotionSnapshot],
) -> set[int]:
    ids: set[int] = set()
    for relative in relatives:
        ids.update(held.product_id for held in relative.entitlements)
        if relative.order is not None:
            ids.update(line.product_id for line in relative.order.lines)
    if snapshot is not None:
        ids.update(line.product_id for line in snapshot.lines)
        if snapshot.quote is not None:
            ids.update(line.product_id for line in snapshot.quote.lines)
    if isinstance(request.input, StartInput | ConfigureInput):
        ids.update(line.product_id for line in request.input.lines)
    return ids


async def _invoice_number_taken(
    connection: AsyncConnection, request: TransitionRequest
) -> bool:
    if not isinstance(request.input, InvoiceInput):
        return False
    number = request.input.invoice_number
    taken = await connection.scalar(select(exists().where(invoices.c.number == number)))
    return bool(taken)


async def decision_context(
    connection: AsyncConnection,
    request: TransitionRequest,
    snapshot: MotionSnapshot | None,
    now: datetime,
) -> DecisionContext:
    """Every fact the engine may consult for this request."""
    parties = _parties(request, snapshot)
    parent = await _parent(connection, request, snapshot)
    siblings = await _siblings(connection, parent)
    relatives = [*siblings] if parent is None else [parent, *siblings]
    account_id, partner_id = parties.account_id, parties.partner_id
    accounts = await fetch_accounts(
        connection, [] if account_id is None else [account_id]
    )
    partners = await fetch_partners(
        connection, [] if partner_id is None else [partner_id]
    )
    products = await fetch_products(
        connection, sorted(_product_ids(request, snapshot, relatives))
    )
    skus = (
        frozenset()
        if account_id is None
        else await entitled_skus(connection, account_id)
    )
    return DecisionContext(
        now=now,
        snapshot=snapshot,
        account=None if account_id is None else accounts.get(account_id),
        partner=None if partner_id is None else partners.get(partner_id),
        products=products,
        entitled_skus=skus,
        invoice_number_taken=await _invoice_number_taken(connection, request),
        parent=parent,
        siblings=siblings,
    )


async def _siblings(
    connection: AsyncConnection, parent: MotionSnapshot | None
) -> tuple[MotionSnapshot, ...]:
    if parent is None:
        return ()
    children = await fetch_children(connection, [parent.id])
    # Amendments change what the parent holds, so their facets are needed,
    # and returns their lines, which the whole aggregate holds as well.
    ids = [child.id for child in children.get(parent.id, ())]
    found = await fetch_snapshots(connection, ids)
    return tuple(found[child_id] for child_id in ids if child_id in found)
