"""The demo data: every state, both channels, both approval tiers, once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from viax.motion.decision import TransitionRequest
from viax.motion.inputs import NoInput, SignAgreementInput, TransitionInput
from viax.motion.model import default_registry
from viax.motion.snapshot import (
    Action,
    Channel,
    MotionKind,
    MotionSnapshot,
    MotionState,
    OrderStatus,
)
from viax.seed import ADMIN, SALES, seed
from viax.store.database import create_engine
from viax.store.outcome import Applied
from viax.store.queries import MotionFilter, Window, fetch_snapshots, list_motions
from viax.store.schema import migrate
from viax.store.transitions import Store

NOW = datetime(2026, 6, 1, tzinfo=UTC)


async def _motions(engine: AsyncEngine) -> list[MotionSnapshot]:
    async with engine.connect() as connection:
        page = await list_motions(
            connection,
            filter=MotionFilter(),
            visible_to=ADMIN,
            window=Window(first=100),
        )
        found = await fetch_snapshots(connection, [m.id for m in page.items])
    return sorted(found.values(), key=lambda motion: motion.id)


async def test_forty_motions_reach_every_state_both_channels_and_both_tiers(
    store: Store,
) -> None:
    report = await seed(store, motions=40, now=NOW)

    motions = await _motions(store.engine)
    assert (report.seeded, report.motions, len(motions)) == (True, 40, 40)
    assert set(Counter(m.state for m in motions)) == set(MotionState)
    assert {m.channel for m in motions} == {Channel.DIRECT, Channel.PARTNER}
    tiers = {len(m.approval.tiers) for m in motions if m.approval is not None}
    assert tiers == {1, 2}
    assert all(m.updated_at <= NOW for m in motions)
    assert len({m.owner.subject for m in motions}) > 1


async def test_open_demo_quotes_are_still_valid_when_seeded(store: Store) -> None:
    await seed(store, motions=40, now=NOW)

    open_quotes = [
        m.quote
        for m in await _motions(store.engine)
        if m.state in {MotionState.PENDING_APPROVAL, MotionState.QUOTED}
    ]

    assert open_quotes
    assert all(q is not None and q.expires_at > NOW for q in open_quotes)


async def test_seeding_a_seeded_database_does_nothing_and_says_so(
    store: Store,
) -> None:
    await seed(store, motions=3, now=NOW)

    again = await seed(store, motions=3, now=NOW)

    assert not again.seeded
    assert "already seeded" in again.message
    assert len(await _motions(store.engine)) == 3
    assert again.products == 0


async def test_the_same_seed_gives_the_same_motions(
    store: Store, blank_database_url: str
) -> None:
    await migrate(blank_database_url)
    other_engine = create_engine(blank_database_url)
    try:
        await seed(store, motions=12, now=NOW)
        await seed(Store(other_engine, default_registry()), motions=12, now=NOW)
        ours, theirs = await _motions(store.engine), await _motions(other_engine)
    finally:
        await other_engine.dispose()

    assert ours == theirs


async def test_the_journey_links_an_upsell_a_partial_return_and_an_open_renewal(
    store: Store,
) -> None:
    report = await seed(store, motions=0, now=NOW, journey=True)

    deal, upsell, back, renewal = await _motions(store.engine)
    assert (report.motions, "customer journey of 4" in report.message) == (4, True)
    assert [(m.kind, m.state) for m in (deal, upsell, back, renewal)] == [
        (MotionKind.NEW_BUSINESS, MotionState.FULFILLED),
        (MotionKind.AMENDMENT, MotionState.FULFILLED),
        (MotionKind.RETURN, MotionState.CLOSED),
        (MotionKind.RENEWAL, MotionState.QUOTED),
    ]
    assert deal.parent_id is None
    assert {m.parent_id for m in (upsell, back, renewal)} == {deal.id}
    assert (
        deal.order is not None and deal.order.status is OrderStatus.PARTIALLY_RETURNED
    )
    assert [line.returned_quantity for line in deal.order.lines] == [4, 0]


async def test_the_open_renewal_can_be_accepted_and_signed_from_the_day_after(
    store: Store,
) -> None:
    await seed(store, motions=0, now=NOW, journey=True)
    deal, *_, renewal = await _motions(store.engine)
    assert deal.agreement is not None
    day_after = deal.agreement.end_date + timedelta(days=1)

    accepted = await _step(store, renewal, Action.ACCEPT_QUOTE, NoInput())
    signed = await _step(
        store, accepted, Action.SIGN_AGREEMENT, SignAgreementInput(day_after, "Pat")
    )

    assert signed.state is MotionState.AGREED
    assert signed.agreement is not None and signed.agreement.start_date == day_after


async def _step(
    store: Store, motion: MotionSnapshot, action: Action, given: TransitionInput
) -> MotionSnapshot:
    request = TransitionRequest(
        action, given, SALES, motion_id=motion.id, expected_version=motion.version
    )
    outcome = await store.transition(request, NOW + timedelta(hours=1))
    assert isinstance(outcome, Applied), outcome
    return outcome.motion


async def test_the_journey_comes_before_the_other_motions_and_is_the_same_each_time(
    store: Store, blank_database_url: str
) -> None:
    await migrate(blank_database_url)
    other_engine = create_engine(blank_database_url)
    try:
        await seed(store, motions=3, now=NOW, journey=True)
        other = Store(other_engine, default_registry())
        await seed(other, motions=3, now=NOW, journey=True)
        ours, theirs = await _motions(store.engine), await _motions(other_engine)
    finally:
        await other_engine.dispose()

    assert ours == theirs
    assert [m.kind for m in ours[:5]] == [
        MotionKind.NEW_BUSINESS,
        MotionKind.AMENDMENT,
        MotionKind.RETURN,
        MotionKind.RENEWAL,
        MotionKind.NEW_BUSINESS,
    ]
