"""The system expires quotes that lapsed, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from viax.expiry import expire_due
from viax.motion.decision import TransitionRequest
from viax.motion.inputs import IssueQuoteInput, LineInput, StartInput
from viax.motion.snapshot import Action, Channel, MotionState, Principal
from viax.seed import load_catalog
from viax.store.database import writer
from viax.store.outcome import Applied
from viax.store.queries import fetch_motions
from viax.store.transitions import Store

SALES = Principal("sales@test", frozenset({"sales"}))
ISSUED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def quoted_motion(store: Store) -> int:
    async with writer(store.engine).begin() as connection:
        await load_catalog(connection)
    start = StartInput(5, Channel.DIRECT, lines=(LineInput(1, 2),))
    started = await store.transition(
        TransitionRequest(Action.START, start, SALES), ISSUED
    )
    assert isinstance(started, Applied)
    quoted = await store.transition(
        TransitionRequest(
            Action.ISSUE_QUOTE,
            IssueQuoteInput(),
            SALES,
            motion_id=started.motion.id,
            expected_version=started.motion.version,
        ),
        ISSUED,
    )
    assert isinstance(quoted, Applied)
    return started.motion.id


async def state_of(store: Store, motion_id: int) -> MotionState:
    async with store.engine.connect() as connection:
        return (await fetch_motions(connection, [motion_id]))[motion_id].state


async def test_lapsed_quote_is_expired_once(store: Store) -> None:
    motion_id = await quoted_motion(store)
    lapsed = ISSUED + timedelta(days=30, seconds=1)

    first, again = await expire_due(store, lapsed), await expire_due(store, lapsed)

    assert (first, again) == (1, 0)
    assert await state_of(store, motion_id) is MotionState.EXPIRED


async def test_quote_still_valid_is_left_alone(store: Store) -> None:
    motion_id = await quoted_motion(store)

    expired = await expire_due(store, ISSUED + timedelta(days=29))

    assert expired == 0
    assert await state_of(store, motion_id) is MotionState.QUOTED
