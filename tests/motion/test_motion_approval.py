"""The approval policy: bands, ceilings, the large-deal tier and duties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from motion_samples import (
    DESK,
    FINANCE,
    GLOBEX,
    MEGA,
    MODEL,
    NOW,
    SEATS,
    SELLER,
    Deal,
    started,
)

from viax.motion.inputs import DecisionInput, IssueQuoteInput, LineInput
from viax.motion.pricing import required_approvals
from viax.motion.snapshot import (
    Action,
    ApprovalStatus,
    Channel,
    MotionState,
    PriceStep,
    Principal,
    QuoteLine,
)


def _line(discount: str, position: int = 1) -> QuoteLine:
    steps = (PriceStep("LIST", 100, 100), PriceStep("NET", 100, 100))
    return QuoteLine(position, 1, "X", 1, Decimal(discount), 100, steps, 100, 100)


@pytest.mark.parametrize(
    ("discount", "roles"),
    [
        ("0", ()),
        ("10", ()),
        ("10.01", ("deal_desk",)),
        ("25", ("deal_desk",)),
        ("25.5", ("deal_desk", "finance")),
        ("40", ("deal_desk", "finance")),
    ],
)
def test_each_discount_band_asks_for_its_tiers(
    discount: str, roles: tuple[str, ...]
) -> None:
    need = required_approvals([_line(discount)], Channel.DIRECT, 100, MODEL.approval)

    assert need.roles == roles
    assert need.within_ceiling


def test_the_highest_line_discount_decides() -> None:
    lines = [_line("5", 1), _line("30", 2), _line("12", 3)]

    need = required_approvals(lines, Channel.DIRECT, 300, MODEL.approval)

    assert need.roles == ("deal_desk", "finance")
    assert need.highest_discount == Decimal(30)


@pytest.mark.parametrize(
    ("channel", "discount", "within"),
    [
        (Channel.DIRECT, "40", True),
        (Channel.DIRECT, "40.01", False),
        (Channel.PARTNER, "20", True),
        (Channel.PARTNER, "20.5", False),
    ],
)
def test_discount_ceiling_depends_on_the_channel(
    channel: Channel, discount: str, within: bool
) -> None:
    need = required_approvals([_line(discount)], channel, 100, MODEL.approval)

    assert need.within_ceiling is within


@pytest.mark.parametrize(
    ("discount", "total", "roles"),
    [
        ("0", 100_000_000, ()),
        ("0", 100_000_001, ("finance",)),
        ("15", 100_000_001, ("deal_desk", "finance")),
        ("30", 100_000_001, ("deal_desk", "finance")),
    ],
)
def test_a_net_total_above_one_million_needs_finance(
    discount: str, total: int, roles: tuple[str, ...]
) -> None:
    need = required_approvals([_line(discount)], Channel.DIRECT, total, MODEL.approval)

    assert need.roles == roles


def _quote_with(discount: str, quantity: int = 5) -> Deal:
    deal = started((LineInput(SEATS.id, quantity, Decimal(discount)),))
    deal.take(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER)
    return deal


def test_issuing_a_quote_above_the_direct_ceiling_is_refused() -> None:
    deal = started((LineInput(SEATS.id, 5, Decimal("40.5")),))

    decision = deal.ask(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER)

    assert [v.code for v in decision.failures] == ["DISCOUNT_ABOVE_CEILING"]
    assert "40 %" in decision.failures[0].message


def test_issuing_a_partner_quote_above_the_partner_ceiling_is_refused() -> None:
    deal = started(
        (LineInput(SEATS.id, 5, Decimal(25)),),
        channel=Channel.PARTNER,
        partner=GLOBEX,
    )

    decision = deal.ask(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER)

    assert [v.code for v in decision.failures] == ["DISCOUNT_ABOVE_CEILING"]


def test_a_large_deal_without_discount_waits_for_finance_alone() -> None:
    deal = started((LineInput(MEGA.id, 1),))

    deal.take(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER)

    assert deal.motion.state is MotionState.PENDING_APPROVAL
    assert deal.motion.approval is not None
    assert deal.motion.approval.tiers == ("finance",)


def test_tiers_are_decided_in_order() -> None:
    deal = _quote_with("30")

    early = deal.ask(Action.APPROVE, DecisionInput(), FINANCE)
    deal.take(Action.APPROVE, DecisionInput("ok at tier 1"), DESK)
    again = deal.ask(Action.APPROVE, DecisionInput(), DESK)
    deal.take(Action.APPROVE, DecisionInput("ok at tier 2"), FINANCE)

    assert [v.code for v in early.failures] == ["FORBIDDEN_ROLE"]
    assert [v.code for v in again.failures] == ["FORBIDDEN_ROLE"]
    approval = deal.motion.approval
    assert approval is not None
    assert approval.status is ApprovalStatus.APPROVED
    assert [(d.tier, d.role, d.actor) for d in approval.decisions] == [
        (1, "deal_desk", DESK.subject),
        (2, "finance", FINANCE.subject),
    ]
    assert deal.motion.state is MotionState.QUOTED


def test_after_the_first_of_two_tiers_the_motion_still_waits() -> None:
    deal = _quote_with("30")

    decision = deal.take(Action.APPROVE, DecisionInput(), DESK)

    assert decision.to_state is MotionState.PENDING_APPROVAL
    assert deal.motion.approval is not None
    assert deal.motion.approval.current_tier == 2


def test_the_owner_cannot_approve_their_own_motion() -> None:
    seller_and_desk = Principal("sam", frozenset({"sales", "deal_desk"}))
    deal = started((LineInput(SEATS.id, 5, Decimal(15)),), owner=seller_and_desk)
    deal.take(Action.ISSUE_QUOTE, IssueQuoteInput(), seller_and_desk)

    decision = deal.ask(Action.APPROVE, DecisionInput(), seller_and_desk)

    assert [v.code for v in decision.failures] == ["SELF_APPROVAL"]


def test_reject_without_a_reason_is_refused() -> None:
    deal = _quote_with("15")

    decision = deal.ask(Action.REJECT, DecisionInput("  "), DESK)

    assert [v.code for v in decision.failures] == ["REASON_REQUIRED"]


def test_reject_voids_the_quote_and_returns_to_draft() -> None:
    deal = _quote_with("15")

    deal.take(Action.REJECT, DecisionInput("too deep for this account"), DESK)

    assert deal.motion.state is MotionState.DRAFT
    assert deal.motion.quote is None
    assert deal.motion.approval is None
    assert deal.motion.quote_revisions == 1


def test_a_second_quote_after_a_reject_takes_the_next_revision() -> None:
    deal = _quote_with("15")
    deal.take(Action.REJECT, DecisionInput("too deep"), DESK)

    deal.take(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER, NOW)

    assert deal.motion.quote is not None
    assert deal.motion.quote.number == "Q-000042-2"
    assert deal.motion.approval is not None
    assert deal.motion.approval.revision == 2
