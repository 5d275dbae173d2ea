"""Moving a running motion to a later version of its model, in the engine."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from motion_samples import (
    ADMIN,
    MODEL,
    OTHER_SELLER,
    SEATS,
    SELLER,
    Deal,
    deal_in,
    started,
)

from viax.motion.decision import Decision, TransitionRequest
from viax.motion.engine import decide
from viax.motion.inputs import LineInput, MigrateInput
from viax.motion.model import MotionModel
from viax.motion.snapshot import Action, MotionState, Principal

SECOND = MODEL.model_copy(update={"version": 2})


def migrate(
    deal: Deal, target: MotionModel | None, to: int = 2, actor: Principal = SELLER
) -> Decision:
    snapshot = deal.motion
    request = TransitionRequest(
        Action.MIGRATE, MigrateInput(to), actor, snapshot.id, snapshot.version
    )
    return decide(MODEL, request, replace(deal.context(), target_model=target))


def failed(decision: Decision) -> list[str]:
    return [verdict.code for verdict in decision.failures]


def test_a_draft_moves_to_the_later_version_in_its_state() -> None:
    decision = migrate(started(), SECOND)

    assert decision.allowed
    assert decision.after is not None
    assert (decision.after.state, decision.after.model_version) == (
        MotionState.DRAFT,
        2,
    )


def test_an_admin_may_migrate_but_another_seller_may_not() -> None:
    deal = started()

    assert migrate(deal, SECOND, actor=ADMIN).allowed
    assert failed(migrate(deal, SECOND, actor=OTHER_SELLER)) == ["FORBIDDEN_ROLE"]


def test_the_same_or_an_earlier_version_is_not_newer() -> None:
    assert failed(migrate(started(), MODEL, to=1)) == ["MODEL_VERSION_NOT_NEWER"]


def test_a_version_that_is_not_loaded_is_unknown() -> None:
    assert failed(migrate(started(), None, to=7)) == ["MODEL_VERSION_UNKNOWN"]


def test_a_state_the_later_version_lacks_is_refused() -> None:
    states = tuple(s for s in MODEL.states if s != MotionState.DRAFT.value)
    lacking = MODEL.model_copy(update={"version": 2, "states": states})

    assert failed(migrate(started(), lacking)) == ["STATE_NOT_IN_MODEL"]


def test_lines_are_judged_by_the_limits_of_the_later_version() -> None:
    limits = MODEL.limits.model_copy(update={"max_quantity": 10})
    narrower = MODEL.model_copy(update={"version": 2, "limits": limits})
    deal = started((LineInput(SEATS.id, 20, Decimal("15")),))

    decision = migrate(deal, narrower)

    assert failed(decision) == ["INVALID_INPUT"]
    assert decision.failures[0].message.startswith("under new-business v2: line 1")


def test_a_held_quote_must_be_voided_first() -> None:
    decision = migrate(deal_in(MotionState.QUOTED), SECOND)

    assert failed(decision) == ["QUOTE_OUTSTANDING"]


def test_a_terminal_motion_is_not_migrated() -> None:
    decision = migrate(deal_in(MotionState.CANCELLED), SECOND)

    assert failed(decision) == ["NOT_ALLOWED_IN_STATE"]
