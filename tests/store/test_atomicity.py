"""A transition commits whole or not at all; driver errors become ours."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.errors import StoreError
from viax.motion.inputs import InvoiceInput, NoInput
from viax.motion.snapshot import Action
from viax.seed import ERP
from viax.store import facts, transitions
from viax.store.outcome import Applied, Rejected
from viax.store.queries import fetch_snapshots
from viax.store.transitions import Store

from .journeys import CLOCK, agreed, fulfilled, request, step
from .records import catalog_loaded, row_counts


@pytest.fixture
async def ready(store: Store) -> Store:
    await catalog_loaded(store.engine)
    return store


async def _snapshot(store: Store, motion_id: int) -> object:
    async with store.engine.connect() as connection:
        return (await fetch_snapshots(connection, [motion_id]))[motion_id]


async def test_a_failure_after_the_effects_rolls_everything_back(
    ready: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    motion = await agreed(ready)
    counts = await row_counts(ready.engine)

    async def broken(connection: AsyncConnection, *args: Any) -> None:
        await connection.execute(text("SELECT * FROM no_such_table"))

    monkeypatch.setattr(transitions, "remember", broken)
    with pytest.raises(StoreError) as failed:
        await ready.transition(request(motion, Action.PLACE_ORDER, NoInput()), CLOCK)

    assert isinstance(failed.value.__cause__, DBAPIError)
    assert await row_counts(ready.engine) == counts
    assert await _snapshot(ready, motion.id) == motion


async def test_an_invoice_number_lost_to_a_race_is_refused_by_its_guard(
    ready: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await fulfilled(ready), await fulfilled(ready)
    assert first.order is not None and second.order is not None
    invoice = InvoiceInput("INV-RACE", first.order.total)
    await step(ready, first, Action.RECORD_INVOICE, invoice, ERP)
    counts = await row_counts(ready.engine)
    looks: list[bool] = []
    real = facts._invoice_number_taken

    async def racing(connection: AsyncConnection, wanted: Any) -> bool:
        # The race: the first look misses the invoice the other writer made.
        looks.append(bool(looks) and await real(connection, wanted))
        return looks[-1]

    monkeypatch.setattr(facts, "_invoice_number_taken", racing)
    total = second.order.total
    outcome = await ready.transition(
        request(second, Action.RECORD_INVOICE, InvoiceInput("INV-RACE", total), ERP),
        CLOCK,
    )

    assert looks == [False, True]
    assert isinstance(outcome, Rejected)
    assert outcome.code == "INVALID_INPUT"
    assert "INV-RACE" in outcome.message
    assert await row_counts(ready.engine) == counts
    assert await _snapshot(ready, second.id) == second


async def test_a_constraint_broken_twice_is_a_store_error_with_its_cause(
    ready: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await fulfilled(ready), await fulfilled(ready)
    assert first.order is not None and second.order is not None
    await step(
        ready,
        first,
        Action.RECORD_INVOICE,
        InvoiceInput("INV-9", first.order.total),
        ERP,
    )
    counts = await row_counts(ready.engine)

    async def blind(connection: AsyncConnection, wanted: Any) -> bool:
        return False

    monkeypatch.setattr(facts, "_invoice_number_taken", blind)
    given = InvoiceInput("INV-9", second.order.total)
    with pytest.raises(StoreError) as failed:
        await ready.transition(
            request(second, Action.RECORD_INVOICE, given, ERP), CLOCK
        )

    assert isinstance(failed.value.__cause__, IntegrityError)
    assert await row_counts(ready.engine) == counts


async def test_an_applied_invoice_is_what_a_fresh_read_finds(ready: Store) -> None:
    motion = await fulfilled(ready)
    assert motion.order is not None

    outcome = await ready.transition(
        request(
            motion,
            Action.RECORD_INVOICE,
            InvoiceInput("INV-1", motion.order.total),
            ERP,
        ),
        CLOCK,
    )

    assert isinstance(outcome, Applied)
    assert await _snapshot(ready, motion.id) == outcome.motion
