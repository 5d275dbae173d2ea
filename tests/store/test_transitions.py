"""The unit of work: what a transition writes, and what it refuses to."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.motion.inputs import (
    CancelInput,
    ConfigureInput,
    DecisionInput,
    IssueQuoteInput,
    LineInput,
    NoInput,
)
from viax.motion.snapshot import Action, MotionState, Principal
from viax.seed import DEAL_DESK, SALES, customer_user, partner_user
from viax.store.outcome import Applied, Conflict, NotFound, Rejected
from viax.store.queries import (
    fetch_events,
    fetch_events_after,
    fetch_events_by_sequence,
    fetch_snapshots,
    last_sequence,
)
from viax.store.transitions import Store

from .journeys import CLOCK, agreed, request, start_input, started, step
from .records import catalog_loaded, row_counts


@pytest.fixture
async def ready(store: Store) -> Store:
    await catalog_loaded(store.engine)
    return store


async def _fresh(store: Store, motion_id: int) -> object:
    async with store.engine.connect() as connection:
        return (await fetch_snapshots(connection, [motion_id])).get(motion_id)


async def test_a_start_numbers_the_motion_and_records_the_event(
    ready: Store,
) -> None:
    outcome = await ready.transition(request(None, Action.START, start_input()), CLOCK)

    assert isinstance(outcome, Applied)
    motion, event = outcome.motion, outcome.event
    assert (motion.number, motion.version, motion.state) == (
        f"M-{motion.id:06d}",
        1,
        MotionState.DRAFT,
    )
    assert (event.motion_id, event.version, event.from_state, event.to_state) == (
        motion.id,
        1,
        None,
        MotionState.DRAFT,
    )
    assert event.payload["input"]["account_id"] == 1
    assert [e["_type"] for e in event.payload["effects"]] == [
        "MotionStarted",
        "LinesReplaced",
    ]
    assert await _fresh(ready, motion.id) == motion


async def test_configure_and_reject_return_what_a_fresh_read_finds(
    ready: Store,
) -> None:
    motion = await started(ready, (LineInput(1, 20, Decimal("15")),))
    motion = await step(ready, motion, Action.ISSUE_QUOTE, IssueQuoteInput())
    assert motion.state is MotionState.PENDING_APPROVAL
    assert await _fresh(ready, motion.id) == motion

    motion = await step(
        ready, motion, Action.REJECT, DecisionInput("too generous"), DEAL_DESK
    )
    assert (motion.state, motion.quote, motion.approval) == (
        MotionState.DRAFT,
        None,
        None,
    )
    assert await _fresh(ready, motion.id) == motion

    motion = await step(
        ready, motion, Action.CONFIGURE, ConfigureInput((LineInput(2, 3),))
    )
    assert await _fresh(ready, motion.id) == motion
    motion = await step(ready, motion, Action.ISSUE_QUOTE, IssueQuoteInput())
    assert motion.quote is not None and motion.quote.revision == 2
    assert await _fresh(ready, motion.id) == motion


async def test_a_refused_transition_says_why_and_writes_nothing(
    ready: Store,
) -> None:
    motion = await agreed(ready)
    before = await row_counts(ready.engine)

    outcome = await ready.transition(
        request(motion, Action.PLACE_ORDER, NoInput(), customer_user(1)), CLOCK
    )

    assert isinstance(outcome, Rejected)
    assert outcome.code == "FORBIDDEN_ROLE"
    assert any(not v.passed and v.code == "FORBIDDEN_ROLE" for v in outcome.verdicts)
    assert await row_counts(ready.engine) == before


async def test_a_stale_version_is_a_conflict_naming_the_current_one(
    ready: Store,
) -> None:
    motion = await started(ready)
    issue = request(motion, Action.ISSUE_QUOTE, IssueQuoteInput())

    first = await ready.transition(issue, CLOCK)
    second = await ready.transition(issue, CLOCK)

    assert isinstance(first, Applied)
    assert second == Conflict(expected_version=1, current_version=2)


@pytest.mark.parametrize(
    "who",
    [
        Principal("partner-2@demo", frozenset({"partner"}), partner_id=2),
        Principal("customer-2@demo", frozenset({"customer"}), account_id=2),
    ],
)
async def test_a_motion_the_actor_may_not_see_is_not_found(
    ready: Store, who: Principal
) -> None:
    motion = await started(ready)

    outcome = await ready.transition(
        request(motion, Action.CANCEL, CancelInput("no"), who), CLOCK
    )

    assert outcome == NotFound(motion.id)


async def test_an_unknown_motion_is_not_found(ready: Store) -> None:
    outcome = await ready.transition(
        replace(request(None, Action.ACCEPT_QUOTE, NoInput()), motion_id=999), CLOCK
    )

    assert outcome == NotFound(999)


async def test_a_partner_drives_its_own_motion(ready: Store) -> None:
    partner = partner_user(2)
    given = start_input(account_id=2, partner_id=2)

    motion = await step(ready, None, Action.START, given, partner)
    motion = await step(ready, motion, Action.ISSUE_QUOTE, IssueQuoteInput(), partner)

    assert (motion.partner_id, motion.owner, motion.state) == (
        2,
        partner,
        MotionState.QUOTED,
    )
    assert await _fresh(ready, motion.id) == motion


async def test_events_are_one_increasing_sequence_per_motion(ready: Store) -> None:
    motion = await agreed(ready)
    other = await started(ready)

    async with ready.engine.connect() as connection:
        history = await fetch_events(connection, [motion.id, other.id])

    actions = [event.action for event in history[motion.id]]
    assert actions == [
        Action.START,
        Action.ISSUE_QUOTE,
        Action.ACCEPT_QUOTE,
        Action.SIGN_AGREEMENT,
    ]
    assert [event.version for event in history[motion.id]] == [1, 2, 3, 4]
    sequences = [e.sequence for e in history[motion.id] + history[other.id]]
    assert sequences == sorted(sequences) and len(set(sequences)) == 5


async def test_events_after_a_sequence_come_in_order(ready: Store) -> None:
    await agreed(ready)

    async with ready.engine.connect() as connection:
        newest = await last_sequence(connection)
        tail = await fetch_events_after(connection, newest - 2)
        page = await fetch_events_after(connection, 0, limit=3)
        by_sequence = await fetch_events_by_sequence(connection, [newest])

    assert [event.sequence for event in tail] == [newest - 1, newest]
    assert [event.sequence for event in page] == [1, 2, 3]
    assert by_sequence[newest].action is Action.SIGN_AGREEMENT


async def test_a_cancel_by_sales_of_a_motion_owned_by_someone_else(
    ready: Store,
) -> None:
    motion = await started(ready)
    colleague = Principal("sales-2@demo", frozenset({"sales"}))

    motion = await step(ready, motion, Action.CANCEL, CancelInput("lost"), colleague)

    assert motion.state is MotionState.CANCELLED
    assert motion.owner == SALES
    assert await _fresh(ready, motion.id) == motion


async def test_row_counts_fixture_sees_every_table(store_engine: AsyncEngine) -> None:
    counts = await row_counts(store_engine)

    assert "motion_events" in counts and set(counts.values()) == {0}
