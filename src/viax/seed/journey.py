"""One customer's agreement over its life, as demo motions of every kind.

A first deal is fulfilled, an upsell amends it, part of it comes back and
its renewal is left quoted, so that every change motion and the links
between them can be read, and the renewal driven on, in GraphiQL.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from viax.motion.decision import TransitionRequest
from viax.motion.inputs import (
    DecisionInput,
    FulfilInput,
    FulfilmentLineInput,
    InvoiceInput,
    IssueQuoteInput,
    LineInput,
    NoInput,
    PaymentInput,
    ReturnLineInput,
    SignAgreementInput,
    StartInput,
    TransitionInput,
)
from viax.motion.snapshot import (
    Action,
    Channel,
    MotionKind,
    MotionSnapshot,
    Principal,
)
from viax.seed.motions import SeedError
from viax.seed.parties import DEAL_DESK, ERP, FINANCE, FULFILMENT, SALES
from viax.store.outcome import Applied
from viax.store.transitions import Store

JOURNEY_MOTIONS = 4
_ACCOUNT = 5  # Umbrella Pharma, enterprise in EMEA, buying in EUR
_CRM_PRO, _SUPPORT, _ONBOARD = 1, 4, 5
# The first deal starts this long before the seed time, so that its year
# ends about two months after it: inside the renewal window.
_AGE = timedelta(days=305)


async def seed_journey(store: Store, now: datetime) -> None:
    """Seed the deal, its upsell, its partial return and its open renewal."""
    road = _Road(store, now - _AGE)
    deal = await road.first_deal()
    await road.upsell(deal, road.clock + timedelta(days=20))
    await road.partial_return(deal, road.clock + timedelta(days=5))
    await road.open_renewal(deal, now - timedelta(days=1))


class _Road:
    """Drives the journey's motions, one hour a step, on one clock."""

    def __init__(self, store: Store, start: datetime) -> None:
        self.store = store
        self.clock = start

    async def first_deal(self) -> MotionSnapshot:
        """20 CRM-PRO at 5 % and one onboarding for a year, fulfilled."""
        lines = (LineInput(_CRM_PRO, 20, Decimal("5")), LineInput(_ONBOARD, 1))
        deal = await self._start(StartInput(_ACCOUNT, Channel.DIRECT, lines=lines))
        deal = await self._quote(deal, IssueQuoteInput(12))
        deal = await self._step(deal, Action.ACCEPT_QUOTE, NoInput())
        signing = SignAgreementInput(self.clock.date() + timedelta(days=1), "Pat Buyer")
        deal = await self._step(deal, Action.SIGN_AGREEMENT, signing)
        return await self._order_and_fulfil(deal)

    async def upsell(self, deal: MotionSnapshot, when: datetime) -> MotionSnapshot:
        """5 more CRM-PRO and 3 premium support from the next month on."""
        self.clock = when
        effective = _first_of_next_month(when.date())
        lines = (LineInput(_CRM_PRO, 5), LineInput(_SUPPORT, 3))
        change = _change(deal, MotionKind.AMENDMENT, lines=lines, effective=effective)
        upsell = await self._signed_from(await self._start(change), effective)
        return await self._order_and_fulfil(upsell)

    async def partial_return(
        self, deal: MotionSnapshot, when: datetime
    ) -> MotionSnapshot:
        """4 of the deal's 20 CRM-PRO come back, refunded, within the window."""
        self.clock = when
        assert deal.order is not None
        crm = next(line for line in deal.order.lines if line.product_id == _CRM_PRO)
        units = (ReturnLineInput(crm.position, 4),)
        back = await self._start(_change(deal, MotionKind.RETURN, return_lines=units))
        back = await self._quote(back, IssueQuoteInput())
        back = await self._step(back, Action.ACCEPT_QUOTE, NoInput())
        back = await self._order_and_fulfil(back)
        assert back.order is not None
        total = back.order.total
        credit = InvoiceInput(f"CN-{back.number}", total)
        back = await self._step(back, Action.RECORD_INVOICE, credit, ERP)
        refund = PaymentInput(f"REF-{back.number}", total)
        return await self._step(back, Action.RECORD_PAYMENT, refund, ERP)

    async def open_renewal(
        self, deal: MotionSnapshot, when: datetime
    ) -> MotionSnapshot:
        """The deal's renewal at 5 % above its nets, quoted and left there."""
        self.clock = when
        renewal = _change(deal, MotionKind.RENEWAL, uplift_percent=Decimal("5"))
        return await self._quote(await self._start(renewal), IssueQuoteInput())

    async def _signed_from(
        self, motion: MotionSnapshot, effective: date
    ) -> MotionSnapshot:
        motion = await self._quote(motion, IssueQuoteInput())
        motion = await self._step(motion, Action.ACCEPT_QUOTE, NoInput())
        signing = SignAgreementInput(effective, "Pat Buyer")
        return await self._step(motion, Action.SIGN_AGREEMENT, signing)

    async def _quote(
        self, motion: MotionSnapshot, given: IssueQuoteInput
    ) -> MotionSnapshot:
        motion = await self._step(motion, Action.ISSUE_QUOTE, given)
        while motion.approval is not None and motion.approval.current_tier:
            role = motion.approval.tiers[motion.approval.current_tier - 1]
            approver = DEAL_DESK if role == "deal_desk" else FINANCE
            decision = DecisionInput("within policy")
            motion = await self._step(motion, Action.APPROVE, decision, approver)
        return motion

    async def _order_and_fulfil(self, motion: MotionSnapshot) -> MotionSnapshot:
        motion = await self._step(motion, Action.PLACE_ORDER, NoInput())
        assert motion.order is not None
        every_unit = tuple(
            FulfilmentLineInput(line.position, abs(line.quantity))
            for line in motion.order.lines
        )
        return await self._step(
            motion, Action.FULFIL, FulfilInput(every_unit), FULFILMENT
        )

    async def _start(self, given: StartInput) -> MotionSnapshot:
        return await self._apply(TransitionRequest(Action.START, given, SALES))

    async def _step(
        self,
        motion: MotionSnapshot,
        action: Action,
        given: TransitionInput,
        actor: Principal = SALES,
    ) -> MotionSnapshot:
        request = TransitionRequest(
            action, given, actor, motion_id=motion.id, expected_version=motion.version
        )
        return await self._apply(request)

    async def _apply(self, request: TransitionRequest) -> MotionSnapshot:
        self.clock += timedelta(hours=1)
        outcome = await self.store.transition(request, self.clock)
        if not isinstance(outcome, Applied):
            raise SeedError(f"{request.action} of the customer journey: {outcome}")
        return outcome.motion


def _change(
    parent: MotionSnapshot,
    kind: MotionKind,
    *,
    lines: tuple[LineInput, ...] = (),
    return_lines: tuple[ReturnLineInput, ...] = (),
    uplift_percent: Decimal = Decimal(0),
    effective: date | None = None,
) -> StartInput:
    return StartInput(
        parent.account_id,
        parent.channel,
        parent.partner_id,
        lines,
        kind=kind,
        parent_motion_id=parent.id,
        uplift_percent=uplift_percent,
        effective_date=effective,
        return_lines=return_lines,
    )


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)
