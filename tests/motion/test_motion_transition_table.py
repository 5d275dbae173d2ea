"""Every action from every state: allowed exactly where the table says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from motion_samples import (
    CUSTOMER,
    DESK,
    ERP,
    NOW,
    OPS,
    OTHER_SELLER,
    SELLER,
    START_DATE,
    Deal,
    deal_in,
)

from viax.motion.inputs import (
    CancelInput,
    ConfigureInput,
    DecisionInput,
    FulfilInput,
    FulfilmentLineInput,
    InvoiceInput,
    IssueQuoteInput,
    LineInput,
    NoInput,
    PaymentInput,
    SignAgreementInput,
    StartInput,
    TransitionInput,
)
from viax.motion.snapshot import SYSTEM, Action, Channel, MotionState, Principal

S = MotionState

# The table of MOTION_MODEL.md, written out again here so that the model
# file is checked against the spec rather than against itself.
TABLE: dict[Action, frozenset[MotionState]] = {
    Action.CONFIGURE: frozenset({S.DRAFT, S.QUOTED, S.PENDING_APPROVAL}),
    Action.ISSUE_QUOTE: frozenset({S.DRAFT}),
    Action.APPROVE: frozenset({S.PENDING_APPROVAL}),
    Action.REJECT: frozenset({S.PENDING_APPROVAL}),
    Action.ACCEPT_QUOTE: frozenset({S.QUOTED}),
    Action.SIGN_AGREEMENT: frozenset({S.ACCEPTED}),
    Action.PLACE_ORDER: frozenset({S.AGREED}),
    Action.FULFIL: frozenset({S.ORDERED, S.FULFILLING}),
    Action.RECORD_INVOICE: frozenset({S.FULFILLED}),
    Action.RECORD_PAYMENT: frozenset({S.INVOICED}),
    Action.CANCEL: frozenset(
        {S.DRAFT, S.PENDING_APPROVAL, S.QUOTED, S.ACCEPTED, S.AGREED, S.ORDERED}
    ),
    Action.EXPIRE: frozenset({S.QUOTED, S.PENDING_APPROVAL}),
}

DESTINATIONS: dict[Action, dict[MotionState, MotionState]] = {
    Action.CONFIGURE: dict.fromkeys(TABLE[Action.CONFIGURE], S.DRAFT),
    Action.ISSUE_QUOTE: {S.DRAFT: S.PENDING_APPROVAL},
    Action.APPROVE: {S.PENDING_APPROVAL: S.QUOTED},
    Action.REJECT: {S.PENDING_APPROVAL: S.DRAFT},
    Action.ACCEPT_QUOTE: {S.QUOTED: S.ACCEPTED},
    Action.SIGN_AGREEMENT: {S.ACCEPTED: S.AGREED},
    Action.PLACE_ORDER: {S.AGREED: S.ORDERED},
    Action.FULFIL: {S.ORDERED: S.FULFILLING, S.FULFILLING: S.FULFILLING},
    Action.RECORD_INVOICE: {S.FULFILLED: S.INVOICED},
    Action.RECORD_PAYMENT: {S.INVOICED: S.CLOSED},
    Action.CANCEL: dict.fromkeys(TABLE[Action.CANCEL], S.CANCELLED),
    Action.EXPIRE: dict.fromkeys(TABLE[Action.EXPIRE], S.EXPIRED),
}


def _order_total(deal: Deal) -> int:
    return 0 if deal.motion.order is None else deal.motion.order.total


def _invoice_amount(deal: Deal) -> int:
    return 0 if deal.motion.invoice is None else deal.motion.invoice.amount


# For each action, a request that passes every guard but the state's.
Request = Callable[[Deal], tuple[TransitionInput, Principal]]
REQUESTS: dict[Action, Request] = {
    Action.CONFIGURE: lambda d: (ConfigureInput((LineInput(11, 20),)), SELLER),
    Action.ISSUE_QUOTE: lambda d: (IssueQuoteInput(), SELLER),
    Action.APPROVE: lambda d: (DecisionInput(), DESK),
    Action.REJECT: lambda d: (DecisionInput("too deep a discount"), DESK),
    Action.ACCEPT_QUOTE: lambda d: (NoInput(), CUSTOMER),
    Action.SIGN_AGREEMENT: lambda d: (SignAgreementInput(START_DATE, "Cyd"), CUSTOMER),
    Action.PLACE_ORDER: lambda d: (NoInput(), SELLER),
    Action.FULFIL: lambda d: (FulfilInput((FulfilmentLineInput(1, 10),)), OPS),
    Action.RECORD_INVOICE: lambda d: (InvoiceInput("INV-9", _order_total(d)), ERP),
    Action.RECORD_PAYMENT: lambda d: (PaymentInput("PAY-9", _invoice_amount(d)), ERP),
    Action.CANCEL: lambda d: (CancelInput("the buyer walked away"), SELLER),
    Action.EXPIRE: lambda d: (NoInput(), SYSTEM),
}

CASES = [(action, state) for action in TABLE for state in MotionState]


def _id(value: object) -> str:
    if isinstance(value, Principal):
        return value.subject
    return str(value)


@pytest.mark.parametrize(("action", "state"), CASES, ids=_id)
def test_action_is_allowed_only_from_the_states_of_the_table(
    action: Action, state: MotionState
) -> None:
    deal = deal_in(state)
    given, actor = REQUESTS[action](deal)
    now = NOW + timedelta(days=31) if action is Action.EXPIRE else NOW

    decision = deal.ask(action, given, actor, now)

    if state in TABLE[action]:
        assert decision.failures == ()
        assert decision.allowed
        assert decision.to_state is DESTINATIONS[action][state]
        assert decision.after is not None
        assert decision.after.version == deal.motion.version + 1
    else:
        assert not decision.allowed
        assert "NOT_ALLOWED_IN_STATE" in {v.code for v in decision.failures}
        assert decision.effects == ()
        assert decision.after is None


@pytest.mark.parametrize("state", list(MotionState), ids=_id)
def test_start_is_refused_once_a_motion_exists(state: MotionState) -> None:
    deal = deal_in(state)

    decision = deal.ask(Action.START, StartInput(1, Channel.DIRECT), SELLER)

    assert [v.code for v in decision.failures] == ["NOT_ALLOWED_IN_STATE"]


def test_start_without_a_motion_leads_to_draft() -> None:
    decision = Deal().ask(Action.START, StartInput(1, Channel.DIRECT), SELLER)

    assert decision.allowed
    assert decision.from_state is None
    assert decision.to_state is MotionState.DRAFT
    assert decision.after is not None
    assert (decision.after.id, decision.after.number, decision.after.version) == (
        0,
        "",
        1,
    )


ROLE_CASES = [
    (Action.CONFIGURE, S.DRAFT, CUSTOMER),
    (Action.ISSUE_QUOTE, S.DRAFT, DESK),
    (Action.APPROVE, S.PENDING_APPROVAL, OTHER_SELLER),
    (Action.REJECT, S.PENDING_APPROVAL, CUSTOMER),
    (Action.ACCEPT_QUOTE, S.QUOTED, DESK),
    (Action.SIGN_AGREEMENT, S.ACCEPTED, OPS),
    (Action.PLACE_ORDER, S.AGREED, CUSTOMER),
    (Action.FULFIL, S.ORDERED, SELLER),
    (Action.RECORD_INVOICE, S.FULFILLED, OPS),
    (Action.RECORD_PAYMENT, S.INVOICED, SELLER),
    (Action.CANCEL, S.DRAFT, CUSTOMER),
    (Action.EXPIRE, S.QUOTED, SELLER),
]


@pytest.mark.parametrize(("action", "state", "actor"), ROLE_CASES, ids=_id)
def test_action_by_a_role_the_table_does_not_name_is_forbidden(
    action: Action, state: MotionState, actor: Principal
) -> None:
    deal = deal_in(state)
    given, _ = REQUESTS[action](deal)
    now = NOW + timedelta(days=31) if action is Action.EXPIRE else NOW

    decision = deal.ask(action, given, actor, now)

    assert [v.code for v in decision.failures] == ["FORBIDDEN_ROLE"]


@pytest.mark.parametrize(("action", "state", "actor"), ROLE_CASES, ids=_id)
def test_admin_passes_every_role_guard(
    action: Action, state: MotionState, actor: Principal
) -> None:
    deal = deal_in(state)
    given, _ = REQUESTS[action](deal)
    now = NOW + timedelta(days=31) if action is Action.EXPIRE else NOW
    admin = Principal("root", frozenset({"admin"}))

    decision = deal.ask(action, given, admin, now)

    assert decision.allowed, decision.failures


def test_a_discount_of_exactly_ten_percent_quotes_without_approval() -> None:
    deal = deal_in(S.DRAFT)
    deal.take(
        Action.CONFIGURE, ConfigureInput((LineInput(11, 5, Decimal(10)),)), SELLER
    )

    decision = deal.ask(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER)

    assert decision.to_state is S.QUOTED
