"""A change motion's effects on its parent: one transaction, audited on both.

The test gives renewals a stand-in effect on their parent (a fulfilled
renewal takes back five units of the parent's product 1 and marks its
order), so the store's side is tested apart from any one kind's rules.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from viax.motion.decision import Effect, OrderStatusChanged
from viax.motion.guards import GuardCall
from viax.motion.inputs import (
    ChangeInput,
    FulfilInput,
    FulfilmentLineInput,
    InvoiceInput,
    IssueQuoteInput,
    NoInput,
    SignAgreementInput,
    StartInput,
)
from viax.motion.outcome import Outcome
from viax.motion.parent import PARENT_EFFECTS, revoked_units
from viax.motion.snapshot import (
    Action,
    Entitlement,
    EntitlementStatus,
    MotionKind,
    MotionSnapshot,
    MotionState,
    OrderStatus,
)
from viax.seed import FULFILMENT, SALES
from viax.store.outcome import Applied, Conflict, Previewed
from viax.store.queries import EventRecord, fetch_events, fetch_snapshots
from viax.store.rebuild import motion_as_of
from viax.store.transitions import Store

from .journeys import fulfilled, request
from .records import catalog_loaded
from .test_rebuild import ERP

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _give_back_five(call: GuardCall, result: Outcome) -> tuple[Effect, ...]:
    parent = call.context.parent
    if parent is None or result.state is not MotionState.FULFILLED:
        return ()
    return (
        revoked_units(parent, {1: 5}),
        OrderStatusChanged(OrderStatus.PARTIALLY_RETURNED),
    )


@pytest.fixture
async def ready(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    await catalog_loaded(store.engine)
    monkeypatch.setitem(PARENT_EFFECTS, MotionKind.RENEWAL, _give_back_five)
    return store


async def _ordered_renewal(
    store: Store, parent: MotionSnapshot
) -> tuple[MotionSnapshot, FulfilInput]:
    start = StartInput(
        parent.account_id,
        parent.channel,
        kind=MotionKind.RENEWAL,
        parent_motion_id=parent.id,
        uplift_percent=Decimal(0),
    )
    motion = None
    for action, given in (
        (Action.START, start),
        (Action.ISSUE_QUOTE, IssueQuoteInput()),
        (Action.ACCEPT_QUOTE, NoInput()),
        (Action.SIGN_AGREEMENT, SignAgreementInput(date(2027, 4, 1), "Pat")),
        (Action.PLACE_ORDER, NoInput()),
    ):
        done = await store.transition(request(motion, action, given), NOW)
        assert isinstance(done, Applied), done
        motion = done.motion
    assert motion is not None and motion.order is not None
    lines = tuple(
        FulfilmentLineInput(o.position, o.quantity) for o in motion.order.lines
    )
    return motion, FulfilInput(lines)


async def _stored(
    store: Store, *ids: int
) -> tuple[dict[int, MotionSnapshot], dict[int, list[EventRecord]]]:
    async with store.engine.connect() as connection:
        snapshots = await fetch_snapshots(connection, ids)
        return snapshots, await fetch_events(connection, ids)


async def test_completing_a_change_changes_the_parent_with_an_event_of_its_own(
    ready: Store,
) -> None:
    # given a fulfilled deal (20 CRM-PRO and an onboarding) and its renewal,
    # ordered
    parent = await fulfilled(ready)
    renewal, fulfil = await _ordered_renewal(ready, parent)
    snapshots, _ = await _stored(ready, parent.id)
    assert snapshots[parent.id].version == parent.version

    # when the renewal is fulfilled
    done = await ready.transition(
        request(renewal, Action.FULFIL, fulfil, FULFILMENT), NOW
    )

    # then the parent is one version on, in the same state, with the effects
    assert isinstance(done, Applied), done
    snapshots, events = await _stored(ready, parent.id, renewal.id)
    changed = snapshots[parent.id]
    assert (changed.version, changed.state) == (parent.version + 1, parent.state)
    assert changed.updated_at == NOW
    assert changed.order is not None
    assert changed.order.status is OrderStatus.PARTIALLY_RETURNED
    crm, onboarding = parent.entitlements
    assert changed.entitlements == (
        Entitlement(1, 1, 15, crm.starts_on, crm.ends_on),
        onboarding,
        Entitlement(3, 1, 5, crm.starts_on, crm.ends_on, EntitlementStatus.REVOKED),
    )
    # and the parent's own history says what changed it, by whom
    last = events[parent.id][-1]
    assert last.action is Action.APPLY_CHANGE
    assert (last.from_state, last.to_state) == (parent.state, parent.state)
    assert last.version == changed.version
    assert last.actor == FULFILMENT
    assert last.payload["input"]["motion_id"] == renewal.id
    assert last.payload["input"]["sequence"] == done.event.sequence
    assert last.sequence > done.event.sequence
    # and both motions rebuild from their own events
    for motion_id in (parent.id, renewal.id):
        assert (
            motion_as_of(snapshots[motion_id], events[motion_id], NOW)
            == snapshots[motion_id]
        )


async def test_a_dry_run_shows_the_parent_after_and_writes_nothing(
    ready: Store,
) -> None:
    parent = await fulfilled(ready)
    renewal, fulfil = await _ordered_renewal(ready, parent)

    done = await ready.transition(
        request(renewal, Action.FULFIL, fulfil, FULFILMENT, dry_run=True), NOW
    )

    assert isinstance(done, Previewed)
    after = done.decision.parent_after
    assert after is not None and after.order is not None
    assert (after.version, after.order.status) == (
        parent.version + 1,
        OrderStatus.PARTIALLY_RETURNED,
    )
    snapshots, events = await _stored(ready, parent.id)
    assert snapshots[parent.id] == parent
    assert events[parent.id][-1].action is Action.FULFIL


async def test_a_parent_transition_on_the_version_before_the_change_conflicts(
    ready: Store,
) -> None:
    parent = await fulfilled(ready)
    renewal, fulfil = await _ordered_renewal(ready, parent)
    await ready.transition(request(renewal, Action.FULFIL, fulfil, FULFILMENT), NOW)
    assert parent.order is not None
    invoice = InvoiceInput("INV-PARENT", parent.order.total)

    stale = await ready.transition(
        request(parent, Action.RECORD_INVOICE, invoice, ERP), NOW
    )

    assert stale == Conflict(parent.version, parent.version + 1)


async def test_a_change_and_a_parent_transition_at_once_both_count(
    ready: Store,
) -> None:
    # given a parent about to be invoiced and its change about to complete
    parent = await fulfilled(ready)
    renewal, fulfil = await _ordered_renewal(ready, parent)
    assert parent.order is not None
    invoice = InvoiceInput("INV-RACE", parent.order.total)

    # when both run at once
    invoiced, changed = await asyncio.gather(
        ready.transition(request(parent, Action.RECORD_INVOICE, invoice, ERP), NOW),
        ready.transition(request(renewal, Action.FULFIL, fulfil, FULFILMENT), NOW),
    )

    # then the change applies; the invoice either went first or lost to it
    assert isinstance(changed, Applied), changed
    assert isinstance(invoiced, Applied | Conflict), invoiced
    snapshots, events = await _stored(ready, parent.id)
    stored, history = snapshots[parent.id], events[parent.id]
    assert [e.action for e in history].count(Action.APPLY_CHANGE) == 1
    assert stored.version == len(history)
    assert motion_as_of(stored, history, NOW) == stored
    assert (stored.invoice is not None) == isinstance(invoiced, Applied)


async def test_apply_change_cannot_be_asked_for(ready: Store) -> None:
    parent = await fulfilled(ready)

    refused = await ready.transition(
        request(parent, Action.APPLY_CHANGE, ChangeInput(parent.id, 1), SALES), NOW
    )

    assert not isinstance(refused, Applied)
    assert getattr(refused, "code", None) == "NOT_ALLOWED_IN_STATE"
