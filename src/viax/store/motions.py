"""Reading the motion rows and their configured lines; the motion list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.scope import is_internal
from viax.motion.snapshot import (
    Channel,
    Line,
    MotionKind,
    MotionSnapshot,
    MotionState,
    Principal,
)
from viax.store.columns import principal_from_document
from viax.store.selection import Page, Window, among, keyset_page
from viax.store.tables import motion_lines, motions


@dataclass(frozen=True, slots=True)
class MotionFilter:
    """What a motion list may be narrowed by; None means any."""

    state: MotionState | None = None
    kind: MotionKind | None = None
    channel: Channel | None = None
    account_id: int | None = None
    partner_id: int | None = None
    updated_after: datetime | None = None


def motion_from_row(row: Row[Any]) -> MotionSnapshot:
    """The motion of a `motions` row, its facets left empty."""
    return MotionSnapshot(
        id=row.id,
        number=row.number,
        kind=MotionKind(row.kind),
        state=MotionState(row.state),
        version=row.version,
        model_name=row.model_name,
        model_version=row.model_version,
        channel=Channel(row.channel),
        currency=row.currency,
        account_id=row.account_id,
        partner_id=row.partner_id,
        owner=principal_from_document(row.owner),
        created_at=row.created_at,
        updated_at=row.updated_at,
        parent_id=row.parent_id,
        effective_date=row.effective_date,
        quote_revisions=row.quote_revisions,
    )


async def fetch_motions(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, MotionSnapshot]:
    """The motions with these ids, facets left empty; missing ids are absent."""
    if not ids:
        return {}
    result = await connection.execute(
        select(motions).where(among(connection, motions.c.id, ids))
    )
    return {row.id: motion_from_row(row) for row in result}


async def fetch_children(
    connection: AsyncConnection, parent_ids: Sequence[int]
) -> dict[int, list[MotionSnapshot]]:
    """The motions that change each parent, oldest first, facets left empty."""
    if not parent_ids:
        return {}
    result = await connection.execute(
        select(motions)
        .where(among(connection, motions.c.parent_id, parent_ids))
        .order_by(motions.c.id)
    )
    children: dict[int, list[MotionSnapshot]] = defaultdict(list)
    for row in result:
        children[row.parent_id].append(motion_from_row(row))
    return dict(children)


async def fetch_lines(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, tuple[Line, ...]]:
    """The configured lines of each motion, in position order."""
    if not ids:
        return {}
    result = await connection.execute(
        select(motion_lines)
        .where(among(connection, motion_lines.c.motion_id, ids))
        .order_by(motion_lines.c.motion_id, motion_lines.c.position)
    )
    lines: dict[int, list[Line]] = defaultdict(list)
    for row in result:
        lines[row.motion_id].append(
            Line(
                row.position,
                row.product_id,
                row.quantity,
                row.discount_percent,
                row.uplift_percent,
            )
        )
    return {motion_id: tuple(found) for motion_id, found in lines.items()}


def scope_condition(principal: Principal) -> ColumnElement[bool]:
    """The SQL form of `viax.motion.scope.can_see` for one principal."""
    if is_internal(principal):
        return true()
    allowed: list[ColumnElement[bool]] = []
    if "partner" in principal.roles and principal.partner_id is not None:
        allowed.append(motions.c.partner_id == principal.partner_id)
    if "customer" in principal.roles and principal.account_id is not None:
        allowed.append(motions.c.account_id == principal.account_id)
    return or_(*allowed) if allowed else false()


def _matching(wanted: MotionFilter) -> list[ColumnElement[bool]]:
    columns = motions.c
    conditions: list[ColumnElement[bool]] = []
    for column, value in (
        (columns.state, wanted.state),
        (columns.kind, wanted.kind),
        (columns.channel, wanted.channel),
        (columns.account_id, wanted.account_id),
        (columns.partner_id, wanted.partner_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if wanted.updated_after is not None:
        conditions.append(columns.updated_at > wanted.updated_after)
    return conditions


async def list_motions(
    connection: AsyncConnection,
    *,
    filter: MotionFilter,
    visible_to: Principal,
    window: Window,
) -> Page[MotionSnapshot]:
    """Motions the principal may see, newest first, between two ids."""
    query = select(motions).where(scope_condition(visible_to), *_matching(filter))
    rows, has_next, has_previous = await keyset_page(
        connection, query, motions.c.id, window, descending=True
    )
    return Page(tuple(motion_from_row(row) for row in rows), has_next, has_previous)
