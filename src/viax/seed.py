"""Deterministic demo data: a catalog, accounts, partners and motions.

The catalog and the parties are reference data and are inserted as rows;
every motion is driven through `Store.transition`, with the real guards,
by the demo principals below.
"""

from __future__ import annotations

import logging
import random
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.errors import ViaxError
from viax.motion.decision import (
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
    TransitionRequest,
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
    Product,
    ProductKind,
)
from viax.store.database import writer
from viax.store.outcome import Applied
from viax.store.tables import accounts, partners, product_prices, products
from viax.store.transitions import Store

logger = logging.getLogger(__name__)


def _product(
    id: int,
    sku: str,
    name: str,
    family: str,
    kind: ProductKind,
    eur: int,
    unit_cost: int,
    **extra: Any,
) -> Product:
    # USD and GBP list prices follow EUR by fixed, rounded ratios.
    prices = {"EUR": eur, "USD": eur * 11 // 10, "GBP": eur * 85 // 100}
    return Product(id, sku, name, family, kind, prices, unit_cost, **extra)


SUBSCRIPTION, ONE_TIME = ProductKind.SUBSCRIPTION, ProductKind.ONE_TIME

PRODUCTS = (
    _product(1, "CRM-PRO", "Pipeline Pro", "crm", SUBSCRIPTION, 4_900, 900),
    _product(2, "CRM-ENT", "Pipeline Enterprise", "crm", SUBSCRIPTION, 9_900, 2_100),
    _product(
        3,
        "CRM-FORECAST",
        "Forecasting add-on",
        "crm",
        SUBSCRIPTION,
        1_900,
        400,
        prerequisite_sku="CRM-PRO",
    ),
    _product(
        4, "SUPPORT-PREM", "Premium support", "services", SUBSCRIPTION, 2_500, 800
    ),
    _product(
        5, "ONBOARD", "Onboarding package", "services", ONE_TIME, 250_000, 120_000
    ),
    _product(6, "TRAINING", "Training day", "services", ONE_TIME, 120_000, 60_000),
    _product(
        7,
        "EU-RESIDENCY",
        "EU data residency",
        "compliance",
        SUBSCRIPTION,
        1_500,
        300,
        regions=frozenset({"emea"}),
        segments=frozenset({"mid", "enterprise"}),
    ),
    _product(
        8,
        "LEGACY-SYNC",
        "Legacy connector",
        "crm",
        SUBSCRIPTION,
        900,
        200,
        active=False,
    ),
)

ACCOUNTS = (
    Account(1, "Northwind Traders", "smb", "emea", "EUR"),
    Account(2, "Contoso Retail", "mid", "amer", "USD"),
    Account(3, "Globex Corporation", "enterprise", "amer", "USD"),
    Account(4, "Initech Ltd", "mid", "emea", "GBP"),
    Account(5, "Umbrella Pharma", "enterprise", "emea", "EUR"),
    Account(6, "Soylent Foods", "smb", "apac", "USD"),
)

PARTNERS = (
    Partner(1, "Silverline Solutions", "silver", frozenset({"emea"})),
    Partner(2, "Goldcrest Partners", "gold", frozenset({"emea", "amer"})),
    Partner(3, "Platinum Peak", "platinum", frozenset({"emea", "amer", "apac"})),
)


SALES = Principal("sales@demo", frozenset({"sales"}))
DEAL_DESK = Principal("deal-desk@demo", frozenset({"deal_desk"}))
FINANCE = Principal("finance@demo", frozenset({"finance"}))
FULFILMENT = Principal("fulfilment@demo", frozenset({"fulfilment"}))
ERP = Principal("erp@demo", frozenset({"erp"}))
ADMIN = Principal("admin@demo", frozenset({"admin"}))


def partner_user(partner_id: int) -> Principal:
    """The demo user of one partner organisation."""
    return Principal(
        f"partner-{partner_id}@demo", frozenset({"partner"}), partner_id=partner_id
    )


def customer_user(account_id: int) -> Principal:
    """The demo user of one customer account."""
    return Principal(
        f"customer-{account_id}@demo", frozenset({"customer"}), account_id=account_id
    )


class SeedError(ViaxError):
    """A demo motion could not be driven where the seed plan wanted it."""


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seed run did."""

    seeded: bool
    products: int
    accounts: int
    partners: int
    motions: int
    message: str


async def catalog_present(connection: AsyncConnection) -> bool:
    """Whether the demo catalog was loaded before."""
    count = await connection.scalar(select(func.count()).select_from(products))
    return bool(count)


async def load_catalog(connection: AsyncConnection) -> None:
    """Insert the demo products, prices, accounts and partners."""
    await connection.execute(insert(products), [_product_row(p) for p in PRODUCTS])
    await connection.execute(
        insert(product_prices),
        [
            {"product_id": product.id, "currency": currency, "amount": amount}
            for product in PRODUCTS
            for currency, amount in sorted(product.list_prices.items())
        ],
    )
    await connection.execute(insert(accounts), [asdict(a) for a in ACCOUNTS])
    await connection.execute(
        insert(partners),
        [asdict(p) | {"regions": sorted(p.regions)} for p in PARTNERS],
    )


def _product_row(product: Product) -> dict[str, Any]:
    row = asdict(product)
    del row["list_prices"]  # they have a table of their own
    return row | {name: sorted(row[name]) for name in _SETS}


_SETS = ("regions", "segments", "partner_tiers")


async def seed(store: Store, *, motions: int = 40, now: datetime) -> SeedReport:
    """Load the demo data into an empty database; a seeded one is left alone."""
    async with writer(store.engine).begin() as connection:
        if await catalog_present(connection):
            logger.info("database already seeded; nothing done")
            return SeedReport(False, 0, 0, 0, 0, "already seeded: nothing done")
        await load_catalog(connection)
    plans = _plans(motions, random.Random(2026))
    span = timedelta(days=50) / max(motions, 1)
    for index, plan in enumerate(plans):
        start = now - timedelta(days=90) + span * index
        if plan.target in _STILL_OPEN:
            # Recent enough that their quotes are still valid to act on.
            start = now - timedelta(days=2) + timedelta(minutes=index)
        await _Journey(store, plan, start).travel()
    message = f"seeded {len(PRODUCTS)} products and {motions} motions"
    logger.info("seeded %s products and %s motions", len(PRODUCTS), motions)
    return SeedReport(
        True, len(PRODUCTS), len(ACCOUNTS), len(PARTNERS), motions, message
    )


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
