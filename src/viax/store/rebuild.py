"""A motion as it was at an instant, folded again from its events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from viax.motion.codec import decode_effects
from viax.motion.engine import apply
from viax.motion.snapshot import MotionSnapshot
from viax.store.events import EventRecord


def motion_as_of(
    current: MotionSnapshot, events: Sequence[EventRecord], as_of: datetime
) -> MotionSnapshot | None:
    """The motion its events had made by `as_of`; None before it started."""
    return _folded(current, events, lambda event: event.at <= as_of)


def motion_after(
    current: MotionSnapshot, events: Sequence[EventRecord], sequence: int
) -> MotionSnapshot | None:
    """The motion as the event of `sequence` left it; None if it is not one."""
    if not any(event.sequence == sequence for event in events):
        return None
    return _folded(current, events, lambda event: event.sequence <= sequence)


def _folded(
    current: MotionSnapshot,
    events: Sequence[EventRecord],
    applies: Callable[[EventRecord], bool],
) -> MotionSnapshot | None:
    motion = None
    for event in sorted(events, key=lambda e: e.sequence):
        if not applies(event):
            break
        motion = apply(
            motion,
            decode_effects(event.payload["effects"]),
            state=event.to_state,
            version=event.version,
            at=event.at,
        )
    if motion is None:
        return None
    # The id and number are assigned by the store after the start's effects.
    return replace(motion, id=current.id, number=current.number)
