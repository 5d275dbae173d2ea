"""What a change motion does to the motion it changes.

A change motion (a return, an amendment) runs its own transitions, but the
one that completes it also changes its parent: entitlements, the order and
its status. Each kind names that here, as effects on the parent computed
from `DecisionContext.parent`; the store writes them to the parent in the
child's transaction and appends an `applyChange` event to the parent, so
each motion still rebuilds from its own events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace

from viax.motion.amendment import Cut, agreement_cuts, agreement_holders
from viax.motion.decision import (
    Effect,
    EntitlementRevocation,
    EntitlementsEnded,
    EntitlementsGranted,
    EntitlementsRevoked,
    FulfilmentRecorded,
)
from viax.motion.guards import GuardCall
from viax.motion.outcome import EngineError, Outcome
from viax.motion.returns import received_back
from viax.motion.snapshot import (
    Action,
    EntitlementStatus,
    MotionKind,
    MotionSnapshot,
    MotionState,
)

ParentEffects = Callable[[GuardCall, Outcome], tuple[Effect, ...]]
"""The effects on the parent of an allowed transition of a change motion."""


def _return_received(call: GuardCall, result: Outcome) -> tuple[Effect, ...]:
    # A return changes its parent once every unit of it is back.
    motion, parent = call.snapshot, call.context.parent
    if result.state is not MotionState.FULFILLED or motion is None:
        return ()
    if parent is None or motion.order is None:
        raise EngineError("a completed return without its order or parent")
    received = motion.order.lines
    units: Counter[int] = Counter()
    for line in received:
        units[line.product_id] += line.quantity
    return (*received_back(parent, received), revoked_units(parent, units))


PARENT_EFFECTS: dict[MotionKind, ParentEffects] = {
    MotionKind.RETURN: _return_received,
}
"""By the kind of the change motion; a kind not named changes no parent."""


def parent_outcome(call: GuardCall, result: Outcome) -> tuple[Effect, ...]:
    """The effects the transition has on the parent; empty for most."""
    builder = PARENT_EFFECTS.get(call.model.motion_kind)
    effects = () if builder is None else builder(call, result)
    if effects and call.context.parent is None:
        raise EngineError("effects on a parent that is not in the context")
    return effects


def revoked_units(
    parent: MotionSnapshot, quantities: Mapping[int, int]
) -> EntitlementsRevoked:
    """Take active units of each product back, the newest grants first.

    `quantities` counts units by product id. A partly revoked entitlement
    splits: the revoked units take the next free positions, in order.
    """
    revocations: list[EntitlementRevocation] = []
    free = len(parent.entitlements) + 1
    for product_id, quantity in sorted(quantities.items()):
        for revocation in _revoke_product(parent, product_id, quantity, free):
            revocations.append(revocation)
            free += revocation.split is not None
    return EntitlementsRevoked(tuple(revocations))


def _revoke_product(
    parent: MotionSnapshot, product_id: int, quantity: int, free: int
) -> Iterator[EntitlementRevocation]:
    held = [
        e
        for e in parent.entitlements
        if e.product_id == product_id and e.status is EntitlementStatus.ACTIVE
    ]
    left = quantity
    for entitlement in sorted(held, key=lambda e: e.position, reverse=True):
        if left == 0:
            return
        taken = min(left, entitlement.quantity)
        split = None
        if taken < entitlement.quantity:
            split = replace(
                entitlement,
                position=free,
                quantity=taken,
                status=EntitlementStatus.REVOKED,
            )
            free += 1
        yield EntitlementRevocation(entitlement.position, taken, split)
        left -= taken
    if left:
        raise EngineError(f"{left} units of product {product_id} are not held")


def amended_parent(call: GuardCall, result: Outcome) -> tuple[Effect, ...]:
    """Units an amendment's fulfilment removes leave the parent from its date.

    Added units are the amendment's own entitlements; removed ones end the
    entitlements that held them the day before the effective date, and what
    each keeps runs on from that day as a new entitlement. These are the
    parent's; `amended_siblings` ends those of earlier amendments.
    """
    parent = call.context.parent
    for cut in _amendment_cuts(call, result):
        if parent is not None and cut.holder.id == parent.id:
            return _cut_effects(cut)
    return ()


def amended_siblings(
    call: GuardCall, result: Outcome
) -> tuple[tuple[MotionSnapshot, tuple[Effect, ...]], ...]:
    """Units an amendment removes from earlier amendments, by the one that ends."""
    parent = call.context.parent
    return tuple(
        (cut.holder, _cut_effects(cut))
        for cut in _amendment_cuts(call, result)
        if parent is None or cut.holder.id != parent.id
    )


def _amendment_cuts(call: GuardCall, result: Outcome) -> tuple[Cut, ...]:
    amendment, parent = call.context.snapshot, call.context.parent
    if call.action is not Action.FULFIL or amendment is None:
        return ()
    cuts = _removed_units(amendment, result)
    if not cuts:
        return ()
    effective = amendment.effective_date
    if effective is None or parent is None:
        raise EngineError(f"amendment {amendment.id} lacks its date or parent")
    holders = agreement_holders(parent, call.context.siblings, amendment.id)
    return agreement_cuts(holders, cuts, effective)


def _cut_effects(cut: Cut) -> tuple[Effect, ...]:
    ended = EntitlementsEnded(cut.ended, cut.ends_on)
    return (ended, EntitlementsGranted(cut.kept)) if cut.kept else (ended,)


def _removed_units(amendment: MotionSnapshot, result: Outcome) -> dict[int, int]:
    order = amendment.order
    products = {} if order is None else {o.position: o.product_id for o in order.lines}
    removed: dict[int, int] = {}
    for effect in result.effects:
        if isinstance(effect, FulfilmentRecorded):
            for line in effect.fulfilment.lines:
                if line.quantity < 0:
                    product_id = products[line.order_line]
                    removed[product_id] = removed.get(product_id, 0) - line.quantity
    return removed


PARENT_EFFECTS[MotionKind.AMENDMENT] = amended_parent


def sibling_outcome(
    call: GuardCall, result: Outcome
) -> tuple[tuple[MotionSnapshot, tuple[Effect, ...]], ...]:
    """The effects the transition has on the parent's other change motions."""
    if call.model.motion_kind is not MotionKind.AMENDMENT:
        return ()
    return amended_siblings(call, result)
