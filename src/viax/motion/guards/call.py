"""What a guard sees, what it returns, and how guards are declared."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from viax.motion.decision import DecisionContext, Verdict
from viax.motion.inputs import INPUT_TYPES, ConfigureInput, StartInput, TransitionInput
from viax.motion.snapshot import (
    Account,
    Action,
    Channel,
    Line,
    MotionSnapshot,
    Partner,
    Principal,
)

if TYPE_CHECKING:
    from viax.motion.model import MotionModel

InputT = TypeVar("InputT")


class GuardCode(enum.StrEnum):
    """The stable codes clients rely on (see API.md)."""

    NOT_ALLOWED_IN_STATE = "NOT_ALLOWED_IN_STATE"
    FORBIDDEN_ROLE = "FORBIDDEN_ROLE"
    PRODUCT_NOT_ELIGIBLE = "PRODUCT_NOT_ELIGIBLE"
    PREREQUISITE_MISSING = "PREREQUISITE_MISSING"
    DISCOUNT_ABOVE_CEILING = "DISCOUNT_ABOVE_CEILING"
    APPROVAL_PENDING = "APPROVAL_PENDING"
    SELF_APPROVAL = "SELF_APPROVAL"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    PRICE_MISMATCH = "PRICE_MISMATCH"
    QUANTITY_EXCEEDS_REMAINING = "QUANTITY_EXCEEDS_REMAINING"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    REASON_REQUIRED = "REASON_REQUIRED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INVALID_INPUT = "INVALID_INPUT"
    NOT_RENEWABLE = "NOT_RENEWABLE"
    OUTSIDE_RENEWAL_WINDOW = "OUTSIDE_RENEWAL_WINDOW"
    NOT_AMENDABLE = "NOT_AMENDABLE"
    QUANTITY_BELOW_ZERO = "QUANTITY_BELOW_ZERO"
    MODEL_VERSION_UNKNOWN = "MODEL_VERSION_UNKNOWN"
    MODEL_VERSION_NOT_NEWER = "MODEL_VERSION_NOT_NEWER"
    STATE_NOT_IN_MODEL = "STATE_NOT_IN_MODEL"
    QUOTE_OUTSTANDING = "QUOTE_OUTSTANDING"
    NOT_RETURNABLE = "NOT_RETURNABLE"


@dataclass(frozen=True, slots=True)
class GuardCall:
    """One evaluation: the model, the action, who asks, the facts, the input.

    `input` is None when only availability is asked; guards that read it
    are then skipped.
    """

    model: MotionModel
    action: Action
    actor: Principal
    context: DecisionContext
    input: TransitionInput | None = None

    @property
    def snapshot(self) -> MotionSnapshot | None:
        return self.context.snapshot

    @property
    def account(self) -> Account | None:
        return self.context.account

    @property
    def partner(self) -> Partner | None:
        return self.context.partner

    @property
    def channel(self) -> Channel | None:
        """The motion's channel, or the one a start asks for."""
        if self.snapshot is not None:
            return self.snapshot.channel
        start = self.input_as(StartInput)
        return None if start is None else start.channel

    @property
    def partner_id(self) -> int | None:
        if self.snapshot is not None:
            return self.snapshot.partner_id
        start = self.input_as(StartInput)
        return None if start is None else start.partner_id

    @property
    def account_id(self) -> int | None:
        if self.snapshot is not None:
            return self.snapshot.account_id
        start = self.input_as(StartInput)
        return None if start is None else start.account_id

    @property
    def currency(self) -> str | None:
        if self.snapshot is not None:
            return self.snapshot.currency
        return None if self.account is None else self.account.currency

    def input_as(self, kind: type[InputT]) -> InputT | None:
        """The input if it is of that kind, else None."""
        return self.input if isinstance(self.input, kind) else None

    def proposed_lines(self) -> tuple[Line, ...] | None:
        """The lines a start or configure asks for, numbered from 1."""
        asked = self.input_as(StartInput) or self.input_as(ConfigureInput)
        if asked is None:
            return None
        return tuple(
            Line(i, line.product_id, line.quantity, line.discount_percent)
            for i, line in enumerate(asked.lines, start=1)
        )


Problem = str | tuple[GuardCode, str]
"""A failure: its message (under the guard's own code) or a code and one."""

Check = Callable[[GuardCall], Iterable[Problem]]


@dataclass(frozen=True, slots=True)
class Guard:
    """A named check; `summary` says what holds when it passes."""

    name: str
    code: GuardCode
    summary: str
    check: Check
    needs_input: bool = False

    def run(self, call: GuardCall) -> tuple[Verdict, ...]:
        """Every problem as a failed verdict, or one passed verdict."""
        verdicts = tuple(self._verdict(p) for p in self.check(call))
        return verdicts or (Verdict(self.name, self.code.value, True, self.summary),)

    def _verdict(self, problem: Problem) -> Verdict:
        code, message = (self.code, problem) if isinstance(problem, str) else problem
        return Verdict(self.name, code.value, False, message)


def guard(
    name: str, code: GuardCode, summary: str, *, needs_input: bool = False
) -> Callable[[Check], Guard]:
    """Declare a guard from a function that yields its problems."""

    def declare(check: Check) -> Guard:
        return Guard(name, code, summary, check, needs_input)

    return declare


def money(amount: int, currency: str | None) -> str:
    """Minor units written for a person, e.g. "1234.50 EUR"."""
    return f"{Decimal(amount).scaleb(-2):.2f} {currency or ''}".rstrip()


def missing_input(call: GuardCall) -> Problem:
    """The problem of a guard that got no input of the kind it reads."""
    expected = INPUT_TYPES[call.action].__name__
    return (GuardCode.INVALID_INPUT, f"{call.action.value} takes a {expected}")
