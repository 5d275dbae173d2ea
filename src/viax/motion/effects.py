"""What each action changes: the effects of an allowed transition.

Builders run only after every guard passed (see `viax.motion.outcome`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from viax.motion.amendment import signed_fulfilment
from viax.motion.decision import (
    AgreementSigned,
    ApprovalDecided,
    ApprovalRequested,
    ApprovalVoided,
    CancelInput,
    ConfigureInput,
    DecisionInput,
    Effect,
    EntitlementsGranted,
    FulfilInput,
    FulfilmentRecorded,
    InvoiceInput,
    InvoiceRecorded,
    IssueQuoteInput,
    LinesReplaced,
    MotionStarted,
    OrderPlaced,
    OrderStatusChanged,
    PaymentInput,
    PaymentRecorded,
    QuoteIssued,
    QuoteStatusChanged,
    SignAgreementInput,
    StartInput,
)
from viax.motion.guards import GuardCall
from viax.motion.outcome import (
    Outcome,
    asked_input,
    need,
    parent_of,
    snapshot_of,
)
from viax.motion.pricing import (
    order_lines,
    order_price_hash,
    required_approvals,
)
from viax.motion.quoting import new_quote
from viax.motion.renewal import renewal_approvals, renewal_lines
from viax.motion.snapshot import (
    Action,
    Agreement,
    Approval,
    ApprovalDecision,
    ApprovalStatus,
    Entitlement,
    Fulfilment,
    FulfilmentLine,
    Invoice,
    MotionKind,
    MotionSnapshot,
    MotionState,
    Order,
    OrderStatus,
    Payment,
    ProductKind,
    QuoteStatus,
)
from viax.motion.terms import agreement_end

T = TypeVar("T")


def _start(call: GuardCall) -> Outcome:
    asked = asked_input(call, StartInput)
    account = need(call.account, "account")
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
        parent = need(call.context.parent, "parent motion")
        lines = renewal_lines(parent, asked.uplift_percent, call.context.siblings)
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
    motion = snapshot_of(call)
    asked_input(call, ConfigureInput)
    effects: list[Effect] = [LinesReplaced(call.proposed_lines() or ())]
    if motion.quote is not None:
        effects.append(QuoteStatusChanged(motion.quote.revision, QuoteStatus.VOID))
    if motion.approval is not None:
        effects.append(ApprovalVoided(motion.approval.revision))
    return Outcome(tuple(effects), MotionState.DRAFT)


def _issue_quote(call: GuardCall) -> Outcome:
    motion = snapshot_of(call)
    quote = new_quote(call, motion, asked_input(call, IssueQuoteInput))
    wanted = required_approvals(
        quote.lines, motion.channel, quote.total, call.model.approval
    )
    if motion.kind is MotionKind.RENEWAL:
        cap = need(parent_of(call).agreement, "parent agreement").uplift_cap_percent
        wanted = renewal_approvals(
            quote.lines, motion.channel, quote.total, call.model.approval, cap
        )
    if not wanted.roles:
        return Outcome((QuoteIssued(quote),), MotionState.QUOTED)
    approval = Approval(quote.revision, ApprovalStatus.PENDING, wanted.roles, 1)
    effects = (QuoteIssued(quote), ApprovalRequested(approval))
    return Outcome(effects, MotionState.PENDING_APPROVAL)


def _decision(call: GuardCall, verdict: ApprovalStatus) -> ApprovalDecision:
    approval = need(snapshot_of(call).approval, "approval")
    tier = need(approval.current_tier, "pending approval tier")
    return ApprovalDecision(
        tier=tier,
        role=approval.tiers[tier - 1],
        actor=call.actor.subject,
        verdict=verdict.value,
        comment=asked_input(call, DecisionInput).comment,
        at=call.context.now,
    )


def _approve(call: GuardCall) -> Outcome:
    approval = need(snapshot_of(call).approval, "approval")
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
    approval = need(snapshot_of(call).approval, "approval")
    quote = need(snapshot_of(call).quote, "quote")
    decision = _decision(call, ApprovalStatus.REJECTED)
    effects = (
        ApprovalDecided(approval.revision, decision, ApprovalStatus.REJECTED, None),
        QuoteStatusChanged(quote.revision, QuoteStatus.VOID),
    )
    return Outcome(effects, MotionState.DRAFT)


def _accept_quote(call: GuardCall) -> Outcome:
    quote = need(snapshot_of(call).quote, "quote")
    accepted = QuoteStatusChanged(
        quote.revision,
        QuoteStatus.ACCEPTED,
        accepted_by=call.actor.subject,
        accepted_at=call.context.now,
    )
    return Outcome((accepted,), MotionState.ACCEPTED)


def _agreement_end(call: GuardCall, start: date, term_months: int) -> date:
    if snapshot_of(call).kind is MotionKind.AMENDMENT:
        # Co-termed: an amendment ends with the agreement it amends.
        return need(parent_of(call).agreement, "parent agreement").end_date
    return agreement_end(start, term_months)


def _sign_agreement(call: GuardCall) -> Outcome:
    motion = snapshot_of(call)
    asked = asked_input(call, SignAgreementInput)
    quote = need(motion.quote, "quote")
    terms = call.model.agreement
    agreement = Agreement(
        number=f"A-{motion.id:06d}",
        start_date=asked.start_date,
        end_date=_agreement_end(call, asked.start_date, quote.term_months),
        signed_by=asked.signed_by,
        signed_at=call.context.now,
        payment_days=terms.payment_days,
        uplift_cap_percent=terms.uplift_cap_percent,
    )
    return Outcome((AgreementSigned(agreement),), MotionState.AGREED)


def _place_order(call: GuardCall) -> Outcome:
    motion = snapshot_of(call)
    quote = need(motion.quote, "quote")
    lines = order_lines(quote)
    digest = order_price_hash(
        lines, quote, model_name=call.model.name, model_version=call.model.version
    )
    order = Order(
        number=f"O-{motion.id:06d}",
        status=OrderStatus.OPEN,
        placed_at=call.context.now,
        total=quote.total,
        price_hash=digest,
        lines=lines,
    )
    return Outcome((OrderPlaced(order),), MotionState.ORDERED)


def _fulfilment_lines(asked: FulfilInput) -> tuple[FulfilmentLine, ...]:
    # Two entries for one order line count as one fulfilment of their sum.
    merged: dict[int, int] = {}
    for line in asked.lines:
        merged[line.order_line] = merged.get(line.order_line, 0) + line.quantity
    return tuple(FulfilmentLine(position, qty) for position, qty in merged.items())


def _fulfil(call: GuardCall) -> Outcome:
    motion = snapshot_of(call)
    order = need(motion.order, "order")
    lines = signed_fulfilment(_fulfilment_lines(asked_input(call, FulfilInput)), order)
    now = call.context.now
    fulfilment = Fulfilment(len(motion.fulfilments) + 1, now, call.actor.subject, lines)
    # Units an amendment removes are given up by its parent, not granted.
    adding = [line for line in lines if line.quantity > 0]
    granted = tuple(
        _entitlement(call, motion, line, len(motion.entitlements) + index)
        for index, line in enumerate(adding, start=1)
    )
    done = {line.order_line: line.quantity for line in lines}
    complete = all(
        abs(o.fulfilled_quantity + done.get(o.position, 0)) >= abs(o.quantity)
        for o in order.lines
    )
    status = OrderStatus.FULFILLED if complete else OrderStatus.PARTIALLY_FULFILLED
    effects = (
        FulfilmentRecorded(fulfilment),
        EntitlementsGranted(granted),
        OrderStatusChanged(status),
    )
    state = MotionState.FULFILLED if complete else MotionState.FULFILLING
    return Outcome(effects, state)


def _entitlement(
    call: GuardCall, motion: MotionSnapshot, line: FulfilmentLine, position: int
) -> Entitlement:
    order = need(motion.order, "order")
    ordered = next(o for o in order.lines if o.position == line.order_line)
    product = need(call.context.products.get(ordered.product_id), "product")
    ends_on = None
    if product.kind is ProductKind.SUBSCRIPTION:
        ends_on = need(motion.agreement, "agreement").end_date
    starts_on = call.context.now.date()
    if motion.kind is MotionKind.RENEWAL:
        # Renewed units run on from the day the renewed agreement ends.
        starts_on = max(starts_on, need(motion.agreement, "agreement").start_date)
    elif motion.kind is MotionKind.AMENDMENT:
        starts_on = need(motion.effective_date, "effective date")
    return Entitlement(
        position=position,
        product_id=ordered.product_id,
        quantity=line.quantity,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def _record_invoice(call: GuardCall) -> Outcome:
    asked = asked_input(call, InvoiceInput)
    amount = need(asked.amount, "exact amount")
    invoice = Invoice(asked.invoice_number, amount, call.context.now.date())
    return Outcome((InvoiceRecorded(invoice),), MotionState.INVOICED)


def _record_payment(call: GuardCall) -> Outcome:
    asked = asked_input(call, PaymentInput)
    amount = need(asked.amount, "exact amount")
    payment = Payment(asked.payment_reference, amount, call.context.now.date())
    return Outcome((PaymentRecorded(payment),), MotionState.CLOSED)


def _cancel(call: GuardCall) -> Outcome:
    asked_input(call, CancelInput)
    order = snapshot_of(call).order
    effects = () if order is None else (OrderStatusChanged(OrderStatus.CANCELLED),)
    return Outcome(effects, MotionState.CANCELLED)


def _expire(call: GuardCall) -> Outcome:
    snapshot_of(call)
    return Outcome((), MotionState.EXPIRED)


_BUILDERS: dict[Action, Callable[[GuardCall], Outcome]] = {
    Action.START: _start,
    Action.CONFIGURE: _configure,
    Action.ISSUE_QUOTE: _issue_quote,
    Action.APPROVE: _approve,
    Action.REJECT: _reject,
    Action.ACCEPT_QUOTE: _accept_quote,
    Action.SIGN_AGREEMENT: _sign_agreement,
    Action.PLACE_ORDER: _place_order,
    Action.FULFIL: _fulfil,
    Action.RECORD_INVOICE: _record_invoice,
    Action.RECORD_PAYMENT: _record_payment,
    Action.CANCEL: _cancel,
    Action.EXPIRE: _expire,
}


def outcome(call: GuardCall) -> Outcome:
    """The effects and destination of an action whose guards all passed."""
    return _BUILDERS[call.action](call)
