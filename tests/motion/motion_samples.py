"""A tiny catalog, a cast of principals and a driver for motions in tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import resources

from viax.motion.decision import Decision, DecisionContext, TransitionRequest
from viax.motion.engine import decide
from viax.motion.inputs import (
    CancelInput,
    ConfigureInput,
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
from viax.motion.model import MotionModel, default_registry
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

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
START_DATE = date(2025, 4, 1)

MODEL: MotionModel = default_registry().get("new-business", 1)
MODEL_FILE = resources.files("viax.motion") / "models" / "new_business.v1.toml"

ACME = Account(1, "Acme", "enterprise", "emea", "EUR")
SMALLCO = Account(2, "Smallco", "smb", "apac", "EUR")
GLOBEX = Partner(7, "Globex", "gold", frozenset({"emea"}))
INITECH = Partner(8, "Initech", "silver", frozenset({"amer"}))

SEATS = Product(
    11,
    "SEATS",
    "Seats",
    "platform",
    ProductKind.SUBSCRIPTION,
    {"EUR": 1000, "USD": 1100},
    unit_cost=300,
)
SETUP = Product(
    12, "SETUP", "Setup", "services", ProductKind.ONE_TIME, {"EUR": 50000}, 9000
)
ANALYTICS = Product(
    13,
    "ANALYTICS",
    "Analytics add-on",
    "platform",
    ProductKind.SUBSCRIPTION,
    {"EUR": 500},
    unit_cost=100,
    prerequisite_sku="SEATS",
)
RETIRED = Product(
    14, "RETIRED", "Retired", "platform", ProductKind.ONE_TIME, {"EUR": 100}, 10, False
)
AMER_ONLY = Product(
    15,
    "AMER",
    "Americas bundle",
    "platform",
    ProductKind.ONE_TIME,
    {"EUR": 100},
    10,
    regions=frozenset({"amer"}),
)
PLATINUM_ONLY = Product(
    16,
    "PLATINUM",
    "Platinum partners only",
    "platform",
    ProductKind.ONE_TIME,
    {"EUR": 100},
    10,
    partner_tiers=frozenset({"platinum"}),
)
ENTERPRISE_ONLY = Product(
    17,
    "ENTERPRISE",
    "Enterprise only",
    "platform",
    ProductKind.ONE_TIME,
    {"EUR": 100},
    10,
    segments=frozenset({"enterprise"}),
)
MEGA = Product(
    18,
    "MEGA",
    "Mega licence",
    "platform",
    ProductKind.ONE_TIME,
    {"EUR": 100_000_001},
    1,
)
PRODUCTS = {
    product.id: product
    for product in (
        SEATS,
        SETUP,
        ANALYTICS,
        RETIRED,
        AMER_ONLY,
        PLATINUM_ONLY,
        ENTERPRISE_ONLY,
        MEGA,
    )
}

SELLER = Principal("sam", frozenset({"sales"}))
OTHER_SELLER = Principal("sue", frozenset({"sales"}))
DESK = Principal("dana", frozenset({"deal_desk"}))
FINANCE = Principal("fina", frozenset({"finance"}))
CUSTOMER = Principal("cyd", frozenset({"customer"}), account_id=ACME.id)
STRANGER = Principal("eve", frozenset({"customer"}), account_id=SMALLCO.id)
PARTNER_USER = Principal("pat", frozenset({"partner"}), partner_id=GLOBEX.id)
OPS = Principal("otto", frozenset({"fulfilment"}))
ERP = Principal("erp", frozenset({"erp"}))
ADMIN = Principal("root", frozenset({"admin"}))

MOTION_ID = 42

# 20 seats at 15 % needs tier 1; 20 seats and a setup, as priced by hand in
# the pricing tests: seats net 193800, setup net 50000.
STANDARD_LINES = (
    LineInput(SEATS.id, 20, Decimal("15")),
    LineInput(SETUP.id, 1),
)


@dataclass
class Deal:
    """One motion driven through the engine, as the store would hold it."""

    account: Account = ACME
    partner: Partner | None = None
    snapshot: MotionSnapshot | None = None
    entitled_skus: frozenset[str] = frozenset()
    invoice_number_taken: bool = False
    decisions: list[Decision] = field(default_factory=list)

    def context(self, now: datetime = NOW) -> DecisionContext:
        """The facts the store would gather for this motion."""
        return DecisionContext(
            now=now,
            snapshot=self.snapshot,
            account=self.account,
            partner=self.partner,
            products=dict(PRODUCTS),
            entitled_skus=self.entitled_skus,
            invoice_number_taken=self.invoice_number_taken,
        )

    def ask(
        self,
        action: Action,
        given: TransitionInput,
        actor: Principal,
        now: datetime = NOW,
    ) -> Decision:
        """The engine's decision, without applying it."""
        request = TransitionRequest(
            action=action,
            input=given,
            actor=actor,
            motion_id=None if self.snapshot is None else self.snapshot.id,
            expected_version=None if self.snapshot is None else self.snapshot.version,
        )
        return decide(MODEL, request, self.context(now))

    def take(
        self,
        action: Action,
        given: TransitionInput,
        actor: Principal,
        now: datetime = NOW,
    ) -> Decision:
        """Decide and apply; the action must be allowed."""
        decision = self.ask(action, given, actor, now)
        assert decision.allowed, [v for v in decision.verdicts if not v.passed]
        assert decision.after is not None
        after = decision.after
        if self.snapshot is None:
            after = replace(after, id=MOTION_ID, number=f"M-{MOTION_ID:06d}")
        self.snapshot = after
        self.decisions.append(decision)
        return decision

    @property
    def motion(self) -> MotionSnapshot:
        assert self.snapshot is not None
        return self.snapshot


