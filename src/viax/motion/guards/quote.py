"""Guards on the quote and its approval: duties, reasons, expiry."""

from __future__ import annotations

from collections.abc import Iterator

from viax.motion.guards.call import (
    GuardCall,
    GuardCode,
    Problem,
    guard,
    missing_input,
)
from viax.motion.inputs import CancelInput, DecisionInput
from viax.motion.snapshot import ApprovalStatus, Quote, QuoteStatus


@guard(
    "not_owner",
    GuardCode.SELF_APPROVAL,
    "the approver is not the owner of the motion",
)
def not_owner(call: GuardCall) -> Iterator[Problem]:
    snapshot = call.snapshot
    if snapshot is not None and snapshot.owner.subject == call.actor.subject:
        yield (
            f"{call.actor.subject} owns this motion and cannot approve it; "
            "another approver must"
        )


@guard(
    "reason_given",
    GuardCode.REASON_REQUIRED,
    "a reason is given",
    needs_input=True,
)
def reason_given(call: GuardCall) -> Iterator[Problem]:
    decision, cancel = call.input_as(DecisionInput), call.input_as(CancelInput)
    if decision is not None:
        reason = decision.comment
    elif cancel is not None:
        reason = cancel.reason
    else:
        yield missing_input(call)
        return
    if not isinstance(reason, str) or not reason.strip():
        yield f"{call.action.value} needs a reason; give a comment"


def active_quote(call: GuardCall) -> Quote | None:
    """The motion's quote when it is still open for acceptance."""
    snapshot = call.snapshot
    quote = None if snapshot is None else snapshot.quote
    return quote if quote is not None and quote.status is QuoteStatus.ACTIVE else None


@guard("quote_not_expired", GuardCode.QUOTE_EXPIRED, "the quote has not expired")
def quote_not_expired(call: GuardCall) -> Iterator[Problem]:
    quote = active_quote(call)
    if quote is None:
        yield (GuardCode.NOT_ALLOWED_IN_STATE, "the motion has no active quote")
    elif call.context.now > quote.expires_at:
        yield (
            f"quote {quote.number} expired at {quote.expires_at.isoformat()}; "
            "configure and issue a new quote"
        )


@guard(
    "quote_past_expiry",
    GuardCode.NOT_ALLOWED_IN_STATE,
    "the quote is past its expiry",
)
def quote_past_expiry(call: GuardCall) -> Iterator[Problem]:
    quote = active_quote(call)
    if quote is None:
        yield "the motion has no active quote to expire"
    elif call.context.now <= quote.expires_at:
        yield (f"quote {quote.number} is valid until {quote.expires_at.isoformat()}")


@guard(
    "approval_complete",
    GuardCode.APPROVAL_PENDING,
    "every approval tier has approved",
)
def approval_complete(call: GuardCall) -> Iterator[Problem]:
    snapshot = call.snapshot
    approval = None if snapshot is None else snapshot.approval
    if approval is None or approval.status is ApprovalStatus.APPROVED:
        return
    tier = approval.current_tier
    if approval.status is ApprovalStatus.PENDING and tier is not None:
        yield f"tier {tier} ({approval.tiers[tier - 1]}) has not approved yet"
    else:
        yield f"the approval is {approval.status.value}"
