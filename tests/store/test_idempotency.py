"""Idempotency keys and dry runs: repeating or previewing writes nothing."""

from __future__ import annotations

import pytest

from viax.motion.decision import TransitionRequest
from viax.motion.inputs import CancelInput, IssueQuoteInput, LineInput, NoInput
from viax.motion.snapshot import Action, MotionState, Principal
from viax.store.outcome import Applied, Previewed, Rejected
from viax.store.queries import fetch_snapshots
from viax.store.transitions import Store

from .journeys import CLOCK, agreed, request, start_input, started
from .records import catalog_loaded, row_counts


@pytest.fixture
async def ready(store: Store) -> Store:
    await catalog_loaded(store.engine)
    return store


async def test_a_repeated_key_replays_the_first_result(ready: Store) -> None:
    motion = await started(ready)
    issue = request(motion, Action.ISSUE_QUOTE, IssueQuoteInput(12), key="k-1")
    first = await ready.transition(issue, CLOCK)
    counts = await row_counts(ready.engine)

    again = await ready.transition(issue, CLOCK)

    assert isinstance(first, Applied) and isinstance(again, Applied)
    assert (first.replayed, again.replayed) == (False, True)
    assert again.event == first.event
    assert again.motion == first.motion
    assert await row_counts(ready.engine) == counts


async def test_a_replay_returns_the_motion_as_it_is_now(ready: Store) -> None:
    start = request(None, Action.START, start_input(), key="start-1")
    first = await ready.transition(start, CLOCK)
    assert isinstance(first, Applied)
    cancel = request(first.motion, Action.CANCEL, CancelInput("changed mind"))
    await ready.transition(cancel, CLOCK)

    again = await ready.transition(start, CLOCK)

    assert isinstance(again, Applied) and again.replayed
    assert again.event == first.event
    assert again.motion.state is MotionState.CANCELLED


@pytest.mark.parametrize(
    "other",
    [
        request(None, Action.START, start_input((LineInput(2, 1),)), key="start-1"),
        request(None, Action.START, start_input(account_id=2), key="start-1"),
    ],
)
async def test_a_key_reused_with_other_input_is_refused(
    ready: Store, other: TransitionRequest
) -> None:
    first = await ready.transition(
        request(None, Action.START, start_input(), key="start-1"), CLOCK
    )
    assert isinstance(first, Applied)
    counts = await row_counts(ready.engine)

    reused = await ready.transition(other, CLOCK)

    assert isinstance(reused, Rejected)
    assert reused.code == "IDEMPOTENCY_KEY_REUSED"
    assert await row_counts(ready.engine) == counts


async def test_keys_belong_to_their_subject(ready: Store) -> None:
    other_seller = Principal("sales-2@demo", frozenset({"sales"}))
    mine = await ready.transition(
        request(None, Action.START, start_input(), key="shared"), CLOCK
    )
    theirs = await ready.transition(
        request(None, Action.START, start_input(), other_seller, key="shared"), CLOCK
    )

    assert isinstance(mine, Applied) and isinstance(theirs, Applied)
    assert not theirs.replayed and theirs.motion.id != mine.motion.id


async def test_a_dry_run_writes_nothing_and_previews_the_result(
    ready: Store,
) -> None:
    motion = await agreed(ready)
    counts = await row_counts(ready.engine)
    place = request(motion, Action.PLACE_ORDER, NoInput(), key="order-1")

    preview = await ready.transition(
        request(motion, Action.PLACE_ORDER, NoInput(), key="order-1", dry_run=True),
        CLOCK,
    )

    assert isinstance(preview, Previewed)
    assert await row_counts(ready.engine) == counts
    applied = await ready.transition(place, CLOCK)
    assert isinstance(applied, Applied) and not applied.replayed
    assert preview.motion == applied.motion
    assert preview.decision.to_state is MotionState.ORDERED


async def test_a_dry_run_start_previews_an_unnumbered_motion(ready: Store) -> None:
    counts = await row_counts(ready.engine)

    preview = await ready.transition(
        request(None, Action.START, start_input(), dry_run=True), CLOCK
    )

    assert isinstance(preview, Previewed)
    assert (preview.motion.id, preview.motion.state) == (0, MotionState.DRAFT)
    assert await row_counts(ready.engine) == counts


async def test_a_dry_run_that_fails_its_guards_is_rejected(ready: Store) -> None:
    motion = await started(ready)

    outcome = await ready.transition(
        request(motion, Action.PLACE_ORDER, NoInput(), dry_run=True), CLOCK
    )

    assert isinstance(outcome, Rejected)
    assert outcome.code == "NOT_ALLOWED_IN_STATE"
    async with ready.engine.connect() as connection:
        unchanged = (await fetch_snapshots(connection, [motion.id]))[motion.id]
    assert unchanged == motion
