"""Driving test motions through the real store, one transition at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from viax.motion.decision import TransitionRequest
from viax.motion.inputs import (
    DecisionInput,
    FulfilInput,
    FulfilmentLineInput,
    IssueQuoteInput,
    LineInput,
    NoInput,
    SignAgreementInput,
    StartInput,
    TransitionInput,
)
from viax.motion.snapshot import Action, Channel, MotionSnapshot, Principal
from viax.seed import DEAL_DESK, FULFILMENT, SALES, customer_user
from viax.store.outcome import Applied
from viax.store.transitions import Store

CLOCK = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LINES = (LineInput(1, 20, Decimal("5")), LineInput(5, 1))


def request(
    motion: MotionSnapshot | None,
    action: Action,
    given: TransitionInput,
    actor: Principal = SALES,
    *,
    key: str | None = None,
    dry_run: bool = False,
) -> TransitionRequest:
    """A request on the motion at its current version."""
    return TransitionRequest(
        action=action,
        input=given,
        actor=actor,
        motion_id=None if motion is None else motion.id,
        expected_version=None if motion is None else motion.version,
        idempotency_key=key,
        dry_run=dry_run,
    )


async def step(
    store: Store,
    motion: MotionSnapshot | None,
    action: Action,
    given: TransitionInput,
    actor: Principal = SALES,
) -> MotionSnapshot:
    """Apply one transition, which must succeed; returns the motion after."""
    outcome = await store.transition(request(motion, action, given, actor), CLOCK)
    assert isinstance(outcome, Applied), outcome
    return outcome.motion


def start_input(
    lines: tuple[LineInput, ...] = LINES,
    *,
    account_id: int = 1,
    partner_id: int | None = None,
) -> StartInput:
    """A start for the account, in the PARTNER channel when a partner is named."""
    channel = Channel.DIRECT if partner_id is None else Channel.PARTNER
    return StartInput(account_id, channel, partner_id, lines)


async def started(store: Store, lines: tuple[LineInput, ...] = LINES) -> MotionSnapshot:
    """A DRAFT motion of account 1, started by sales."""
    return await step(store, None, Action.START, start_input(lines))


async def agreed(store: Store, *, discount: str = "5") -> MotionSnapshot:
    """A motion that is AGREED, ready to be ordered."""
    lines = (LineInput(1, 20, Decimal(discount)), LineInput(5, 1))
    motion = await started(store, lines)
    motion = await step(store, motion, Action.ISSUE_QUOTE, IssueQuoteInput(12))
    if motion.approval is not None:
        motion = await step(
            store, motion, Action.APPROVE, DecisionInput("ok"), DEAL_DESK
        )
    motion = await step(store, motion, Action.ACCEPT_QUOTE, NoInput(), customer_user(1))
    signing = SignAgreementInput(date(2026, 4, 1), "Pat Buyer")
    return await step(store, motion, Action.SIGN_AGREEMENT, signing)


def later(days: int) -> datetime:
    """A moment some days after the test clock."""
    return CLOCK + timedelta(days=days)


async def fulfilled(store: Store) -> MotionSnapshot:
    """A motion whose order is wholly FULFILLED, ready to be invoiced."""
    motion = await agreed(store)
    motion = await step(store, motion, Action.PLACE_ORDER, NoInput())
    assert motion.order is not None
    lines = tuple(
        FulfilmentLineInput(line.position, line.quantity) for line in motion.order.lines
    )
    return await step(store, motion, Action.FULFIL, FulfilInput(lines), FULFILMENT)
