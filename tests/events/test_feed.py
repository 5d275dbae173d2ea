"""The feed hands out committed events once each, past rolled-back holes."""

from __future__ import annotations

from dataclasses import replace

from tests.store.journeys import CLOCK, LINES, request, start_input
from tests.store.records import catalog_loaded
from viax.events.feed import EventFeed, follow
from viax.motion.inputs import ConfigureInput
from viax.motion.snapshot import Action
from viax.store.events import append_event
from viax.store.outcome import Applied
from viax.store.transitions import Store


async def started(store: Store) -> Applied:
    outcome = await store.transition(request(None, Action.START, start_input()), CLOCK)
    assert isinstance(outcome, Applied)
    return outcome


async def test_a_rolled_back_sequence_does_not_hold_the_feed_back(
    store: Store,
) -> None:
    await catalog_loaded(store.engine)
    feed = EventFeed(store.engine)
    first = await started(store)
    async with store.engine.connect() as connection, connection.begin() as rollback:
        await append_event(connection, replace(first.event, version=2))
        await rollback.rollback()
    second = await started(store)

    with feed.inbox() as inbox:
        await feed.read()
        await feed.read()
        dispatched = [inbox.queue.get_nowait() for _ in range(inbox.queue.qsize())]

    assert [e.sequence for e in dispatched] == [
        first.event.sequence,
        second.event.sequence,
    ]
    assert feed.position == second.event.sequence


async def test_an_inbox_of_one_motion_receives_only_its_events(store: Store) -> None:
    await catalog_loaded(store.engine)
    feed = EventFeed(store.engine)
    watched = await started(store)
    await started(store)
    await feed.read()

    with feed.inbox(watched.motion.id) as mine, feed.inbox() as every:
        again = await store.transition(
            request(watched.motion, Action.CONFIGURE, ConfigureInput(LINES)), CLOCK
        )
        assert isinstance(again, Applied)
        await started(store)
        await feed.read()
        received = [mine.queue.get_nowait() for _ in range(mine.queue.qsize())]
        everything = every.queue.qsize()

    assert [e.sequence for e in received] == [again.event.sequence]
    assert everything == 2


async def test_following_one_motion_replays_only_its_events(store: Store) -> None:
    await catalog_loaded(store.engine)
    feed = EventFeed(store.engine)
    watched = await started(store)
    await started(store)
    again = await store.transition(
        request(watched.motion, Action.CONFIGURE, ConfigureInput(LINES)), CLOCK
    )
    assert isinstance(again, Applied)

    events = follow(feed, 0, watched.motion.id)
    replayed = [await anext(events), await anext(events)]
    await events.aclose()

    assert [e.sequence for e in replayed] == [
        watched.event.sequence,
        again.event.sequence,
    ]
