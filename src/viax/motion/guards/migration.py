"""Guards of a migration: the version asked for, and the motion under it.

A migration is judged by the motion's current model (its states and
roles), while its lines are judged again by the line guards run against
the version asked for, so a motion moves only where it would be valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from viax.motion.guards import lines
from viax.motion.guards.call import (
    Guard,
    GuardCall,
    GuardCode,
    Problem,
    guard,
    missing_input,
)
from viax.motion.inputs import ConfigureInput, LineInput, MigrateInput
from viax.motion.snapshot import Action, QuoteStatus

if TYPE_CHECKING:
    from viax.motion.model import MotionModel

_NONE = Decimal(0)

# The guards a start or configure runs on lines, and the ceiling a quote
# keeps to: together what makes lines valid under a model.
_LINE_GUARDS: tuple[Guard, ...] = (
    lines.line_count,
    lines.products_active,
    lines.quantity_range,
    lines.discount_range,
    lines.lines_eligible,
    lines.prerequisites,
    lines.discount_ceiling_guard,
)


def _target(call: GuardCall) -> MotionModel | None:
    """The version asked for, when it is a later one of the motion's model."""
    asked = call.input_as(MigrateInput)
    target = call.context.target_model
    if asked is None or target is None or target.version != asked.to_version:
        return None
    current = call.model
    if target.version <= current.version or target.kind != current.kind:
        return None
    return target


@guard(
    "migration_target",
    GuardCode.MODEL_VERSION_UNKNOWN,
    "the version asked for is a later one of the motion's model",
    needs_input=True,
)
def migration_target(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(MigrateInput)
    if asked is None:
        yield missing_input(call)
        return
    current, target = call.model, call.context.target_model
    if asked.to_version <= current.version:
        yield (
            GuardCode.MODEL_VERSION_NOT_NEWER,
            f"the motion runs under {current.name} v{current.version}; "
            f"v{asked.to_version} is not later",
        )
    elif target is None or target.version != asked.to_version:
        yield f"no model {current.name} v{asked.to_version} is loaded"
    elif target.kind != current.kind:
        yield (
            f"{target.name} v{target.version} governs {target.kind} motions, "
            f"not {current.kind}"
        )


@guard(
    "migration_state",
    GuardCode.STATE_NOT_IN_MODEL,
    "the motion's state exists in the version asked for",
    needs_input=True,
)
def migration_state(call: GuardCall) -> Iterator[Problem]:
    target, snapshot = _target(call), call.snapshot
    if target is None or snapshot is None:
        return
    if snapshot.state not in target.states:
        yield (
            f"state {snapshot.state.value} does not exist in "
            f"{target.name} v{target.version}"
        )


@guard(
    "no_open_quote",
    GuardCode.QUOTE_OUTSTANDING,
    "the motion holds no quote priced under its current version",
)
def no_open_quote(call: GuardCall) -> Iterator[Problem]:
    snapshot = call.snapshot
    quote = None if snapshot is None else snapshot.quote
    if quote is not None and quote.status is QuoteStatus.ACTIVE:
        # Its price hash names the version that priced it; the order must
        # carry that very price, so the quote has to go before the version.
        yield (
            f"quote {quote.number} was priced under {call.model.name} "
            f"v{call.model.version}; configure the motion to void it, then "
            "migrate and quote again"
        )


@guard(
    "migrated_lines",
    GuardCode.INVALID_INPUT,
    "the motion's lines are valid under the version asked for",
    needs_input=True,
)
def migrated_lines(call: GuardCall) -> Iterator[Problem]:
    target, snapshot = _target(call), call.snapshot
    if target is None or snapshot is None or not snapshot.lines:
        return
    # Older renewal lines keep their uplift as a negative discount, which is
    # no discount for the limits to judge.
    carried = ConfigureInput(
        tuple(
            LineInput(line.product_id, line.quantity, max(line.discount_percent, _NONE))
            for line in snapshot.lines
        )
    )
    judged = replace(call, model=target, action=Action.CONFIGURE, input=carried)
    for line_guard in _LINE_GUARDS:
        for verdict in line_guard.run(judged):
            if not verdict.passed:
                yield (
                    GuardCode(verdict.code),
                    f"under {target.name} v{target.version}: {verdict.message}",
                )
