"""What a transition comes to: applied, previewed, or refused and why."""

from __future__ import annotations

from dataclasses import dataclass

from viax.motion.decision import Decision, Verdict
from viax.motion.snapshot import MotionSnapshot
from viax.store.events import EventRecord

IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


@dataclass(frozen=True, slots=True)
class Applied:
    """The transition was written (or had been, when `replayed`)."""

    motion: MotionSnapshot
    event: EventRecord
    replayed: bool


@dataclass(frozen=True, slots=True)
class Previewed:
    """A dry run: the decision, and the motion as it would be after it."""

    decision: Decision
    motion: MotionSnapshot


@dataclass(frozen=True, slots=True)
class Rejected:
    """A guard failed; `code` is the first failing guard's."""

    code: str
    message: str
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """The motion is no longer at the version the caller expected."""

    expected_version: int
    current_version: int


@dataclass(frozen=True, slots=True)
class NotFound:
    """No such motion, or one the actor may not see."""

    motion_id: int


Outcome = Applied | Previewed | Rejected | Conflict | NotFound


def rejected(verdicts: tuple[Verdict, ...]) -> Rejected:
    """The refusal for a decision whose guards did not all pass."""
    failures = [verdict for verdict in verdicts if not verdict.passed]
    return Rejected(
        code=failures[0].code,
        message="; ".join(verdict.message for verdict in failures),
        verdicts=verdicts,
    )
