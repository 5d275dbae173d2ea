"""The whole motion aggregate in a fixed, small number of statements.

The motion row comes with its one-to-one facets (current quote and its
approval, agreement, order, invoice, payment) joined in one statement; each
collection (lines, quote lines, decisions, order lines, fulfilments,
entitlements) is one more, and is skipped when no motion can have any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row, Select, Table, and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.snapshot import ApprovalStatus, MotionSnapshot
from viax.store.facets import (
    agreement_from_row,
    fetch_entitlements,
    fetch_fulfilments,
    invoice_from_row,
    order_from_row,
    order_lines_of,
    payment_from_row,
)
from viax.store.motions import fetch_lines, motion_from_row
from viax.store.quotes import (
    approval_from_row,
    current_decisions,
    current_quote_lines,
    current_revisions,
    of_current,
    quote_from_row,
)
from viax.store.selection import among
from viax.store.tables import (
    agreements,
    approvals,
    invoices,
    motions,
    orders,
    payments,
    quotes,
)


@dataclass(slots=True)
class _Head:
    """A motion row and the one-to-one facet rows joined to it."""

    motion: MotionSnapshot
    parts: dict[str, SimpleNamespace]


_JOINED: dict[str, Table] = {
    "quote": quotes,
    "approval": approvals,
    "agreement": agreements,
    "order": orders,
    "invoice": invoices,
    "payment": payments,
}


def _heads_query(connection: AsyncConnection, ids: Sequence[int]) -> Select[Any]:
    current = current_revisions(connection, ids)
    joined = (
        motions.outerjoin(current, current.c.motion_id == motions.c.id)
        .outerjoin(quotes, of_current(quotes, current))
        .outerjoin(
            approvals,
            and_(
                of_current(approvals, current),
                approvals.c.status != ApprovalStatus.VOID,
            ),
        )
    )
    for table in (agreements, orders, invoices, payments):
        joined = joined.outerjoin(table, table.c.motion_id == motions.c.id)
    labelled = [
        column.label(f"{name}__{column.name}")
        for name, table in _JOINED.items()
        for column in table.c
    ]
    return (
        select(motions, *labelled)
        .select_from(joined)
        .where(among(connection, motions.c.id, ids))
    )


def _parts(row: Row[Any]) -> dict[str, SimpleNamespace]:
    found = {}
    mapping = row._mapping
    for name, table in _JOINED.items():
        if mapping[f"{name}__motion_id"] is None:
            continue
        found[name] = SimpleNamespace(
            **{column.name: mapping[f"{name}__{column.name}"] for column in table.c}
        )
    return found


async def _heads(connection: AsyncConnection, ids: Sequence[int]) -> dict[int, _Head]:
    result = await connection.execute(_heads_query(connection, ids))
    return {row.id: _Head(motion_from_row(row), _parts(row)) for row in result}


def _having(heads: dict[int, _Head], part: str) -> list[int]:
    return [motion_id for motion_id, head in heads.items() if part in head.parts]


async def fetch_snapshots(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, MotionSnapshot]:
    """The full aggregate of each motion, in at most seven statements."""
    if not ids:
        return {}
    heads = await _heads(connection, ids)
    if not heads:
        return {}
    quoted, approved = _having(heads, "quote"), _having(heads, "approval")
    ordered = _having(heads, "order")
    lines = await fetch_lines(connection, list(heads))
    quote_lines = await current_quote_lines(connection, quoted) if quoted else {}
    decisions = await current_decisions(connection, approved) if approved else {}
    order_lines = await order_lines_of(connection, ordered) if ordered else {}
    # Fulfilments and entitlements are made only once there is an order.
    fulfilments = await fetch_fulfilments(connection, ordered)
    entitlements = await fetch_entitlements(connection, ordered)
    return {
        motion_id: replace(
            head.motion,
            lines=lines.get(motion_id, ()),
            fulfilments=fulfilments.get(motion_id, ()),
            entitlements=entitlements.get(motion_id, ()),
            **_one_to_one(head, quote_lines, decisions, order_lines),
        )
        for motion_id, head in heads.items()
    }


def _one_to_one(
    head: _Head,
    quote_lines: dict[int, Any],
    decisions: dict[int, Any],
    order_lines: dict[int, Any],
) -> dict[str, Any]:
    motion_id, parts = head.motion.id, head.parts
    facets: dict[str, Any] = {}
    if "quote" in parts:
        facets["quote"] = quote_from_row(parts["quote"], quote_lines.get(motion_id, ()))
    if "approval" in parts:
        facets["approval"] = approval_from_row(
            parts["approval"], decisions.get(motion_id, ())
        )
    if "agreement" in parts:
        facets["agreement"] = agreement_from_row(parts["agreement"])
    if "order" in parts:
        facets["order"] = order_from_row(parts["order"], order_lines.get(motion_id, ()))
    if "invoice" in parts:
        facets["invoice"] = invoice_from_row(parts["invoice"])
    if "payment" in parts:
        facets["payment"] = payment_from_row(parts["payment"])
    return facets
