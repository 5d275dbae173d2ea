"""Concurrent writers on one motion: exactly one wins, on both stores."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import ColumnElement, Table, func, select

from viax.motion.inputs import NoInput
from viax.motion.snapshot import Action, MotionState
from viax.store.outcome import Applied, Conflict
from viax.store.tables import motion_events, motions, orders
from viax.store.transitions import Store

from .journeys import CLOCK, agreed, request, start_input
from .records import catalog_loaded


@pytest.fixture
async def ready(store: Store) -> Store:
    await catalog_loaded(store.engine)
    return store


async def _count(store: Store, table: Table, *where: ColumnElement[bool]) -> int:
    async with store.engine.connect() as connection:
        query = select(func.count()).select_from(table).where(*where)
        return int(await connection.scalar(query) or 0)


async def test_twenty_concurrent_orders_place_exactly_one(ready: Store) -> None:
    motion = await agreed(ready)
    place = request(motion, Action.PLACE_ORDER, NoInput())

    outcomes = await asyncio.gather(
        *(ready.transition(place, CLOCK) for _ in range(20))
    )

    applied = [o for o in outcomes if isinstance(o, Applied)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(applied), len(conflicts)) == (1, 19)
    assert set(conflicts) == {Conflict(motion.version, motion.version + 1)}
    assert applied[0].motion.state is MotionState.ORDERED
    assert await _count(ready, orders) == 1
    assert (
        await _count(ready, motion_events, motion_events.c.action == Action.PLACE_ORDER)
        == 1
    )


async def test_concurrent_starts_with_one_key_make_one_motion(ready: Store) -> None:
    start = request(None, Action.START, start_input(), key="start-once")

    outcomes = await asyncio.gather(
        *(ready.transition(start, CLOCK) for _ in range(10))
    )

    assert all(isinstance(o, Applied) for o in outcomes)
    applied = [o for o in outcomes if isinstance(o, Applied)]
    assert sum(not o.replayed for o in applied) == 1
    assert len({o.motion.id for o in applied}) == 1
    assert len({o.event.sequence for o in applied}) == 1
    assert await _count(ready, motions) == 1
