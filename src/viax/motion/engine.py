"""The transition engine: guards in, a decision out, and the fold of effects.

`decide` is pure: the same model, request and context give the same
decision. The store writes an allowed decision's effects; `apply` folds the
same effects onto a snapshot, so a dry run shows exactly what would be
written and a motion can be rebuilt from its events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from viax.motion.codec import encode
from viax.motion.decision import (
    AgreementSigned,
    ApprovalDecided,
    ApprovalRequested,
    ApprovalVoided,
    Availability,
    Decision,
    DecisionContext,
    Effect,
    EntitlementRevocation,
    EntitlementsEnded,
    EntitlementsGranted,
    EntitlementsRevoked,
    FulfilmentRecorded,
    InvoiceRecorded,
    LinesReplaced,
    ModelMigrated,
    MotionChange,
    MotionStarted,
    OrderPlaced,
    OrderStatusChanged,
    PaymentRecorded,
    QuoteIssued,
    QuoteStatusChanged,
    TransitionRequest,
    UnitsReturned,
    Verdict,
)
from viax.motion.effects import outcome
from viax.motion.guards import GUARDS, STANDING, Guard, GuardCall
from viax.motion.model import MotionModel
from viax.motion.outcome import EngineError
from viax.motion.parent import parent_outcome, sibling_outcome
from viax.motion.snapshot import (
    Action,
    Entitlement,
    EntitlementStatus,
    Fulfilment,
    MotionSnapshot,
    MotionState,
    Principal,
    QuoteStatus,
    ReturnedLine,
)

__all__ = ["EngineError", "apply", "availability", "decide", "input_digest"]


def decide(
    model: MotionModel, request: TransitionRequest, context: DecisionContext
) -> Decision:
    """Run every guard of the action and, if all pass, compute its effects."""
    _check_pinned(model, request, context.snapshot)
    call = GuardCall(model, request.action, request.actor, context, request.input)
    verdicts = _evaluate(call, with_input=True)
    before = context.snapshot
    from_state = None if before is None else before.state
    digest = input_digest(request)
    if any(not verdict.passed for verdict in verdicts):
        return Decision(
            request.action, False, verdicts, from_state, None, (), None, digest
        )

    result = outcome(call)
    spec = model.action(request.action)
    if spec is None or not spec.leads_to(result.state):
        raise EngineError(f"{request.action} may not lead to {result.state}")
    version = 1 if before is None else before.version + 1
    after = apply(
        before, result.effects, state=result.state, version=version, at=context.now
    )
    on_parent = parent_outcome(call, result)
    return Decision(
        request.action,
        True,
        verdicts,
        from_state,
        result.state,
        result.effects,
        after,
        digest,
        on_parent,
        _parent_after(context, on_parent),
        _changes(context, sibling_outcome(call, result)),
    )


def _changes(
    context: DecisionContext,
    changed: tuple[tuple[MotionSnapshot, tuple[Effect, ...]], ...],
) -> tuple[MotionChange, ...]:
    return tuple(
        MotionChange(motion, effects, _moved_on(motion, effects, context.now))
        for motion, effects in changed
    )


def _parent_after(
    context: DecisionContext, effects: tuple[Effect, ...]
) -> MotionSnapshot | None:
    parent = context.parent
    if parent is None or not effects:
        return None
    return _moved_on(parent, effects, context.now)


def _moved_on(
    motion: MotionSnapshot, effects: tuple[Effect, ...], now: datetime
) -> MotionSnapshot:
    # A motion another one changes keeps its state; the change is one more
    # version of it.
    return apply(
        motion, effects, state=motion.state, version=motion.version + 1, at=now
    )


def _check_pinned(
    model: MotionModel, request: TransitionRequest, snapshot: MotionSnapshot | None
) -> None:
    if snapshot is None:
        return
    if (snapshot.model_name, snapshot.model_version) != (model.name, model.version):
        raise EngineError(
            f"motion {snapshot.id} runs under {snapshot.model_name} "
            f"v{snapshot.model_version}, not {model.name} v{model.version}"
        )
    if request.motion_id is not None and request.motion_id != snapshot.id:
        raise EngineError(f"request for motion {request.motion_id} got {snapshot.id}")


def _guards_of(call: GuardCall) -> tuple[Guard, ...]:
    spec = call.model.action(call.action)
    named = () if spec is None else tuple(GUARDS[name] for name in spec.guards)
    return (*STANDING, *named)


def _evaluate(call: GuardCall, *, with_input: bool) -> tuple[Verdict, ...]:
    verdicts: list[Verdict] = []
    readable = with_input
    for guard in _guards_of(call):
        if guard.needs_input and not readable:
            continue
        results = guard.run(call)
        verdicts.extend(results)
        # Guards that read a malformed input would only repeat what the
        # input verdict says, or fail on values of the wrong type.
        if guard.name == "input" and not all(v.passed for v in results):
            readable = False
    return tuple(verdicts)


def availability(
    model: MotionModel, context: DecisionContext, actor: Principal
) -> tuple[Availability, ...]:
    """Which actions the actor could take now, judged without any input."""
    found = []
    for action in model.action_names():
        if action is Action.START:
            continue
        call = GuardCall(model, action, actor, context)
        failures = tuple(v for v in _evaluate(call, with_input=False) if not v.passed)
        found.append(Availability(action, not failures, failures))
    return tuple(found)


def input_digest(request: TransitionRequest) -> str:
    """The sha256 of the action, motion and input, to spot a reused key."""
    document = {
        "action": request.action.value,
        "input": encode(request.input),
        "motion_id": request.motion_id,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def apply(
    snapshot: MotionSnapshot | None,
    effects: Iterable[Effect],
    *,
    state: MotionState,
    version: int,
    at: datetime,
) -> MotionSnapshot:
    """Fold effects onto a snapshot (None before a start)."""
    current = snapshot
    for effect in effects:
        if isinstance(effect, MotionStarted):
            if current is not None:
                raise EngineError("a motion can start only once")
            current = _started(effect, state=state, version=version, at=at)
        elif current is None:
            raise EngineError(f"{type(effect).__name__} before the motion started")
        else:
            current = _fold(current, effect)
    if current is None:
        raise EngineError("no motion to apply effects to")
    return replace(current, state=state, version=version, updated_at=at)


def _started(
    effect: MotionStarted, *, state: MotionState, version: int, at: datetime
) -> MotionSnapshot:
    return MotionSnapshot(
        id=0,
        number="",
        kind=effect.kind,
        state=state,
        version=version,
        model_name=effect.model_name,
        model_version=effect.model_version,
        channel=effect.channel,
        currency=effect.currency,
        account_id=effect.account_id,
        partner_id=effect.partner_id,
        owner=effect.owner,
        created_at=at,
        updated_at=at,
        parent_id=effect.parent_id,
        effective_date=effect.effective_date,
    )


def _fold(motion: MotionSnapshot, effect: Effect) -> MotionSnapshot:
    match effect:
        case LinesReplaced(lines=lines):
            return replace(motion, lines=lines)
        case QuoteIssued(quote=quote):
            revisions = max(motion.quote_revisions, quote.revision)
            return replace(
                motion, quote=quote, approval=None, quote_revisions=revisions
            )
        case QuoteStatusChanged():
            return _quote_status(motion, effect)
        case ApprovalRequested(approval=approval):
            return replace(motion, approval=approval)
        case ApprovalDecided():
            return _approval_decided(motion, effect)
        case ApprovalVoided(revision=revision):
            if motion.approval is None or motion.approval.revision != revision:
                return motion
            return replace(motion, approval=None)
        case AgreementSigned(agreement=agreement):
            return replace(motion, agreement=agreement)
        case OrderPlaced(order=order):
            return replace(motion, order=order)
        case ModelMigrated(to_version=to_version):
            return replace(motion, model_version=to_version)
    return _fold_fulfilment(motion, effect)


def _fold_fulfilment(motion: MotionSnapshot, effect: Effect) -> MotionSnapshot:
    match effect:
        case OrderStatusChanged(status=status):
            if motion.order is None:
                raise EngineError("order status changed without an order")
            return replace(motion, order=replace(motion.order, status=status))
        case FulfilmentRecorded(fulfilment=fulfilment):
            return _fulfilled(motion, fulfilment)
        case EntitlementsGranted(entitlements=granted):
            return replace(motion, entitlements=motion.entitlements + granted)
        case EntitlementsRevoked(revocations=revocations):
            return _revoked(motion, revocations)
        case EntitlementsEnded(positions=positions, ends_on=ends_on):
            ended = tuple(
                replace(e, ends_on=ends_on) if e.position in positions else e
                for e in motion.entitlements
            )
            return replace(motion, entitlements=ended)
        case UnitsReturned(lines=lines):
            return _returned(motion, lines)
        case InvoiceRecorded(invoice=invoice):
            return replace(motion, invoice=invoice)
        case PaymentRecorded(payment=payment):
            return replace(motion, payment=payment)
    raise EngineError(f"no fold for {type(effect).__name__}")


def _quote_status(motion: MotionSnapshot, effect: QuoteStatusChanged) -> MotionSnapshot:
    quote = motion.quote
    if quote is None or quote.revision != effect.revision:
        return motion
    if effect.status is QuoteStatus.VOID:
        approval = motion.approval
        if approval is not None and approval.revision == effect.revision:
            approval = None
        return replace(motion, quote=None, approval=approval)
    changed = replace(
        quote,
        status=effect.status,
        accepted_by=effect.accepted_by,
        accepted_at=effect.accepted_at,
    )
    return replace(motion, quote=changed)


def _approval_decided(
    motion: MotionSnapshot, effect: ApprovalDecided
) -> MotionSnapshot:
    approval = motion.approval
    if approval is None or approval.revision != effect.revision:
        raise EngineError(f"no approval of quote revision {effect.revision}")
    decided = replace(
        approval,
        status=effect.status,
        current_tier=effect.current_tier,
        decisions=(*approval.decisions, effect.decision),
    )
    return replace(motion, approval=decided)


def _fulfilled(motion: MotionSnapshot, fulfilment: Fulfilment) -> MotionSnapshot:
    order = motion.order
    if order is None:
        raise EngineError("fulfilment recorded without an order")
    done: dict[int, int] = {}
    for line in fulfilment.lines:
        done[line.order_line] = done.get(line.order_line, 0) + line.quantity
    lines = tuple(
        replace(o, fulfilled_quantity=o.fulfilled_quantity + done.get(o.position, 0))
        for o in order.lines
    )
    return replace(
        motion,
        order=replace(order, lines=lines),
        fulfilments=(*motion.fulfilments, fulfilment),
    )


def _returned(
    motion: MotionSnapshot, lines: tuple[ReturnedLine, ...]
) -> MotionSnapshot:
    order = motion.order
    if order is None:
        raise EngineError("units returned without an order")
    back = {line.order_line: line.quantity for line in lines}
    changed = tuple(
        replace(o, returned_quantity=o.returned_quantity + back.get(o.position, 0))
        for o in order.lines
    )
    return replace(motion, order=replace(order, lines=changed))


def _revoked(
    motion: MotionSnapshot, revocations: tuple[EntitlementRevocation, ...]
) -> MotionSnapshot:
    held = {e.position: e for e in motion.entitlements}
    splits: list[Entitlement] = []
    for revocation in revocations:
        entitlement = held.get(revocation.position)
        if entitlement is None or not _can_lose(entitlement, revocation):
            raise EngineError(
                f"entitlement {revocation.position} cannot lose "
                f"{revocation.quantity} units"
            )
        if revocation.split is None:
            changed = replace(entitlement, status=EntitlementStatus.REVOKED)
        else:
            left = entitlement.quantity - revocation.quantity
            changed = replace(entitlement, quantity=left)
            splits.append(revocation.split)
        held[revocation.position] = changed
    return replace(motion, entitlements=(*held.values(), *splits))


def _can_lose(held: Entitlement, revocation: EntitlementRevocation) -> bool:
    if held.status is not EntitlementStatus.ACTIVE:
        return False
    if revocation.split is None:
        return held.quantity == revocation.quantity
    return held.quantity > revocation.quantity == revocation.split.quantity
