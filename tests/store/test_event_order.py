"""Events become visible in sequence order, so resuming after N misses none."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import func, select, text

from viax.motion.snapshot import Action
from viax.store.events import EVENT_ORDER_LOCK, append_event, fetch_events_after
from viax.store.outcome import Applied
from viax.store.tables import motion_events
from viax.store.transitions import Store

from .journeys import CLOCK, request, start_input
from .records import catalog_loaded

pytestmark = [
    pytest.mark.timeout(60),
    # SQLite lets one writer in at a time, so the race cannot arise there.
    pytest.mark.parametrize("backend", ["postgresql"], indirect=True),
]

HIGH, LOW = EVENT_ORDER_LOCK >> 32, EVENT_ORDER_LOCK & 0xFFFFFFFF
WAITING_FOR_THE_ORDER_LOCK = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    f" AND classid = {HIGH} AND objid = {LOW}"
)


async def _blocked_or_done(store: Store, task: asyncio.Task[object]) -> None:
    while not task.done():
        async with store.engine.connect() as connection:
            if await connection.scalar(WAITING_FOR_THE_ORDER_LOCK):
                return
        await asyncio.sleep(0.01)


async def test_a_later_transition_commits_after_an_earlier_sequence(
    store: Store,
) -> None:
    await catalog_loaded(store.engine)
    first = await store.transition(request(None, Action.START, start_input()), CLOCK)
    assert isinstance(first, Applied)
    async with store.engine.connect() as slow:
        async with slow.begin():
            # The first writer draws its sequence, then is slow to commit.
            early = await append_event(
                slow, replace(first.event, version=first.event.version + 1)
            )
            later = asyncio.create_task(
                store.transition(request(None, Action.START, start_input()), CLOCK)
            )
            await _blocked_or_done(store, later)
            async with store.engine.connect() as reader:
                visible = await fetch_events_after(reader, first.event.sequence)
            assert not later.done()
            assert visible == []
        outcome = await later

    assert isinstance(outcome, Applied)
    assert outcome.event.sequence > early.sequence
    async with store.engine.connect() as reader:
        sequences = await reader.scalars(
            select(motion_events.c.sequence).order_by(motion_events.c.sequence)
        )
        newest = await reader.scalar(select(func.max(motion_events.c.sequence)))
    assert list(sequences) == [first.event.sequence, early.sequence, newest]
