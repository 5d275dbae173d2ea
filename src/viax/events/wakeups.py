"""How a process learns that events were committed, by itself or by others.

On SQLite one process serves, so the commit hook wakes the feed directly.
On PostgreSQL every replica LISTENs on one channel and NOTIFYs it after its
own commits; the notification carries nothing, the events are read from the
table. While the listening connection is lost the feed polls instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.events.feed import EventFeed

logger = logging.getLogger(__name__)

CHANNEL = "viax_motion_events"
# While listening, a slow poll still catches a wake-up lost in transit.
LISTENING_POLL_SECONDS = 5.0


class WakeupMode(enum.StrEnum):
    IN_PROCESS = "in-process"
    LISTENING = "listening"
    POLLING = "polling"


class InProcessWakeups:
    """The commit hook wakes the feed of this process; nobody else serves."""

    mode = WakeupMode.IN_PROCESS

    def __init__(self, feed: EventFeed) -> None:
        self.feed = feed

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to close."""

    def committed(self) -> None:
        """Called after a transition committed."""
        self.feed.wake()


class PostgresWakeups:
    """LISTEN for every replica's commits; NOTIFY after this one's."""

    def __init__(
        self,
        engine: AsyncEngine,
        feed: EventFeed,
        *,
        poll_seconds: float,
        retry_seconds: float = 1.0,
    ) -> None:
        self.engine = engine
        self.feed = feed
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.backend_pid: int | None = None
        self._announce = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def mode(self) -> WakeupMode:
        """Listening while the connection holds, polling otherwise."""
        return WakeupMode.POLLING if self.backend_pid is None else WakeupMode.LISTENING

    async def start(self) -> None:
        """Start listening and announcing in the background."""
        self.feed.poll_seconds = self.poll_seconds
        self._tasks = [
            asyncio.create_task(self._listen_forever(), name="viax-listen"),
            asyncio.create_task(self._announce_forever(), name="viax-notify"),
        ]

    async def stop(self) -> None:
        """Stop both background tasks."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def committed(self) -> None:
        """Called after a transition committed: wake here, tell the others."""
        self.feed.wake()
        self._announce.set()

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen()
            except Exception as error:
                logger.warning("listening for motion events failed: %s", error)
            self._deaf()
            await asyncio.sleep(self.retry_seconds)

    async def _listen(self) -> None:
        async with self.engine.connect() as connection:
            raw: Any = (await connection.get_raw_connection()).driver_connection
            lost = asyncio.Event()
            raw.add_termination_listener(lambda _: lost.set())
            await raw.add_listener(CHANNEL, lambda *_: self.feed.wake())
            self.backend_pid = raw.get_server_pid()
            self.feed.poll_seconds = LISTENING_POLL_SECONDS
            # Whatever was committed while this process was deaf.
            self.feed.wake()
            logger.info("listening for motion events on %s", CHANNEL)
            try:
                await self._watch(raw, lost)
            finally:
                self._deaf()
                await connection.invalidate()

    async def _watch(self, raw: Any, lost: asyncio.Event) -> None:
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self.poll_seconds)
            if not lost.is_set():
                await raw.execute("SELECT 1")

    def _deaf(self) -> None:
        if self.backend_pid is not None:
            logger.warning("lost the event listener; polling for motion events")
        self.backend_pid = None
        self.feed.poll_seconds = self.poll_seconds

    async def _announce_forever(self) -> None:
        while True:
            await self._announce.wait()
            self._announce.clear()
            try:
                async with self.engine.begin() as connection:
                    await connection.execute(
                        text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL}
                    )
            except Exception as error:
                # The others will still read the event at their next poll.
                logger.warning("announcing motion events failed: %s", error)


Wakeups = InProcessWakeups | PostgresWakeups


def wakeups_for(engine: AsyncEngine, feed: EventFeed, poll_seconds: float) -> Wakeups:
    """The wake-up mechanism the engine's database supports."""
    if engine.dialect.name == "postgresql":
        return PostgresWakeups(engine, feed, poll_seconds=poll_seconds)
    feed.poll_seconds = poll_seconds
    return InProcessWakeups(feed)
