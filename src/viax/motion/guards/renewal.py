"""Guards of a renewal: what may be renewed, when, and on which terms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from viax.motion.guards.call import (
    GuardCall,
    GuardCode,
    Problem,
    guard,
    missing_input,
)
from viax.motion.inputs import IssueQuoteInput, SignAgreementInput, StartInput
from viax.motion.renewal import renewable_quantities, window_opens
from viax.motion.snapshot import MotionKind, MotionSnapshot, MotionState

# A motion holds what it bought only once something was fulfilled.
_HOLDING = frozenset(
    {
        MotionState.FULFILLING,
        MotionState.FULFILLED,
        MotionState.INVOICED,
        MotionState.CLOSED,
    }
)


# A renewal that ended in one of these leaves the agreement free to renew.
_WITHDRAWN = frozenset({MotionState.CANCELLED, MotionState.EXPIRED})


@guard(
    "renewal_parent",
    GuardCode.NOT_RENEWABLE,
    "the parent motion holds an agreement with units to renew",
    needs_input=True,
)
def renewal_parent(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(StartInput)
    if asked is None:
        yield missing_input(call)
        return
    parent = call.context.parent
    if parent is None:
        yield f"there is no motion {asked.parent_motion_id} to renew"
        return
    if parent.agreement is None or parent.state not in _HOLDING:
        yield f"motion {parent.number} holds no fulfilled agreement to renew"
    elif not renewable_quantities(parent, call.context.siblings):
        yield f"motion {parent.number} holds no active subscription to renew"
    if (parent.account_id, parent.channel, parent.partner_id) != (
        asked.account_id,
        asked.channel,
        asked.partner_id,
    ):
        yield "a renewal is for the parent's account, channel and partner"


@guard(
    "renewal_not_running",
    GuardCode.NOT_RENEWABLE,
    "no other renewal of the agreement is under way or done",
)
def renewal_not_running(call: GuardCall) -> Iterator[Problem]:
    current = None if call.snapshot is None else call.snapshot.id
    for sibling in call.context.siblings:
        live = sibling.state not in _WITHDRAWN and sibling.id != current
        if sibling.kind is MotionKind.RENEWAL and live:
            yield f"motion {sibling.number} already renews this agreement"


@guard(
    "renewal_window",
    GuardCode.OUTSIDE_RENEWAL_WINDOW,
    "the agreement ends within the renewal window",
)
def renewal_window(call: GuardCall) -> Iterator[Problem]:
    parent = call.context.parent
    agreement = None if parent is None else parent.agreement
    if agreement is None:
        return  # renewal_parent says why
    today = call.context.now.date()
    opens = window_opens(agreement.end_date)
    if today < opens:
        yield f"the agreement ends on {agreement.end_date}; renew from {opens}"
    elif today > agreement.end_date:
        yield f"the agreement ended on {agreement.end_date}"


@guard(
    "uplift_range",
    GuardCode.INVALID_INPUT,
    "the uplift is within the limits",
    needs_input=True,
)
def uplift_range(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(StartInput)
    if asked is None:
        yield missing_input(call)
        return
    highest = call.model.limits.max_discount
    if not 0 <= asked.uplift_percent <= highest:
        yield f"an uplift of {asked.uplift_percent} % is not 0 to {highest} %"


@guard(
    "renewal_term",
    GuardCode.INVALID_INPUT,
    "the term is the renewed agreement's",
    needs_input=True,
)
def renewal_term(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(IssueQuoteInput)
    if asked is None:
        yield missing_input(call)
        return
    term = _parent_term(call.context.parent)
    if asked.term_months is not None and asked.term_months != term:
        yield f"a renewal runs for the renewed term of {term} months"


@guard(
    "renewal_start_date",
    GuardCode.INVALID_INPUT,
    "the renewal starts the day after the renewed agreement ends",
    needs_input=True,
)
def renewal_start_date(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(SignAgreementInput)
    if asked is None:
        yield missing_input(call)
        return
    parent = call.context.parent
    agreement = None if parent is None else parent.agreement
    if agreement is None:
        yield "the renewed agreement is not found"
        return
    day_after = agreement.end_date + timedelta(days=1)
    if asked.start_date != day_after:
        yield f"a renewal of {agreement.number} starts on {day_after}"


def _parent_term(parent: MotionSnapshot | None) -> int | None:
    quote = None if parent is None else parent.quote
    return None if quote is None else quote.term_months
