"""What a viewer could do now, and the digest of a request."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from motion_samples import CUSTOMER, DESK, MODEL, NOW, OPS, SELLER, Deal, deal_in

from viax.motion.decision import TransitionRequest
from viax.motion.engine import availability, decide, input_digest
from viax.motion.inputs import CancelInput, DecisionInput
from viax.motion.snapshot import Action, MotionState, Principal


def _allowed(deal: Deal, actor: Principal) -> set[Action]:
    context = deal.context(NOW)
    return {a.action for a in availability(MODEL, context, actor) if a.allowed}


def test_the_owner_of_a_draft_may_configure_quote_cancel_and_migrate() -> None:
    deal = deal_in(MotionState.DRAFT)

    assert _allowed(deal, SELLER) == {
        Action.CONFIGURE,
        Action.ISSUE_QUOTE,
        Action.CANCEL,
        Action.MIGRATE,
    }


def test_a_held_quote_blocks_migration_until_it_is_voided() -> None:
    deal = deal_in(MotionState.QUOTED)

    found = {a.action: a for a in availability(MODEL, deal.context(), SELLER)}

    assert [v.code for v in found[Action.MIGRATE].blocked_by] == ["QUOTE_OUTSTANDING"]


def test_the_customer_of_a_quote_may_accept_it() -> None:
    deal = deal_in(MotionState.QUOTED)

    assert _allowed(deal, CUSTOMER) == {Action.ACCEPT_QUOTE}


def test_an_expired_quote_blocks_acceptance_with_the_reason() -> None:
    deal = deal_in(MotionState.QUOTED)
    later = NOW + timedelta(days=31)

    found = {a.action: a for a in availability(MODEL, deal.context(later), CUSTOMER)}

    accept = found[Action.ACCEPT_QUOTE]
    assert not accept.allowed
    assert [v.code for v in accept.blocked_by] == ["QUOTE_EXPIRED"]


def test_the_current_approver_may_approve_and_reject() -> None:
    deal = deal_in(MotionState.PENDING_APPROVAL)

    assert _allowed(deal, DESK) == {Action.APPROVE, Action.REJECT}


def test_availability_lists_every_action_but_start() -> None:
    deal = deal_in(MotionState.ORDERED)

    listed = [a.action for a in availability(MODEL, deal.context(), OPS)]

    assert listed == [
        action for action in MODEL.action_names() if action is not Action.START
    ]
    assert _allowed(deal, OPS) == {Action.FULFIL}


def test_input_digest_ignores_version_key_and_dry_run() -> None:
    request = TransitionRequest(Action.CANCEL, CancelInput("lost"), SELLER, 42, 3)
    again = replace(request, expected_version=9, idempotency_key="k", dry_run=True)

    assert input_digest(request) == input_digest(again)


def test_input_digest_changes_with_the_input_and_the_motion() -> None:
    request = TransitionRequest(Action.CANCEL, CancelInput("lost"), SELLER, 42, 3)

    assert input_digest(request) != input_digest(
        replace(request, input=CancelInput("won"))
    )
    assert input_digest(request) != input_digest(replace(request, motion_id=43))


def test_a_dry_run_decides_exactly_like_a_real_one() -> None:
    deal = deal_in(MotionState.PENDING_APPROVAL)
    real = TransitionRequest(Action.APPROVE, DecisionInput("ok"), DESK, 42, 2)
    dry = replace(real, dry_run=True)

    assert decide(MODEL, dry, deal.context()) == decide(MODEL, real, deal.context())
