"""What a transition asks for, and what the engine decides about it.

A `TransitionRequest` plus a `DecisionContext` go into the engine; a
`Decision` comes out. A dry run returns the decision; an applied transition
writes exactly its effects, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from viax.motion.inputs import TransitionInput
from viax.motion.snapshot import (
    Account,
    Action,
    Agreement,
    Approval,
    ApprovalDecision,
    ApprovalStatus,
    Channel,
    Entitlement,
    Fulfilment,
    Invoice,
    Line,
    MotionKind,
    MotionSnapshot,
    MotionState,
    Order,
    OrderStatus,
    Partner,
    Payment,
    Principal,
    Product,
    Quote,
    QuoteStatus,
    ReturnedLine,
)

if TYPE_CHECKING:
    from viax.motion.model import MotionModel


@dataclass(frozen=True, slots=True)
class TransitionRequest:
    """One call of one action on one motion (no motion for `start`)."""

    action: Action
    input: TransitionInput
    actor: Principal
    motion_id: int | None = None
    expected_version: int | None = None
    idempotency_key: str | None = None
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class DecisionContext:
    """The facts the engine may consult; the store gathers them beforehand.

    `products` holds every product named by the motion's lines, its quote,
    the request's input lines and the parent's order. `entitled_skus` are
    the skus the account holds as active entitlements (for prerequisites).
    `siblings` are the parent's change motions with their lines, this one
    included once it has started.
    """

    now: datetime
    snapshot: MotionSnapshot | None
    account: Account | None
    partner: Partner | None
    products: dict[int, Product]
    entitled_skus: frozenset[str] = frozenset()
    invoice_number_taken: bool = False
    parent: MotionSnapshot | None = None  # the motion a change motion changes
    siblings: tuple[MotionSnapshot, ...] = ()  # the parent's change motions
    # The version a migration asks for, when the registry holds it.
    target_model: MotionModel | None = None


# --- verdicts -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one guard, with a stable code clients can rely on."""

    guard: str
    code: str
    passed: bool
    message: str


# --- effects ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MotionStarted:
    account_id: int
    partner_id: int | None
    channel: Channel
    currency: str
    owner: Principal
    model_name: str
    model_version: int
    kind: MotionKind = MotionKind.NEW_BUSINESS
    parent_id: int | None = None
    effective_date: date | None = None


@dataclass(frozen=True, slots=True)
class LinesReplaced:
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class QuoteIssued:
    quote: Quote


@dataclass(frozen=True, slots=True)
class QuoteStatusChanged:
    revision: int
    status: QuoteStatus
    accepted_by: str | None = None
    accepted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApprovalRequested:
    approval: Approval


@dataclass(frozen=True, slots=True)
class ApprovalDecided:
    revision: int
    decision: ApprovalDecision
    status: ApprovalStatus
    current_tier: int | None


@dataclass(frozen=True, slots=True)
class ApprovalVoided:
    revision: int


@dataclass(frozen=True, slots=True)
class AgreementSigned:
    agreement: Agreement


@dataclass(frozen=True, slots=True)
class OrderPlaced:
    order: Order


@dataclass(frozen=True, slots=True)
class OrderStatusChanged:
    status: OrderStatus


@dataclass(frozen=True, slots=True)
class FulfilmentRecorded:
    """A fulfilment; each named order line's fulfilled quantity grows."""

    fulfilment: Fulfilment


@dataclass(frozen=True, slots=True)
class EntitlementsGranted:
    entitlements: tuple[Entitlement, ...]


@dataclass(frozen=True, slots=True)
class EntitlementRevocation:
    """Units of one entitlement taken back.

    When only part of the entitlement goes, `split` is a new REVOKED
    entitlement holding the revoked units and the held one keeps the rest,
    so active quantities stay exact and nothing granted is forgotten.
    """

    position: int
    quantity: int
    split: Entitlement | None = None


@dataclass(frozen=True, slots=True)
class EntitlementsEnded:
    """Entitlements that now end earlier, on `ends_on` (units given up)."""

    positions: tuple[int, ...]
    ends_on: date


@dataclass(frozen=True, slots=True)
class EntitlementsRevoked:
    revocations: tuple[EntitlementRevocation, ...]


@dataclass(frozen=True, slots=True)
class UnitsReturned:
    """Units came back through a return; each line's returned quantity grows."""

    lines: tuple[ReturnedLine, ...]


@dataclass(frozen=True, slots=True)
class InvoiceRecorded:
    invoice: Invoice


@dataclass(frozen=True, slots=True)
class PaymentRecorded:
    payment: Payment


@dataclass(frozen=True, slots=True)
class ModelMigrated:
    """The motion runs under `to_version` of its model from now on."""

    model_name: str
    from_version: int
    to_version: int


Effect = (
    MotionStarted
    | LinesReplaced
    | QuoteIssued
    | QuoteStatusChanged
    | ApprovalRequested
    | ApprovalDecided
    | ApprovalVoided
    | AgreementSigned
    | OrderPlaced
    | OrderStatusChanged
    | FulfilmentRecorded
    | EntitlementsGranted
    | EntitlementsRevoked
    | EntitlementsEnded
    | UnitsReturned
    | InvoiceRecorded
    | PaymentRecorded
    | ModelMigrated
)


@dataclass(frozen=True, slots=True)
class MotionChange:
    """Effects a transition has on another motion than its own and its parent."""

    before: MotionSnapshot
    effects: tuple[Effect, ...]
    after: MotionSnapshot


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer: every verdict, and what applying it changes.

    `after` is the motion as it is once the effects are applied; for a
    `start` its id is 0 and its number empty until the store assigns them.
    When `allowed` is false, `effects` is empty and `after` is None.

    A change motion's transition that completes the change also changes
    its parent: `parent_effects` are written to the parent in the same
    transaction, and `parent_after` is the parent once they are applied.
    `changes` are the parent's other change motions it changes as well (an
    amendment's reduction ending units an earlier amendment added).
    """

    action: Action
    allowed: bool
    verdicts: tuple[Verdict, ...]
    from_state: MotionState | None
    to_state: MotionState | None
    effects: tuple[Effect, ...] = ()
    after: MotionSnapshot | None = None
    input_digest: str = ""
    parent_effects: tuple[Effect, ...] = ()
    parent_after: MotionSnapshot | None = None
    changes: tuple[MotionChange, ...] = ()

    @property
    def failures(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if not v.passed)


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether the viewer could take an action now, and what blocks it."""

    action: Action
    allowed: bool
    blocked_by: tuple[Verdict, ...] = field(default=())
