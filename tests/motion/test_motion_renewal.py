"""Renewal rules: what renews, at what price, and who must approve it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from tests.motion.motion_samples import MODEL, SEATS, deal_in

from viax.motion.renewal import (
    previous_unit_net,
    price_renewal,
    renewal_approvals,
    renewal_lines,
    window_opens,
)
from viax.motion.snapshot import (
    Channel,
    EntitlementStatus,
    Line,
    MotionSnapshot,
    MotionState,
)


def fulfilled() -> MotionSnapshot:
    # 20 seats at 15 % (net 193800) and a one-time setup (net 50000).
    return deal_in(MotionState.FULFILLED).motion


def test_only_active_subscriptions_renew() -> None:
    parent = fulfilled()

    lines = renewal_lines(parent, Decimal("3"))

    assert lines == (Line(1, SEATS.id, 20, Decimal(0), Decimal("3")),)


def test_revoked_units_do_not_renew() -> None:
    parent = fulfilled()
    first, *rest = parent.entitlements
    revoked = replace(first, status=EntitlementStatus.REVOKED)
    parent = replace(parent, entitlements=(revoked, *rest))

    held = sum(line.quantity for line in renewal_lines(parent, Decimal(0)))

    assert held == 20 - first.quantity


def test_renewal_prices_the_previous_net_plus_the_uplift() -> None:
    parent = fulfilled()
    lines = renewal_lines(parent, Decimal("2.5"))

    priced = price_renewal(
        lines, {SEATS.id: SEATS}, parent, currency="EUR", term_months=12, model=MODEL
    )

    (line,) = priced.lines
    assert previous_unit_net(parent, SEATS.id) == 9690
    # 2.5 % of 193800 is 4845; no volume or discount step is taken again
    assert [(s.step, s.amount) for s in line.steps] == [
        ("LIST", 193800),
        ("UPLIFT", 4845),
        ("NET", 198645),
    ]
    assert (priced.total, line.unit_net) == (198645, 9932)
    assert (line.discount_percent, line.uplift_percent) == (0, Decimal("2.5"))


def test_an_older_line_with_its_uplift_as_a_negative_discount_prices_alike() -> None:
    parent = fulfilled()
    older = (Line(1, SEATS.id, 20, Decimal("-2.5")),)

    priced = price_renewal(
        older, {SEATS.id: SEATS}, parent, currency="EUR", term_months=12, model=MODEL
    )

    (line,) = priced.lines
    assert [(s.step, s.amount) for s in line.steps][1] == ("UPLIFT", 4845)
    assert line.uplift_percent == Decimal("2.5")


def test_uplift_within_the_cap_needs_no_approval() -> None:
    parent = fulfilled()
    priced = price_renewal(
        renewal_lines(parent, Decimal("7")),
        {SEATS.id: SEATS},
        parent,
        currency="EUR",
        term_months=12,
        model=MODEL,
    )

    need = renewal_approvals(
        priced.lines, Channel.DIRECT, priced.total, MODEL.approval, Decimal("7")
    )

    assert need.roles == ()


def test_uplift_above_the_cap_needs_finance() -> None:
    parent = fulfilled()
    priced = price_renewal(
        renewal_lines(parent, Decimal("7.5")),
        {SEATS.id: SEATS},
        parent,
        currency="EUR",
        term_months=12,
        model=MODEL,
    )

    need = renewal_approvals(
        priced.lines, Channel.DIRECT, priced.total, MODEL.approval, Decimal("7")
    )

    assert need.roles == ("finance",)


def test_renewal_window_opens_ninety_days_before_the_end() -> None:
    assert window_opens(date(2026, 3, 31)) == date(2025, 12, 31)
