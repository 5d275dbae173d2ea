"""What an allowed transition comes to, and the facts its builders need.

Builders run only after every guard passed, so a fact they cannot find is
a broken snapshot or context, raised as an `EngineError`, never a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from viax.errors import ViaxError
from viax.motion.decision import Effect
from viax.motion.guards import GuardCall
from viax.motion.snapshot import MotionSnapshot, MotionState

T = TypeVar("T")


class EngineError(ViaxError):
    """The engine was called in a way no caller should: a programming error."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The effects of an allowed transition and the state it leads to."""

    effects: tuple[Effect, ...]
    state: MotionState


def need(value: T | None, what: str) -> T:
    """The value, which an allowed transition must find."""
    if value is None:
        raise EngineError(f"an allowed transition found no {what}")
    return value


def input_of(call: GuardCall, kind: type[T]) -> T:
    """The input of the kind the action takes."""
    return need(call.input_as(kind), kind.__name__)


def motion_of(call: GuardCall) -> MotionSnapshot:
    """The motion the transition changes."""
    return need(call.snapshot, "motion")


def parent_of(call: GuardCall) -> MotionSnapshot:
    """The motion a change motion changes."""
    return need(call.context.parent, "parent motion")
