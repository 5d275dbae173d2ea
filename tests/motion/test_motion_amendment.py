"""Amendment rules: the months left, the tier, the credit and the cuts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from tests.motion.motion_samples import MODEL, SEATS, SETUP, deal_in

from viax.motion.amendment import (
    agreement_cuts,
    agreement_holders,
    price_amendment,
    tier_quantity,
    units_in_force,
)
from viax.motion.renewal import renewable_quantities
from viax.motion.snapshot import (
    Entitlement,
    Line,
    MotionKind,
    MotionSnapshot,
    MotionState,
)
from viax.motion.terms import whole_months

EFFECTIVE = date(2025, 6, 1)


def fulfilled() -> MotionSnapshot:
    # 20 seats in two entitlements of 10 and one setup, until 2026-03-31.
    return deal_in(MotionState.FULFILLED).motion


@pytest.mark.parametrize(
    ("start", "last_day", "months"),
    [
        (date(2027, 6, 1), date(2027, 12, 31), 7),
        (date(2027, 6, 15), date(2027, 12, 31), 6),
        (date(2027, 12, 5), date(2027, 12, 31), 0),
        (date(2027, 1, 31), date(2027, 2, 27), 1),
        (date(2027, 1, 1), date(2027, 12, 31), 12),
    ],
)
def test_only_whole_months_count(start: date, last_day: date, months: int) -> None:
    assert whole_months(start, last_day) == months


@pytest.mark.parametrize(
    ("held", "change", "tier"), [(20, 5, 25), (20, -5, 20), (0, 3, 3), (12, -12, 12)]
)
def test_the_larger_total_decides_the_tier(held: int, change: int, tier: int) -> None:
    assert tier_quantity(held, change) == tier


def test_a_reduction_is_credited_at_the_net_the_parent_paid() -> None:
    lines = (Line(1, SEATS.id, -12),)

    priced = price_amendment(
        lines,
        {SEATS.id: SEATS},
        (fulfilled(),),
        {SEATS.id: 20},
        effective=EFFECTIVE,
        currency="EUR",
        months=7,
        partner_rate=None,
        model=MODEL,
    )

    # the 20 seats cost 1,938.00 for 12 months after 5 % and 15 %: 8.075 a
    # seat and month, so 12 seats for 7 months are 678.30, not the 798.00
    # that the list price less the 5 % tier alone would credit
    (line,) = priced.lines
    assert [(s.step, s.amount, s.subtotal) for s in line.steps] == [
        ("LIST", -67830, -67830),
        ("NET", -67830, -67830),
    ]
    assert (priced.list_total, priced.total) == (-67830, -67830)
    assert (line.unit_list, line.unit_net, line.discount_percent) == (808, 5652, 0)


def test_an_increase_still_runs_down_the_waterfall_at_the_new_total() -> None:
    lines = (Line(1, SEATS.id, 5),)

    priced = price_amendment(
        lines,
        {SEATS.id: SEATS},
        (fulfilled(),),
        {SEATS.id: 20},
        effective=EFFECTIVE,
        currency="EUR",
        months=7,
        partner_rate=None,
        model=MODEL,
    )

    # 10.00 x 5 x 7 months at the 5 % tier of the 25 held afterwards
    (line,) = priced.lines
    assert [(s.step, s.amount) for s in line.steps] == [
        ("LIST", 35000),
        ("VOLUME", -1750),
        ("DISCOUNT", 0),
        ("NET", 33250),
    ]


def test_a_cut_ends_whole_entitlements_and_keeps_the_rest_from_the_day() -> None:
    parent = fulfilled()

    (cut,) = agreement_cuts((parent,), {SEATS.id: 15}, EFFECTIVE)

    assert (cut.ended, cut.taken) == ((1, 2), {SEATS.id: 15})
    (rest,) = cut.kept
    assert (rest.position, rest.product_id, rest.quantity) == (4, SEATS.id, 5)
    assert (rest.starts_on, rest.ends_on) == (EFFECTIVE, date(2026, 3, 31))


def added_by_amendment(parent: MotionSnapshot, seats: int) -> MotionSnapshot:
    """A fulfilled amendment of the parent holding `seats` more from EFFECTIVE."""
    assert parent.entitlements[0].ends_on is not None
    return replace(
        parent,
        id=parent.id + 1,
        kind=MotionKind.AMENDMENT,
        parent_id=parent.id,
        entitlements=(
            Entitlement(1, SEATS.id, seats, EFFECTIVE, parent.entitlements[0].ends_on),
        ),
    )


def test_a_cut_takes_the_units_an_amendment_added_before_the_parents() -> None:
    parent = fulfilled()
    added = added_by_amendment(parent, 4)
    holders = agreement_holders(parent, (added,), None)

    first, second = agreement_cuts(holders, {SEATS.id: 9}, date(2025, 7, 1))

    assert [holder.id for holder in holders] == [added.id, parent.id]
    assert (first.holder.id, first.ended, first.kept, first.taken) == (
        added.id,
        (1,),
        (),
        {SEATS.id: 4},
    )
    assert (second.holder.id, second.ended, second.taken) == (
        parent.id,
        (1,),
        {SEATS.id: 5},
    )
    assert [(e.quantity, e.starts_on) for e in second.kept] == [(5, date(2025, 7, 1))]
    assert first.ends_on == second.ends_on == date(2025, 6, 30)


def test_units_in_force_count_the_day_only() -> None:
    parent = fulfilled()
    ended = tuple(
        replace(e, ends_on=date(2025, 5, 31)) if e.product_id == SEATS.id else e
        for e in parent.entitlements
    )

    assert units_in_force(parent.entitlements, EFFECTIVE) == {SEATS.id: 20, SETUP.id: 1}
    assert units_in_force(ended, EFFECTIVE) == {SETUP.id: 1}


def test_a_renewal_counts_the_amended_units_on_the_agreements_last_day() -> None:
    parent = fulfilled()
    last_day = date(2026, 3, 31)
    cut = tuple(
        replace(e, ends_on=date(2025, 5, 31)) if e.position == 1 else e
        for e in parent.entitlements
    )
    added = Entitlement(1, SEATS.id, 4, EFFECTIVE, last_day)
    amendment = replace(parent, id=43, kind=MotionKind.AMENDMENT, entitlements=(added,))

    found = renewable_quantities(replace(parent, entitlements=cut), (amendment,))

    assert found == {SEATS.id: 14}
