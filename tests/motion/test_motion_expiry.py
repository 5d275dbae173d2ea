"""Quote validity against a fixed clock."""

from __future__ import annotations

from datetime import timedelta

from motion_samples import CUSTOMER, NOW, deal_in

from viax.motion.inputs import NoInput
from viax.motion.snapshot import SYSTEM, Action, MotionState

SECOND = timedelta(seconds=1)


def test_quote_expires_thirty_days_after_it_is_issued() -> None:
    deal = deal_in(MotionState.QUOTED)

    assert deal.motion.quote is not None
    assert deal.motion.quote.expires_at == NOW + timedelta(days=30)


def test_accept_one_second_before_expiry_is_allowed() -> None:
    deal = deal_in(MotionState.QUOTED)
    expires = NOW + timedelta(days=30)

    decision = deal.ask(Action.ACCEPT_QUOTE, NoInput(), CUSTOMER, expires - SECOND)

    assert decision.allowed


def test_accept_at_the_moment_of_expiry_is_allowed() -> None:
    deal = deal_in(MotionState.QUOTED)
    expires = NOW + timedelta(days=30)

    decision = deal.ask(Action.ACCEPT_QUOTE, NoInput(), CUSTOMER, expires)

    assert decision.allowed


def test_accept_one_second_after_expiry_is_refused() -> None:
    deal = deal_in(MotionState.QUOTED)
    expires = NOW + timedelta(days=30)

    decision = deal.ask(Action.ACCEPT_QUOTE, NoInput(), CUSTOMER, expires + SECOND)

    assert [v.code for v in decision.failures] == ["QUOTE_EXPIRED"]
    assert "issue a new quote" in decision.failures[0].message


def test_expire_before_expiry_is_refused() -> None:
    deal = deal_in(MotionState.QUOTED)
    expires = NOW + timedelta(days=30)

    decision = deal.ask(Action.EXPIRE, NoInput(), SYSTEM, expires)

    assert [v.code for v in decision.failures] == ["NOT_ALLOWED_IN_STATE"]
    assert decision.failures[0].guard == "quote_past_expiry"


def test_expire_after_expiry_ends_the_motion() -> None:
    deal = deal_in(MotionState.PENDING_APPROVAL)
    expires = NOW + timedelta(days=30)

    decision = deal.take(Action.EXPIRE, NoInput(), SYSTEM, expires + SECOND)

    assert decision.to_state is MotionState.EXPIRED
    assert decision.effects == ()
    assert deal.motion.state is MotionState.EXPIRED
