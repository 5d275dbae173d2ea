"""What every transition mutation returns: expected outcomes are data."""

from __future__ import annotations

from typing import Annotated

import strawberry

from viax.api.ids import encode_id
from viax.api.types.motion import GuardVerdict, Motion, MotionEvent
from viax.motion.snapshot import MotionState
from viax.store import outcome


@strawberry.type(description="The transition was applied (or replayed).")
class TransitionApplied:
    motion: Motion = strawberry.field(description="The motion after it.")
    event: MotionEvent = strawberry.field(description="The event it appended.")
    replayed: bool = strawberry.field(
        description="True when an earlier call with the same key is returned."
    )


@strawberry.type(description="A dry run: what would happen, nothing written.")
class TransitionPreview:
    from_state: MotionState | None = strawberry.field(description="State now.")
    to_state: MotionState = strawberry.field(description="State it would reach.")
    verdicts: list[GuardVerdict] = strawberry.field(description="Every guard.")
    motion: Motion = strawberry.field(
        description="The motion as it would be after (priced, not stored)."
    )


@strawberry.type(description="A guard refused the transition; nothing changed.")
class TransitionRejected:
    code: str = strawberry.field(description="Code of the first failing guard.")
    message: str = strawberry.field(description="Summary of what failed.")
    verdicts: list[GuardVerdict] = strawberry.field(
        description="Every guard evaluated, failing ones with passed false."
    )


@strawberry.type(description="The motion moved on since the version given.")
class VersionConflict:
    expected_version: int = strawberry.field(description="Version you sent.")
    current_version: int = strawberry.field(description="Version stored now.")


@strawberry.type(description="No motion with this id is visible to you.")
class MotionNotFound:
    motion_id: strawberry.ID = strawberry.field(description="The id you sent.")


TransitionResult = Annotated[
    TransitionApplied
    | TransitionPreview
    | TransitionRejected
    | VersionConflict
    | MotionNotFound,
    strawberry.union(
        "TransitionResult", description="The outcome of a transition mutation."
    ),
]


def not_found(motion_id: int | str) -> MotionNotFound:
    gid = motion_id if isinstance(motion_id, str) else encode_id("Motion", motion_id)
    return MotionNotFound(motion_id=strawberry.ID(gid))


def result_of(done: outcome.Outcome, motion_gid: str | None) -> TransitionResult:
    """Translate the store's outcome into its GraphQL shape."""
    match done:
        case outcome.Applied(motion=motion, event=event, replayed=replayed):
            return TransitionApplied(
                motion=Motion.of(motion, complete=True),
                event=MotionEvent.of(event),
                replayed=replayed,
            )
        case outcome.Previewed(decision=decision, motion=motion):
            return TransitionPreview(
                from_state=decision.from_state,
                to_state=decision.to_state or motion.state,
                verdicts=[GuardVerdict.of(v) for v in decision.verdicts],
                motion=Motion.of(motion, complete=True),
            )
        case outcome.Rejected(code=code, message=message, verdicts=verdicts):
            return TransitionRejected(
                code=code,
                message=message,
                verdicts=[GuardVerdict.of(v) for v in verdicts],
            )
        case outcome.Conflict(expected_version=expected, current_version=current):
            return VersionConflict(expected_version=expected, current_version=current)
        case outcome.NotFound(motion_id=motion_id):
            return not_found(motion_gid or motion_id)
    raise TypeError(f"unknown outcome {done!r}")
