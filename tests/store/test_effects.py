"""Every effect the engine emits is written and read back unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from viax.motion.decision import (
    ApprovalVoided,
    Effect,
    LinesReplaced,
    QuoteIssued,
    QuoteStatusChanged,
)
from viax.motion.snapshot import (
    ApprovalStatus,
    Line,
    MotionSnapshot,
    OrderStatus,
    QuoteStatus,
)
from viax.store.effects import Target, write_effects
from viax.store.queries import fetch_snapshots

from .life import (
    AGREEMENT,
    APPROVAL,
    ENTITLEMENTS,
    FIRST_FULFILMENT,
    INVOICE,
    LIFE,
    LINES,
    ORDER,
    PAYMENT,
    QUOTE,
    SECOND_FULFILMENT,
    TIER_1,
    TIER_2,
)
from .records import NOW, catalog_loaded, insert_motion


async def _written(engine: AsyncEngine, *effects: Effect) -> MotionSnapshot:
    await catalog_loaded(engine)
    async with engine.begin() as connection:
        motion_id = await insert_motion(connection)
        await write_effects(Target(connection, motion_id, 1), effects)
    async with engine.connect() as connection:
        return (await fetch_snapshots(connection, [motion_id]))[motion_id]


async def test_a_whole_life_of_effects_reads_back_as_written(
    store_engine: AsyncEngine,
) -> None:
    motion = await _written(store_engine, *LIFE)

    assert motion.lines == LINES
    assert motion.quote == replace(
        QUOTE, status=QuoteStatus.ACCEPTED, accepted_by="Jo Buyer", accepted_at=NOW
    )
    assert motion.approval == replace(
        APPROVAL,
        status=ApprovalStatus.APPROVED,
        current_tier=None,
        decisions=(TIER_1, TIER_2),
    )
    assert motion.agreement == AGREEMENT
    assert motion.order == replace(
        ORDER,
        status=OrderStatus.FULFILLED,
        lines=tuple(
            replace(line, fulfilled_quantity=line.quantity) for line in ORDER.lines
        ),
    )
    assert motion.fulfilments == (FIRST_FULFILMENT, SECOND_FULFILMENT)
    assert motion.entitlements == ENTITLEMENTS
    assert (motion.invoice, motion.payment) == (INVOICE, PAYMENT)


async def test_replacing_lines_drops_the_old_ones(store_engine: AsyncEngine) -> None:
    new_lines = (Line(1, 2, 3, Decimal("5.25")),)

    motion = await _written(
        store_engine, LinesReplaced(LINES), LinesReplaced(new_lines)
    )

    assert motion.lines == new_lines


async def test_a_void_quote_hides_it_and_its_approval(
    store_engine: AsyncEngine,
) -> None:
    motion = await _written(
        store_engine,
        QuoteIssued(QUOTE),
        *LIFE[3:5],
        QuoteStatusChanged(1, QuoteStatus.VOID),
        ApprovalVoided(1),
    )

    assert (motion.quote, motion.approval) == (None, None)


async def test_the_latest_quote_that_is_not_void_is_the_current_one(
    store_engine: AsyncEngine,
) -> None:
    second = replace(QUOTE, revision=2, number="Q-000001-2", total=1)

    motion = await _written(
        store_engine,
        QuoteIssued(QUOTE),
        QuoteStatusChanged(1, QuoteStatus.VOID),
        QuoteIssued(second),
    )

    assert motion.quote == second
    assert motion.approval is None


async def test_a_void_approval_is_not_returned_with_its_live_quote(
    store_engine: AsyncEngine,
) -> None:
    motion = await _written(store_engine, *LIFE[2:4], ApprovalVoided(1))

    assert motion.quote == QUOTE
    assert motion.approval is None


async def test_times_come_back_aware_in_utc(store_engine: AsyncEngine) -> None:
    paris = timezone(timedelta(hours=1))
    issued = datetime(2026, 3, 2, 10, 30, 15, 123456, tzinfo=paris)

    motion = await _written(store_engine, QuoteIssued(replace(QUOTE, issued_at=issued)))

    assert motion.quote is not None
    assert motion.quote.issued_at == issued
    assert motion.quote.issued_at.tzinfo is UTC
    assert motion.created_at.tzinfo is UTC


async def test_discounts_keep_every_digit(store_engine: AsyncEngine) -> None:
    lines = (Line(1, 1, 1, Decimal("33.3333333333")),)

    motion = await _written(store_engine, LinesReplaced(lines))

    assert str(motion.lines[0].discount_percent) == "33.3333333333"
