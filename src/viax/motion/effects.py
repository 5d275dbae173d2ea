"""What each action changes: the effects of an allowed transition.

Builders run only after every guard passed, so a fact they cannot find is
a broken snapshot or context, raised as an `EngineError`, never a refusal.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from viax.errors import ViaxError
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
    MigrateInput,
    ModelMigrated,
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
from viax.motion.pricing import (
    order_lines,
    order_price_hash,
    partner_rate,
    price_lines,
    required_approvals,
)
from viax.motion.renewal import price_renewal, renewal_approvals, renewal_lines
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
    Quote,
    QuoteStatus,
)

T = TypeVar("T")


class EngineError(ViaxError):
    """The engine was called in a way no caller should: a programming error."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The effects of an allowed transition and the state it leads to."""

    effects: tuple[Effect, ...]
    state: MotionState


def _need(value: T | None, what: str) -> T:
    if value is None:
        raise EngineError(f"an allowed transition found no {what}")
    return value


def _asked(call: GuardCall, kind: type[T]) -> T:
    return _need(call.input_as(kind), kind.__name__)


def _motion(call: GuardCall) -> MotionSnapshot:
    return _need(call.snapshot, "motion")


def _parent(call: GuardCall) -> MotionSnapshot:
    return _need(call.context.parent, "parent motion")


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
    )
    if asked.kind is MotionKind.RENEWAL:
        parent = _need(call.context.parent, "parent motion")
        lines = renewal_lines(parent, asked.uplift_percent)
    else:
        lines = call.proposed_lines() or ()
    effects: tuple[Effect, ...] = (
        (started, LinesReplaced(lines)) if lines else (started,)
    )
    return Outcome(effects, MotionState(call.model.initial))


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


def agreement_end(start: date, term_months: int) -> date:
    """The last day of a term: the same day `term_months` later, less one.

    A day the later month lacks is clamped to its last day, so a term that
    starts on 31 January ends on the day before the last day of the month.
    """
    index = start.month - 1 + term_months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def _sign_agreement(call: GuardCall) -> Outcome:
    motion = _motion(call)
    asked = _asked(call, SignAgreementInput)
    quote = _need(motion.quote, "quote")
    terms = call.model.agreement
    agreement = Agreement(
        number=f"A-{motion.id:06d}",
        start_date=asked.start_date,
        end_date=agreement_end(asked.start_date, quote.term_months),
        signed_by=asked.signed_by,
        signed_at=call.context.now,
        payment_days=terms.payment_days,
        uplift_cap_percent=terms.uplift_cap_percent,
    )
    return Outcome((AgreementSigned(agreement),), MotionState.AGREED)


def _place_order(call: GuardCall) -> Outcome:
    motion = _motion(call)
    quote = _need(motion.quote, "quote")
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
    motion = _motion(call)
    order = _need(motion.order, "order")
    lines = _fulfilment_lines(_asked(call, FulfilInput))
    now = call.context.now
    fulfilment = Fulfilment(len(motion.fulfilments) + 1, now, call.actor.subject, lines)
    granted = tuple(
        _entitlement(call, motion, line, len(motion.entitlements) + index)
        for index, line in enumerate(lines, start=1)
    )
    done = {line.order_line: line.quantity for line in lines}
    complete = all(
        o.fulfilled_quantity + done.get(o.position, 0) >= o.quantity
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
    order = _need(motion.order, "order")
    ordered = next(o for o in order.lines if o.position == line.order_line)
    product = _need(call.context.products.get(ordered.product_id), "product")
    ends_on = None
    if product.kind is ProductKind.SUBSCRIPTION:
        ends_on = _need(motion.agreement, "agreement").end_date
    starts_on = call.context.now.date()
    if motion.kind is MotionKind.RENEWAL:
        # Renewed units run on from the day the renewed agreement ends.
        starts_on = max(starts_on, _need(motion.agreement, "agreement").start_date)
    return Entitlement(
        position=position,
        product_id=ordered.product_id,
        quantity=line.quantity,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def _record_invoice(call: GuardCall) -> Outcome:
    asked = _asked(call, InvoiceInput)
    invoice = Invoice(asked.invoice_number, asked.amount, call.context.now.date())
    return Outcome((InvoiceRecorded(invoice),), MotionState.INVOICED)


def _record_payment(call: GuardCall) -> Outcome:
    asked = _asked(call, PaymentInput)
    payment = Payment(asked.payment_reference, asked.amount, call.context.now.date())
    return Outcome((PaymentRecorded(payment),), MotionState.CLOSED)


def _cancel(call: GuardCall) -> Outcome:
    _asked(call, CancelInput)
    order = _motion(call).order
    effects = () if order is None else (OrderStatusChanged(OrderStatus.CANCELLED),)
    return Outcome(effects, MotionState.CANCELLED)


def _expire(call: GuardCall) -> Outcome:
    _motion(call)
    return Outcome((), MotionState.EXPIRED)


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
    Action.SIGN_AGREEMENT: _sign_agreement,
    Action.PLACE_ORDER: _place_order,
    Action.FULFIL: _fulfil,
    Action.RECORD_INVOICE: _record_invoice,
    Action.RECORD_PAYMENT: _record_payment,
    Action.CANCEL: _cancel,
    Action.EXPIRE: _expire,
    Action.MIGRATE: _migrate,
}


def outcome(call: GuardCall) -> Outcome:
    """The effects and destination of an action whose guards all passed."""
    return _BUILDERS[call.action](call)