def started(
    lines: tuple[LineInput, ...] = STANDARD_LINES,
    *,
    owner: Principal = SELLER,
    channel: Channel = Channel.DIRECT,
    partner: Partner | None = None,
    account: Account = ACME,
) -> Deal:
    """A motion in DRAFT with the lines given."""
    deal = Deal(account=account, partner=partner)
    partner_id = None if partner is None else partner.id
    deal.take(Action.START, StartInput(account.id, channel, partner_id, lines), owner)
    return deal


def quoted(lines: tuple[LineInput, ...] = STANDARD_LINES) -> Deal:
    """A motion quoted and, if the policy asked, approved at every tier."""
    deal = started(lines)
    deal.take(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER)
    while deal.motion.state is MotionState.PENDING_APPROVAL:
        approval = deal.motion.approval
        assert approval is not None and approval.current_tier is not None
        role = approval.tiers[approval.current_tier - 1]
        approver = DESK if role == "deal_desk" else FINANCE
        deal.take(Action.APPROVE, DecisionInput("fine"), approver)
    return deal


def deal_in(state: MotionState) -> Deal:
    """A motion with the standard lines brought to `state`."""
    deal = started()
    if state is MotionState.DRAFT:
        return deal
    if state is MotionState.CANCELLED:
        deal.take(Action.CANCEL, CancelInput("lost to a rival"), SELLER)
        return deal
    deal.take(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER)
    if state is MotionState.PENDING_APPROVAL:
        return deal
    deal.take(Action.APPROVE, DecisionInput("fine"), DESK)
    if state is MotionState.EXPIRED:
        deal.take(Action.EXPIRE, NoInput(), SYSTEM, NOW + timedelta(days=31))
    for step in _PATH:
        if deal.motion.state is state:
            break
        action, given, actor = step(deal)
        deal.take(action, given, actor)
    assert deal.motion.state is state
    return deal


def _accept(deal: Deal) -> tuple[Action, TransitionInput, Principal]:
    return Action.ACCEPT_QUOTE, NoInput(), CUSTOMER


def _sign(deal: Deal) -> tuple[Action, TransitionInput, Principal]:
    return Action.SIGN_AGREEMENT, SignAgreementInput(START_DATE, "Cyd Buyer"), CUSTOMER


def _place(deal: Deal) -> tuple[Action, TransitionInput, Principal]:
    return Action.PLACE_ORDER, NoInput(), SELLER


def _fulfil_half(deal: Deal) -> tuple[Action, TransitionInput, Principal]:
    return Action.FULFIL, FulfilInput((FulfilmentLineInput(1, 10),)), OPS


def _fulfil_rest(deal: Deal) -> tuple[Action, TransitionInput, Principal]:
    rest = (FulfilmentLineInput(1, 10), FulfilmentLineInput(2, 1))
    return Action.FULFIL, FulfilInput(rest), OPS


def _invoice(deal: Deal) -> tuple[Action, TransitionInput, Principal]:
    assert deal.motion.order is not None
    return Action.RECORD_INVOICE, InvoiceInput("INV-1", deal.motion.order.total), ERP


def _pay(deal: Deal) -> tuple[Action, TransitionInput, Principal]:
    assert deal.motion.invoice is not None
    return Action.RECORD_PAYMENT, PaymentInput("PAY-1", deal.motion.invoice.amount), ERP


_PATH = (_accept, _sign, _place, _fulfil_half, _fulfil_rest, _invoice, _pay)


def configure(lines: tuple[LineInput, ...] = STANDARD_LINES) -> ConfigureInput:
    """A configure input with the lines given."""
    return ConfigureInput(lines)
