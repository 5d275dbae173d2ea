"""The audit trail is complete: every motion can be rebuilt from its events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.codec import decode_effects
from viax.motion.decision import TransitionRequest
from viax.motion.engine import apply
from viax.motion.snapshot import MotionSnapshot
from viax.seed import seed
from viax.store.events import EventRecord
from viax.store.outcome import Applied, Outcome
from viax.store.queries import fetch_events, fetch_snapshots
from viax.store.transitions import Store

NOW = datetime(2026, 6, 1, tzinfo=UTC)


class CheckingStore(Store):
    """A store that compares each applied motion with a fresh read of it."""

    mismatches: list[tuple[MotionSnapshot, MotionSnapshot | None]]

    async def transition(self, request: TransitionRequest, now: datetime) -> Outcome:
        outcome = await super().transition(request, now)
        if isinstance(outcome, Applied):
            async with self.engine.connect() as connection:
                fresh = await fetch_snapshots(connection, [outcome.motion.id])
            if fresh.get(outcome.motion.id) != outcome.motion:
                self.mismatches.append((outcome.motion, fresh.get(outcome.motion.id)))
        return outcome


def _rebuilt(events: list[EventRecord]) -> MotionSnapshot | None:
    motion = None
    for event in events:
        motion = apply(
            motion,
            decode_effects(event.payload["effects"]),
            state=event.to_state,
            version=event.version,
            at=event.at,
        )
    return motion


async def _rebuild_all(connection: AsyncConnection) -> list[int]:
    stored = await fetch_snapshots(connection, list(range(1, 41)))
    history = await fetch_events(connection, list(stored))
    differing = []
    for motion_id, motion in stored.items():
        rebuilt = _rebuilt(history[motion_id])
        assert rebuilt is not None
        # A start cannot know the id and number the store gives the motion.
        rebuilt = replace(rebuilt, id=motion.id, number=motion.number)
        if rebuilt != motion:
            differing.append(motion_id)
    return differing


async def test_every_transition_returns_what_a_fresh_read_finds_and_events_rebuild_it(
    store: Store,
) -> None:
    checking = CheckingStore(store.engine, store.registry)
    checking.mismatches = []

    report = await seed(checking, motions=40, now=NOW)

    assert report.seeded and checking.mismatches == []
    async with store.engine.connect() as connection:
        assert await _rebuild_all(connection) == []
