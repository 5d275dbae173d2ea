"""Reading the current quote of each motion and the approval it needs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Subquery, Table, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.snapshot import (
    Approval,
    ApprovalDecision,
    ApprovalStatus,
    PriceStep,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from viax.store.selection import among
from viax.store.tables import approval_decisions, approvals, quote_lines, quotes


def current_revisions(connection: AsyncConnection, ids: Sequence[int]) -> Subquery:
    """(motion_id, revision) of the latest quote of each motion not void."""
    return (
        select(quotes.c.motion_id, func.max(quotes.c.revision).label("revision"))
        .where(
            among(connection, quotes.c.motion_id, ids),
            quotes.c.status != QuoteStatus.VOID,
        )
        .group_by(quotes.c.motion_id)
        .subquery("current_quote")
    )


def of_current(table: Table, current: Subquery) -> ColumnElement[bool]:
    """Rows of `table` that belong to the current quote revision."""
    return and_(
        table.c.motion_id == current.c.motion_id,
        table.c.revision == current.c.revision,
    )


def steps_document(steps: Sequence[PriceStep]) -> list[dict[str, Any]]:
    """The JSON form of a waterfall, as stored on quote lines."""
    return [
        {"step": step.step, "amount": step.amount, "subtotal": step.subtotal}
        for step in steps
    ]


def quote_from_row(row: Any, lines: tuple[QuoteLine, ...]) -> Quote:
    """The quote of a `quotes` row, with its lines."""
    return Quote(
        revision=row.revision,
        number=row.number,
        status=QuoteStatus(row.status),
        issued_at=row.issued_at,
        expires_at=row.expires_at,
        term_months=row.term_months,
        currency=row.currency,
        lines=lines,
        list_total=row.list_total,
        total=row.total,
        price_hash=row.price_hash,
        accepted_by=row.accepted_by,
        accepted_at=row.accepted_at,
    )


def approval_from_row(row: Any, decisions: tuple[ApprovalDecision, ...]) -> Approval:
    """The approval of an `approvals` row, with its decisions."""
    return Approval(
        revision=row.revision,
        status=ApprovalStatus(row.status),
        tiers=tuple(row.tiers),
        current_tier=row.current_tier,
        decisions=decisions,
    )


async def current_quote_lines(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, tuple[QuoteLine, ...]]:
    """The lines of each motion's current quote, in position order."""
    current = current_revisions(connection, ids)
    result = await connection.execute(
        select(quote_lines)
        .join(current, of_current(quote_lines, current))
        .order_by(quote_lines.c.motion_id, quote_lines.c.position)
    )
    lines: dict[int, list[QuoteLine]] = defaultdict(list)
    for row in result:
        lines[row.motion_id].append(
            QuoteLine(
                position=row.position,
                product_id=row.product_id,
                sku=row.sku,
                quantity=row.quantity,
                discount_percent=row.discount_percent,
                unit_list=row.unit_list,
                steps=tuple(PriceStep(**step) for step in row.steps),
                unit_net=row.unit_net,
                net=row.net,
                uplift_percent=row.uplift_percent,
            )
        )
    return {motion_id: tuple(found) for motion_id, found in lines.items()}


async def current_decisions(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, tuple[ApprovalDecision, ...]]:
    """The decisions on the approval of each motion's current quote."""
    current = current_revisions(connection, ids)
    result = await connection.execute(
        select(approval_decisions)
        .join(current, of_current(approval_decisions, current))
        .order_by(approval_decisions.c.motion_id, approval_decisions.c.seq)
    )
    decisions: dict[int, list[ApprovalDecision]] = defaultdict(list)
    for row in result:
        decisions[row.motion_id].append(
            ApprovalDecision(
                tier=row.tier,
                role=row.role,
                actor=row.actor,
                verdict=row.verdict,
                comment=row.comment,
                at=row.at,
            )
        )
    return {motion_id: tuple(found) for motion_id, found in decisions.items()}


async def fetch_quotes(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Quote]:
    """The latest quote of each motion that is not void, with its lines."""
    if not ids:
        return {}
    current = current_revisions(connection, ids)
    heads = list(
        await connection.execute(
            select(quotes).join(current, of_current(quotes, current))
        )
    )
    if not heads:
        return {}
    lines = await current_quote_lines(connection, [row.motion_id for row in heads])
    return {
        row.motion_id: quote_from_row(row, lines.get(row.motion_id, ()))
        for row in heads
    }


async def fetch_approvals(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Approval]:
    """The approval of each motion's current quote, unless it is void."""
    if not ids:
        return {}
    current = current_revisions(connection, ids)
    heads = list(
        await connection.execute(
            select(approvals)
            .join(current, of_current(approvals, current))
            .where(approvals.c.status != ApprovalStatus.VOID)
        )
    )
    if not heads:
        return {}
    decisions = await current_decisions(connection, [row.motion_id for row in heads])
    return {
        row.motion_id: approval_from_row(row, decisions.get(row.motion_id, ()))
        for row in heads
    }
