"""A motion as it was at an instant, folded again from its events."""

from __future__ import annotations

from collections.abc import Sequence
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
    motion = None
    for event in sorted(events, key=lambda e: e.sequence):
        if event.at > as_of:
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
