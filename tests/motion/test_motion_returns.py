"""Return rules: what may come back, for how much, and what it changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from tests.motion.motion_samples import (
    ACME,
    FINANCE,
    NOW,
    OPS,
    PRODUCTS,
    SEATS,
    SELLER,
    SETUP,
    deal_in,
)

from viax.motion.decision import (
    Decision,
    DecisionContext,
    EntitlementsRevoked,
    OrderStatusChanged,
    TransitionRequest,
    UnitsReturned,
)
from viax.motion.engine import apply, decide
from viax.motion.inputs import (
    DecisionInput,
    FulfilInput,
    FulfilmentLineInput,
    IssueQuoteInput,
    NoInput,
    ReturnLineInput,
    StartInput,
    TransitionInput,
)
from viax.motion.model import default_registry
from viax.motion.parent import revoked_units
from viax.motion.returns import (
    fulfilled_at,
    late_lines,
    order_status,
    refund,
    return_approvals,
    return_lines,
    returnable,
    returnable_lines,
    units_held,
)
from viax.motion.snapshot import (
    Action,
    Entitlement,
    EntitlementStatus,
    Line,
    MotionKind,
    MotionSnapshot,
    MotionState,
    OrderLine,
    OrderStatus,
    Principal,
    ReturnedLine,
)

RETURN_MODEL = default_registry().latest(MotionKind.RETURN)
DAY = timedelta(days=1)


def fulfilled() -> MotionSnapshot:
    # 20 seats (net 193800) fulfilled as 10 on day 0 and 10 on day 20, and
    # a one-time setup (net 50000) on day 20.
    parent = replace(deal_in(MotionState.FULFILLED).motion, id=7)
    first, second = parent.fulfilments
    return replace(
        parent,
        fulfilments=(replace(first, at=NOW), replace(second, at=NOW + 20 * DAY)),
    )


def child(state: MotionState, units: int, motion_id: int) -> MotionSnapshot:
    """Another return of seats, in a state."""
    return replace(
        fulfilled(),
        id=motion_id,
        kind=MotionKind.RETURN,
        state=state,
        parent_id=7,
        lines=(Line(1, SEATS.id, units),),
    )


def test_return_lines_take_the_positions_of_the_order_lines() -> None:
    asked = (ReturnLineInput(2, 1), ReturnLineInput(1, 3), ReturnLineInput(1, 2))

    assert return_lines(fulfilled(), asked) == (
        Line(1, SEATS.id, 5),
        Line(2, SETUP.id, 1),
    )


def test_refunds_of_a_whole_line_add_up_to_its_net() -> None:
    line = OrderLine(1, SEATS.id, 3, 3, 33, 100)

    shares = [refund(line, before, 1) for before in range(3)]

    assert shares == [33, 34, 33]
    assert sum(shares) == line.net
    assert refund(line, 0, 3) == 100


def test_units_come_back_newest_first() -> None:
    parent = fulfilled()

    assert fulfilled_at(parent, 1, skip=0, take=10) == NOW + 20 * DAY
    assert fulfilled_at(parent, 1, skip=0, take=11) == NOW
    assert fulfilled_at(parent, 1, skip=10, take=1) == NOW
    assert fulfilled_at(parent, 2, skip=0, take=1) == NOW + 20 * DAY


def test_units_fulfilled_before_the_window_are_late() -> None:
    parent = fulfilled()
    day_45 = NOW + 45 * DAY

    ten = late_lines(parent, (Line(1, SEATS.id, 10),), (), None, day_45)
    eleven = late_lines(parent, (Line(1, SEATS.id, 11),), (), None, day_45)
    after_another = late_lines(
        parent,
        (Line(1, SEATS.id, 1),),
        (child(MotionState.QUOTED, 10, 8),),
        9,
        day_45,
    )

    assert (ten, eleven, after_another) == ((), (1,), (1,))


def test_returns_under_way_hold_units_and_withdrawn_ones_do_not() -> None:
    parent = fulfilled()
    siblings = (
        child(MotionState.ORDERED, 5, 8),
        child(MotionState.CANCELLED, 7, 9),
        child(MotionState.EXPIRED, 3, 10),
    )

    assert returnable(parent, siblings, None) == {1: 15, 2: 1}
    assert returnable(parent, siblings, 8) == {1: 20, 2: 1}


def amended(parent: MotionSnapshot, kept: int) -> MotionSnapshot:
    """The parent once an amendment left it `kept` seats from 60 days on."""
    seats = [e for e in parent.entitlements if e.product_id == SEATS.id]
    cut = max(e.starts_on for e in seats) + 60 * DAY
    ended = tuple(
        replace(e, ends_on=cut - DAY) if e.product_id == SEATS.id else e
        for e in parent.entitlements
    )
    rest = Entitlement(9, SEATS.id, kept, cut, seats[0].ends_on)
    return replace(parent, entitlements=(*ended, rest))


def test_units_amendments_removed_are_not_returnable() -> None:
    parent = amended(fulfilled(), 14)
    siblings = (child(MotionState.ORDERED, 5, 9),)

    found = returnable_lines(parent, siblings, None)

    assert returnable(parent, siblings, None) == {1: 9, 2: 1}
    assert (found[1].fulfilled, found[1].removed, found[1].returning) == (20, 6, 5)


def test_units_held_are_those_that_run_on_after_the_last_change() -> None:
    held = units_held(amended(fulfilled(), 14))

    assert (held[SEATS.id], held[SETUP.id]) == (14, 1)


def test_an_order_shows_returns_before_fulfilment() -> None:
    whole = OrderLine(1, SEATS.id, 4, 4, 10, 40)

    assert order_status((whole,)) is OrderStatus.FULFILLED
    assert order_status((replace(whole, fulfilled_quantity=1),)) is (
        OrderStatus.PARTIALLY_FULFILLED
    )
    assert order_status((replace(whole, returned_quantity=1),)) is (
        OrderStatus.PARTIALLY_RETURNED
    )
    assert order_status((replace(whole, returned_quantity=4),)) is (
        OrderStatus.RETURNED
    )


def test_revoking_takes_the_newest_grants_first_and_splits_exactly() -> None:
    parent = fulfilled()
    seats_first, seats_second, setup = parent.entitlements

    revoked = revoked_units(parent, {SEATS.id: 12})
    after = apply(parent, (revoked,), state=parent.state, version=9, at=NOW)

    assert after.entitlements == (
        replace(seats_first, quantity=8),
        replace(seats_second, status=EntitlementStatus.REVOKED),
        setup,
        Entitlement(
            4,
            SEATS.id,
            2,
            seats_first.starts_on,
            seats_first.ends_on,
            EntitlementStatus.REVOKED,
        ),
    )


def test_a_late_return_needs_the_large_deal_role() -> None:
    rules = RETURN_MODEL.approval

    on_time = return_approvals((), ACME_CHANNEL, 100, rules, late=False)
    late = return_approvals((), ACME_CHANNEL, 100, rules, late=True)

    assert (on_time.roles, late.roles) == ((), ("finance",))


ACME_CHANNEL = fulfilled().channel


class _Return:
    """A return of the sample parent, driven through the engine."""

    def __init__(self, parent: MotionSnapshot, siblings: tuple[MotionSnapshot, ...]):
        self.parent = parent
        self.siblings = siblings
        self.snapshot: MotionSnapshot | None = None

    def ask(
        self, action: Action, given: TransitionInput, actor: Principal, now: datetime
    ) -> Decision:
        context = DecisionContext(
            now=now,
            snapshot=self.snapshot,
            account=ACME,
            partner=None,
            products=dict(PRODUCTS),
            parent=self.parent,
            siblings=self.siblings,
        )
        request = TransitionRequest(
            action,
            given,
            actor,
            motion_id=None if self.snapshot is None else self.snapshot.id,
        )
        decision = decide(RETURN_MODEL, request, context)
        if decision.allowed and decision.after is not None:
            self.snapshot = replace(decision.after, id=11)
        return decision


def _start(parent: MotionSnapshot, *lines: ReturnLineInput) -> StartInput:
    return StartInput(
        parent.account_id,
        parent.channel,
        parent.partner_id,
        kind=MotionKind.RETURN,
        parent_motion_id=parent.id,
        return_lines=lines,
    )


def test_completing_a_return_changes_its_parent() -> None:
    parent = fulfilled()
    back = _Return(parent, ())
    now = NOW + 25 * DAY
    back.ask(Action.START, _start(parent, ReturnLineInput(1, 4)), SELLER, now)
    back.ask(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER, now)
    back.ask(Action.ACCEPT_QUOTE, NoInput(), SELLER, now)
    back.ask(Action.PLACE_ORDER, NoInput(), SELLER, now)

    done = back.ask(Action.FULFIL, FulfilInput((FulfilmentLineInput(1, 4),)), OPS, now)

    assert done.to_state is MotionState.FULFILLED
    assert done.parent_effects[:2] == (
        UnitsReturned((ReturnedLine(1, 4),)),
        OrderStatusChanged(OrderStatus.PARTIALLY_RETURNED),
    )
    assert isinstance(done.parent_effects[2], EntitlementsRevoked)
    after = done.parent_after
    assert (after.version, after.state) == (parent.version + 1, parent.state)
    assert after.order.lines[0].returned_quantity == 4
    # 4 of 20 seats at a net of 193800 refund 38760
    assert back.snapshot is not None and back.snapshot.order is not None
    assert back.snapshot.order.total == 38760
    assert back.snapshot.entitlements == ()


def test_a_rejected_return_is_over() -> None:
    parent = fulfilled()
    back = _Return(parent, ())
    late = NOW + 60 * DAY
    back.ask(Action.START, _start(parent, ReturnLineInput(1, 1)), SELLER, late)
    back.ask(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER, late)
    assert back.snapshot is not None and back.snapshot.approval is not None
    assert back.snapshot.approval.tiers == ("finance",)

    refused = back.ask(Action.REJECT, DecisionInput("too late"), FINANCE, late)

    assert refused.to_state is MotionState.CANCELLED
    assert refused.parent_effects == ()


def test_more_than_is_left_or_a_draft_parent_is_refused() -> None:
    parent = fulfilled()
    held = (child(MotionState.DRAFT, 15, 8),)

    too_many = _Return(parent, held).ask(
        Action.START, _start(parent, ReturnLineInput(1, 6)), SELLER, NOW
    )
    draft = deal_in(MotionState.DRAFT).motion
    nothing = _Return(draft, ()).ask(
        Action.START, _start(draft, ReturnLineInput(3, 1)), SELLER, NOW
    )

    codes = {v.code for v in too_many.failures}
    assert codes == {"QUANTITY_EXCEEDS_REMAINING"}
    assert {v.code for v in nothing.failures} == {"NOT_RETURNABLE", "INVALID_INPUT"}
