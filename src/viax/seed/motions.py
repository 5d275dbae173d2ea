"""The demo motions: one plan per motion, driven to every state in turn."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from viax.errors import ViaxError
from viax.motion.decision import TransitionRequest
from viax.motion.inputs import (
    CancelInput,
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
from viax.motion.snapshot import (
    SYSTEM,
    Account,
    Action,
    Channel,
    MotionSnapshot,
    MotionState,
    Partner,
    Principal,
)
from viax.seed.parties import (
    ACCOUNTS,
    DEAL_DESK,
    ERP,
    FINANCE,
    FULFILMENT,
    PARTNERS,
    SALES,
    customer_user,
    partner_user,
)
from viax.store.outcome import Applied
from viax.store.transitions import Store


class SeedError(ViaxError):
    """A demo motion could not be driven where the seed plan wanted it."""


async def seed_motions(store: Store, count: int, now: datetime) -> None:
    """Drive `count` demo motions, spread over the 90 days before `now`."""
    plans = _plans(count, random.Random(2026))
    span = timedelta(days=50) / max(count, 1)
    for index, plan in enumerate(plans):
        start = now - timedelta(days=90) + span * index
        if plan.target in _STILL_OPEN:
            # Recent enough that their quotes are still valid to act on.
            start = now - timedelta(days=2) + timedelta(minutes=index)
        await _Journey(store, plan, start).travel()


_STILL_OPEN = frozenset(
    {
        MotionState.DRAFT,
        MotionState.PENDING_APPROVAL,
        MotionState.QUOTED,
        MotionState.ACCEPTED,
    }
)

# The states a motion passes on its way to being paid, in order.
_ROAD = (
    MotionState.DRAFT,
    MotionState.QUOTED,
    MotionState.ACCEPTED,
    MotionState.AGREED,
    MotionState.ORDERED,
    MotionState.FULFILLING,
    MotionState.FULFILLED,
    MotionState.INVOICED,
    MotionState.CLOSED,
)
_TARGETS = (
    *_ROAD[:1],
    MotionState.PENDING_APPROVAL,
    *_ROAD[1:],
    MotionState.CANCELLED,
    MotionState.EXPIRED,
)
# Discounts by approval need: none, tier 1, tiers 1 and 2. Partners stop at
# 20 %, the ceiling of their channel, so they need tier 1 at most.
_DISCOUNTS = (Decimal("5"), Decimal("15"), Decimal("30"))


@dataclass(frozen=True, slots=True)
class _Plan:
    target: MotionState
    account: Account
    partner: Partner | None
    lines: tuple[LineInput, ...]
    cancel_after: MotionState


def _plans(count: int, rng: random.Random) -> list[_Plan]:
    plans = []
    for index in range(count):
        target = _TARGETS[index % len(_TARGETS)]
        account = rng.choice(ACCOUNTS)
        partner = None
        if index % 3 == 1:
            partner = rng.choice([p for p in PARTNERS if account.region in p.regions])
        tier = 1 + index % 2 if target is MotionState.PENDING_APPROVAL else index % 3
        discount = _DISCOUNTS[tier]
        if partner is not None:
            discount = min(discount, Decimal("20"))
        lines = _lines(account, discount, rng)
        cancel_after = rng.choice(_ROAD[:5])
        plans.append(_Plan(target, account, partner, lines, cancel_after))
    return plans


def _lines(
    account: Account, discount: Decimal, rng: random.Random
) -> tuple[LineInput, ...]:
    base = rng.choice((1, 2))
    chosen = [base, *rng.sample((4, 5, 6), rng.randint(0, 2))]
    if base == 1 and rng.random() < 0.5:
        chosen.append(3)  # the add-on, with its prerequisite on board
    if account.region == "emea" and account.segment != "smb":
        chosen.append(7)
    return tuple(
        LineInput(
            product_id,
            rng.choice((5, 12, 25, 60, 120)) if product_id != 5 else 1,
            discount if position == 0 else Decimal("0"),
        )
        for position, product_id in enumerate(chosen)
    )


class _Journey:
    """Drives one demo motion to the state its plan names."""

    def __init__(self, store: Store, plan: _Plan, start: datetime) -> None:
        self.store = store
        self.plan = plan
        self.clock = start
        self.motion: MotionSnapshot | None = None
        self.owner = SALES if plan.partner is None else partner_user(plan.partner.id)

    async def travel(self) -> None:
        """Take every step of the plan."""
        target = self.plan.target
        if target is MotionState.CANCELLED:
            await self._road_to(self.plan.cancel_after)
            await self._step(Action.CANCEL, CancelInput("the buyer chose to wait"))
        elif target is MotionState.EXPIRED:
            await self._road_to(MotionState.QUOTED, approve=False)
            self.clock += timedelta(days=31)
            await self._step(Action.EXPIRE, NoInput(), SYSTEM)
        elif target is MotionState.PENDING_APPROVAL:
            await self._road_to(MotionState.QUOTED, approve=False)
            await self._approve(first_tier_only=True)
        else:
            await self._road_to(target)

    async def _road_to(self, target: MotionState, *, approve: bool = True) -> None:
        plan = self.plan
        channel = Channel.DIRECT if plan.partner is None else Channel.PARTNER
        partner_id = None if plan.partner is None else plan.partner.id
        start = StartInput(plan.account.id, channel, partner_id, plan.lines)
        await self._step(Action.START, start)
        for state in _ROAD[1 : _ROAD.index(target) + 1]:
            await self._arrive(state, approve=approve)

    async def _arrive(self, state: MotionState, *, approve: bool) -> None:
        motion = self._current()
        customer = customer_user(self.plan.account.id)
        if state is MotionState.QUOTED:
            await self._step(Action.ISSUE_QUOTE, IssueQuoteInput(12))
            if approve:
                await self._approve(first_tier_only=False)
        elif state is MotionState.ACCEPTED:
            await self._step(Action.ACCEPT_QUOTE, NoInput(), customer)
        elif state is MotionState.AGREED:
            signing = SignAgreementInput(
                self.clock.date() + timedelta(days=1), "Pat Buyer"
            )
            await self._step(Action.SIGN_AGREEMENT, signing, SALES)
        elif state is MotionState.ORDERED:
            await self._step(Action.PLACE_ORDER, NoInput())
        elif state in (MotionState.FULFILLING, MotionState.FULFILLED):
            await self._fulfil(half=state is MotionState.FULFILLING)
        elif state is MotionState.INVOICED:
            assert motion.order is not None
            invoice = InvoiceInput(f"INV-{motion.number}", motion.order.total)
            await self._step(Action.RECORD_INVOICE, invoice, ERP)
        elif state is MotionState.CLOSED:
            assert motion.invoice is not None
            payment = PaymentInput(f"PAY-{motion.number}", motion.invoice.amount)
            await self._step(Action.RECORD_PAYMENT, payment, ERP)

    async def _approve(self, *, first_tier_only: bool) -> None:
        while (approval := self._current().approval) is not None:
            if approval.current_tier is None:
                return
            if first_tier_only and len(approval.tiers) < 2:
                return  # approving its only tier would leave it pending no more
            role = approval.tiers[approval.current_tier - 1]
            approver = DEAL_DESK if role == "deal_desk" else FINANCE
            await self._step(Action.APPROVE, DecisionInput("within policy"), approver)
            if first_tier_only:
                return

    async def _fulfil(self, *, half: bool) -> None:
        order = self._current().order
        assert order is not None
        lines = tuple(
            FulfilmentLineInput(line.position, remaining)
            for line in order.lines
            if (remaining := line.quantity - line.fulfilled_quantity) > 0
        )
        if half:
            first = lines[0]
            lines = (
                FulfilmentLineInput(first.order_line, max(1, first.quantity // 2)),
            )
        await self._step(Action.FULFIL, FulfilInput(lines), FULFILMENT)

    def _current(self) -> MotionSnapshot:
        assert self.motion is not None
        return self.motion

    async def _step(
        self, action: Action, given: TransitionInput, actor: Principal | None = None
    ) -> None:
        motion = self.motion
        request = TransitionRequest(
            action=action,
            input=given,
            actor=actor or self.owner,
            motion_id=None if motion is None else motion.id,
            expected_version=None if motion is None else motion.version,
        )
        self.clock += timedelta(hours=1)
        outcome = await self.store.transition(request, self.clock)
        if not isinstance(outcome, Applied):
            raise SeedError(f"{action} on the way to {self.plan.target}: {outcome}")
        self.motion = outcome.motion
