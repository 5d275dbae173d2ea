"""Tail `motion_events` and hand each committed event to every live inbox.

The table is the only source of events: wake-ups (in-process after a commit,
or a PostgreSQL NOTIFY from another replica) only say "read again". Events
are committed in sequence order (see `viax.store.events`), so a sequence
missing below the newest one read belongs to a rolled-back transaction and
the feed moves past it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from viax.store.events import EventRecord, fetch_events_after, last_sequence

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass(eq=False, slots=True)
class Inbox:
    """The events dispatched to one subscriber, in dispatch order.

    With `motion_id`, only that motion's events reach it: a subscriber of
    one motion is not woken for every other motion's event.
    """

    motion_id: int | None = None
    queue: asyncio.Queue[EventRecord] = field(default_factory=asyncio.Queue)

    def wants(self, event: EventRecord) -> bool:
        """Whether the event is dispatched to this inbox."""
        return self.motion_id is None or self.motion_id == event.motion_id


class EventFeed:
    """One reader per process; every subscriber gets its events from here."""

    def __init__(self, engine: AsyncEngine, *, poll_seconds: float = 1.0) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.position = 0
        self._inboxes: set[Inbox] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Begin at the newest committed event and tail from there."""
        async with self.engine.connect() as connection:
            self.position = await last_sequence(connection)
        self._task = asyncio.create_task(self._run(), name="viax-event-feed")

    async def stop(self) -> None:
        """Stop tailing."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Ask for a read now: an event was committed somewhere."""
        self._wake.set()

    @contextlib.contextmanager
    def inbox(self, motion_id: int | None = None) -> Iterator[Inbox]:
        """An inbox receiving the events dispatched while it is open."""
        inbox = Inbox(motion_id)
        self._inboxes.add(inbox)
        try:
            yield inbox
        finally:
            self._inboxes.discard(inbox)

    @property
    def subscribers(self) -> int:
        """How many inboxes are open."""
        return len(self._inboxes)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            try:
                await self.read()
            except Exception:
                logger.exception("reading new motion events failed")

    async def read(self) -> None:
        """Dispatch every committed event not dispatched yet."""
        while True:
            async with self.engine.connect() as connection:
                batch = await fetch_events_after(connection, self.position, limit=BATCH)
            for event in batch:
                self._dispatch(event)
            if batch:
                self.position = batch[-1].sequence
            if len(batch) < BATCH:
                return

    def _dispatch(self, event: EventRecord) -> None:
        for inbox in self._inboxes:
            if inbox.wants(event):
                inbox.queue.put_nowait(event)


async def replay(
    engine: AsyncEngine, after: int, motion_id: int | None = None
) -> AsyncIterator[EventRecord]:
    """Stored events above `after` in order, of one motion if `motion_id` is set."""
    while True:
        async with engine.connect() as connection:
            batch = await fetch_events_after(
                connection, after, limit=BATCH, motion_id=motion_id
            )
        for event in batch:
            yield event
        if len(batch) < BATCH:
            return
        after = batch[-1].sequence


async def follow(
    feed: EventFeed, after: int | None, motion_id: int | None = None
) -> AsyncGenerator[EventRecord, None]:
    """Stored events above `after` (if given), then live ones: no gap, no twice.

    The inbox opens before the replay reads, so an event committed during the
    replay is either read by it or dispatched to the inbox, perhaps both.
    Without `after` the stream starts at the newest event committed now;
    with `motion_id` it holds that motion's events only.
    """
    with feed.inbox(motion_id) as inbox:
        if after is None:
            async with feed.engine.connect() as connection:
                after = await last_sequence(connection)
        replayed: set[int] = set()
        async for event in replay(feed.engine, after, motion_id):
            replayed.add(event.sequence)
            yield event
        while True:
            event = await inbox.queue.get()
            # At or below `after` the client has it already, perhaps from
            # another replica whose feed was ahead of this one.
            if event.sequence > after and event.sequence not in replayed:
                yield event
