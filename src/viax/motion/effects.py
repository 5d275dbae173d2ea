"""What each action changes: the effects of an allowed transition.

Builders run only after every guard passed, so a fact they cannot find is
a broken snapshot or context, raised as an `EngineError`, never a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from viax.motion import order_effects
from viax.motion.amendment import (
    agreement_holders,
    agreement_units,
    amendments_of,
    months_left,
    price_amendment,
)
from viax.motion.decision import (
    ApprovalDecided,
    ApprovalRequested,
    ApprovalVoided,
    Effect,
    LinesReplaced,
    ModelMigrated,
    MotionStarted,
    QuoteIssued,
    QuoteStatusChanged,
)
from viax.motion.guards import GuardCall
from viax.motion.inputs import (
    ConfigureInput,
    DecisionInput,
    IssueQuoteInput,
    MigrateInput,
    StartInput,
)
from viax.motion.outcome import Outcome
from viax.motion.outcome import input_of as _asked
from viax.motion.outcome import motion_of as _motion
from viax.motion.outcome import need as _need
from viax.motion.outcome import parent_of as _parent
from viax.motion.pricing import (
    PricedLines,
    partner_rate,
    price_lines,
    required_approvals,
)
from viax.motion.renewal import price_renewal, renewal_approvals, renewal_lines
from viax.motion.returns import (
    late_lines,
    price_return,
    return_approvals,
    return_lines,
    taken_before,
)
from viax.motion.snapshot import (
    Action,
    Approval,
    ApprovalDecision,
    ApprovalStatus,
    MotionKind,
    MotionSnapshot,
    MotionState,
    Quote,
    QuoteStatus,
)


def _start(call: GuardCall) -> Outcome:
    asked = _asked(call, StartInput)
    account = _need(call.account, "account")
    started = MotionStarted(
        account_id=asked.account_id,
        partner_id=asked.partner_id,
        channel=asked.channel,
        currency=account.currency,
        owner=call.actor,
        model_name=call.model.name,
        model_version=call.model.version,
        kind=call.model.motion_kind,
        parent_id=asked.parent_motion_id,
        effective_date=_effective_start(call, asked),
    )
    if asked.kind is MotionKind.RENEWAL:
        parent = _need(call.context.parent, "parent motion")
        lines = renewal_lines(parent, asked.uplift_percent, call.context.siblings)
    elif asked.kind is MotionKind.RETURN:
        lines = return_lines(_parent(call), asked.return_lines)
    else:
        lines = call.proposed_lines() or ()
    effects: tuple[Effect, ...] = (
        (started, LinesReplaced(lines)) if lines else (started,)
    )
    return Outcome(effects, MotionState(call.model.initial))


def _effective_start(call: GuardCall, asked: StartInput) -> date | None:
    if asked.kind is not MotionKind.AMENDMENT:
        return None
    return asked.effective_date or call.context.now.date()


def _configure(call: GuardCall) -> Outcome:
    motion = _motion(call)
    _asked(call, ConfigureInput)
    effects: list[Effect] = [LinesReplaced(call.proposed_lines() or ())]
    if motion.quote is not None:
        effects.append(QuoteStatusChanged(motion.quote.revision, QuoteStatus.VOID))
    if motion.approval is not None:
        effects.append(ApprovalVoided(motion.approval.revision))
    return Outcome(tuple(effects), MotionState.DRAFT)


def _issue_quote(call: GuardCall) -> Outcome:
    motion = _motion(call)
    quote = _new_quote(call, motion, _asked(call, IssueQuoteInput))
    need = required_approvals(
        quote.lines, motion.channel, quote.total, call.model.approval
    )
    if motion.kind is MotionKind.RENEWAL:
        cap = _need(_parent(call).agreement, "parent agreement").uplift_cap_percent
        need = renewal_approvals(
            quote.lines, motion.channel, quote.total, call.model.approval, cap
        )
    elif motion.kind is MotionKind.RETURN:
        late = late_lines(
            _parent(call),
            motion.lines,
            call.context.siblings,
            motion.id,
            call.context.now,
        )
        need = return_approvals(
            quote.lines,
            motion.channel,
            quote.total,
            call.model.approval,
            late=bool(late),
        )
    if not need.roles:
        return Outcome((QuoteIssued(quote),), MotionState.QUOTED)
    approval = Approval(quote.revision, ApprovalStatus.PENDING, need.roles, 1)
    effects = (QuoteIssued(quote), ApprovalRequested(approval))
    return Outcome(effects, MotionState.PENDING_APPROVAL)


def _new_quote(
    call: GuardCall, motion: MotionSnapshot, asked: IssueQuoteInput
) -> Quote:
    terms = call.model.terms
    term = terms.default_months if asked.term_months is None else asked.term_months
    if motion.kind is MotionKind.RENEWAL:
        # A renewal runs for the term it renews, at the nets of that term.
        term = _need(_parent(call).quote, "parent quote").term_months
        priced = price_renewal(
            motion.lines,
            call.context.products,
            _parent(call),
            currency=motion.currency,
            term_months=term,
            model=call.model,
            amendments=amendments_of(call.context.siblings),
        )
    elif motion.kind is MotionKind.AMENDMENT:
        term, priced = _amendment_priced(call, motion)
    elif motion.kind is MotionKind.RETURN:
        # A return refunds units of the returned term, at their nets.
        parent = _parent(call)
        term = _need(parent.quote, "parent quote").term_months
        priced = price_return(
            motion.lines,
            call.context.products,
            parent,
            taken_before(parent, call.context.siblings, motion.id),
            currency=motion.currency,
            term_months=term,
            model=call.model,
        )
    else:
        priced = price_lines(
            motion.lines,
            call.context.products,
            currency=motion.currency,
            term_months=term,
            partner_rate=partner_rate(call.model, motion.channel, call.partner),
            model=call.model,
        )
    revision = motion.quote_revisions + 1
    now = call.context.now
    return Quote(
        revision=revision,
        number=f"Q-{motion.id:06d}-{revision}",
        status=QuoteStatus.ACTIVE,
        issued_at=now,
        expires_at=now + timedelta(days=terms.quote_validity_days),
        term_months=term,
        currency=motion.currency,
        lines=priced.lines,
        list_total=priced.list_total,
        total=priced.total,
        price_hash=priced.price_hash,
    )


def _amendment_priced(
    call: GuardCall, motion: MotionSnapshot
) -> tuple[int, PricedLines]:
    # Co-termed: the change runs for the whole months the agreement has left.
    parent = _parent(call)
    effective = _need(motion.effective_date, "effective date")
    held = agreement_units(
        parent, call.context.siblings, effective, excluding=motion.id
    )
    months = months_left(parent, effective)
    return months, price_amendment(
        motion.lines,
        call.context.products,
        agreement_holders(parent, call.context.siblings, motion.id),
        held,
        effective=effective,
        currency=motion.currency,
        months=months,
        partner_rate=partner_rate(call.model, motion.channel, call.partner),
        model=call.model,
    )


def _decision(call: GuardCall, verdict: ApprovalStatus) -> ApprovalDecision:
    approval = _need(_motion(call).approval, "approval")
    tier = _need(approval.current_tier, "pending approval tier")
    return ApprovalDecision(
        tier=tier,
        role=approval.tiers[tier - 1],
        actor=call.actor.subject,
        verdict=verdict.value,
        comment=_asked(call, DecisionInput).comment,
        at=call.context.now,
    )


def _approve(call: GuardCall) -> Outcome:
    approval = _need(_motion(call).approval, "approval")
    decision = _decision(call, ApprovalStatus.APPROVED)
    if decision.tier == len(approval.tiers):
        decided = ApprovalDecided(
            approval.revision, decision, ApprovalStatus.APPROVED, None
        )
        return Outcome((decided,), MotionState.QUOTED)
    decided = ApprovalDecided(
        approval.revision, decision, ApprovalStatus.PENDING, decision.tier + 1
    )
    return Outcome((decided,), MotionState.PENDING_APPROVAL)


def _reject(call: GuardCall) -> Outcome:
    approval = _need(_motion(call).approval, "approval")
    quote = _need(_motion(call).quote, "quote")
    decision = _decision(call, ApprovalStatus.REJECTED)
    effects = (
        ApprovalDecided(approval.revision, decision, ApprovalStatus.REJECTED, None),
        QuoteStatusChanged(quote.revision, QuoteStatus.VOID),
    )
    # A refused return is over, and frees the units it held.
    if _motion(call).kind is MotionKind.RETURN:
        return Outcome(effects, MotionState.CANCELLED)
    return Outcome(effects, MotionState.DRAFT)


def _accept_quote(call: GuardCall) -> Outcome:
    quote = _need(_motion(call).quote, "quote")
    accepted = QuoteStatusChanged(
        quote.revision,
        QuoteStatus.ACCEPTED,
        accepted_by=call.actor.subject,
        accepted_at=call.context.now,
    )
    return Outcome((accepted,), MotionState.ACCEPTED)


def _migrate(call: GuardCall) -> Outcome:
    motion, asked = _motion(call), _asked(call, MigrateInput)
    moved = ModelMigrated(motion.model_name, motion.model_version, asked.to_version)
    return Outcome((moved,), motion.state)


_BUILDERS: dict[Action, Callable[[GuardCall], Outcome]] = {
    Action.START: _start,
    Action.CONFIGURE: _configure,
    Action.ISSUE_QUOTE: _issue_quote,
    Action.APPROVE: _approve,
    Action.REJECT: _reject,
    Action.ACCEPT_QUOTE: _accept_quote,
    Action.SIGN_AGREEMENT: order_effects.sign_agreement,
    Action.PLACE_ORDER: order_effects.place_order,
    Action.FULFIL: order_effects.fulfil,
    Action.RECORD_INVOICE: order_effects.record_invoice,
    Action.RECORD_PAYMENT: order_effects.record_payment,
    Action.CANCEL: order_effects.cancel,
    Action.EXPIRE: order_effects.expire,
    Action.MIGRATE: _migrate,
}


def outcome(call: GuardCall) -> Outcome:
    """The effects and destination of an action whose guards all passed."""
    return _BUILDERS[call.action](call)
