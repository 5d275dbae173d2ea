"""The waterfall, worked out by hand, and the price hash."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from motion_samples import MODEL, MODEL_FILE, NOW, PRODUCTS, SEATS, SETUP

from viax.motion.model import MotionModel, parse_model
from viax.motion.pricing import (
    order_lines,
    order_price_hash,
    price_hash,
    price_line,
    price_lines,
)
from viax.motion.snapshot import (
    Line,
    PriceStep,
    Product,
    ProductKind,
    Quote,
    QuoteLine,
    QuoteStatus,
)


def _one_time(unit_price: int) -> Product:
    return Product(
        90, "THING", "Thing", "misc", ProductKind.ONE_TIME, {"EUR": unit_price}, 0
    )


def _steps(
    line: Line, product: Product, *, term: int = 12, partner: Decimal | None = None
) -> list[tuple[str, int, int]]:
    priced = price_line(
        line,
        product,
        currency="EUR",
        term_months=term,
        partner_rate=partner,
        model=MODEL,
    )
    return [(s.step, s.amount, s.subtotal) for s in priced.steps]


def test_subscription_is_priced_per_unit_per_month_of_the_term() -> None:
    # 10.00 a seat a month, 20 seats, 12 months: 2,400.00 listed; 5 % volume
    # (12,000) leaves 228,000; 15 % discount (34,200) leaves 193,800.
    steps = _steps(Line(1, SEATS.id, 20, Decimal(15)), SEATS)

    assert steps == [
        ("LIST", 240000, 240000),
        ("VOLUME", -12000, 228000),
        ("DISCOUNT", -34200, 193800),
        ("NET", 193800, 193800),
    ]


def test_one_time_product_is_not_multiplied_by_the_term() -> None:
    steps = _steps(Line(1, SETUP.id, 1), SETUP, term=24)

    assert steps == [
        ("LIST", 50000, 50000),
        ("VOLUME", 0, 50000),
        ("DISCOUNT", 0, 50000),
        ("NET", 50000, 50000),
    ]


@pytest.mark.parametrize(
    ("quantity", "volume"),
    [(9, 0), (10, -500), (49, -2450), (50, -5000), (99, -9900), (100, -15000)],
)
def test_each_volume_tier_takes_its_rate_of_list(quantity: int, volume: int) -> None:
    # A unit of 10.00: 9 -> 0 %, 10 and 49 -> 5 %, 50 and 99 -> 10 %, 100 -> 15 %.
    steps = _steps(Line(1, 90, quantity), _one_time(1000))

    assert steps[1] == ("VOLUME", volume, quantity * 1000 + volume)


@pytest.mark.parametrize(
    ("tier", "partner_step", "discount_step", "net"),
    [
        # 100.00 less 10 % = 90.00, less 5 % (4.50) = 85.50
        ("silver", -1000, -450, 8550),
        # 100.00 less 15 % = 85.00, less 5 % (4.25) = 80.75
        ("gold", -1500, -425, 8075),
        # 100.00 less 20 % = 80.00, less 5 % (4.00) = 76.00
        ("platinum", -2000, -400, 7600),
    ],
)
def test_each_partner_tier_takes_its_rate_of_what_remains(
    tier: str, partner_step: int, discount_step: int, net: int
) -> None:
    rate = MODEL.pricing.partner_rates[tier]

    steps = _steps(Line(1, 90, 1, Decimal(5)), _one_time(10000), partner=rate)

    assert [s[0] for s in steps] == ["LIST", "VOLUME", "PARTNER", "DISCOUNT", "NET"]
    assert steps[2] == ("PARTNER", partner_step, 10000 + partner_step)
    assert steps[3][1] == discount_step
    assert steps[4] == ("NET", net, net)


def test_a_half_unit_deduction_rounds_down_to_the_even_unit() -> None:
    # 5 % of 250 is 12.5: half to even gives 12, not 13.  10 % of 238 is
    # 23.8, which rounds to 24.
    steps = _steps(Line(1, 90, 10, Decimal(10)), _one_time(25))

    assert steps == [
        ("LIST", 250, 250),
        ("VOLUME", -12, 238),
        ("DISCOUNT", -24, 214),
        ("NET", 214, 214),
    ]


def test_a_half_unit_deduction_rounds_up_to_the_even_unit() -> None:
    # 5 % of 270 is 13.5: half to even gives 14.
    steps = _steps(Line(1, 90, 10), _one_time(27))

    assert steps[1] == ("VOLUME", -14, 256)


def test_unit_net_rounds_half_to_even() -> None:
    # 2 x 25 = 50, less 10 % = 45; 45 / 2 = 22.5 -> 22.
    priced = price_line(
        Line(1, 90, 2, Decimal(10)),
        _one_time(25),
        currency="EUR",
        term_months=12,
        partner_rate=None,
        model=MODEL,
    )

    assert (priced.net, priced.unit_net) == (45, 22)


def _standard_quote(
    *, term_months: int = 12, model: MotionModel = MODEL
) -> tuple[str, int, int]:
    lines = (Line(1, SEATS.id, 20, Decimal(15)), Line(2, SETUP.id, 1))
    priced = price_lines(
        lines,
        PRODUCTS,
        currency="EUR",
        term_months=term_months,
        partner_rate=None,
        model=model,
    )
    return priced.price_hash, priced.list_total, priced.total


def _hash(lines: tuple[QuoteLine, ...]) -> str:
    return price_hash(
        lines,
        currency="EUR",
        term_months=12,
        model_name=MODEL.name,
        model_version=MODEL.version,
    )


def test_quote_totals_add_up_list_and_net_of_every_line() -> None:
    _, list_total, total = _standard_quote()

    assert (list_total, total) == (240000 + 50000, 193800 + 50000)


def test_price_hash_is_stable_for_the_same_lines() -> None:
    assert _standard_quote()[0] == _standard_quote()[0]


def test_price_hash_ignores_how_a_discount_is_written() -> None:
    line = price_line(
        Line(1, SEATS.id, 20, Decimal(15)),
        SEATS,
        currency="EUR",
        term_months=12,
        partner_rate=None,
        model=MODEL,
    )
    same = replace(line, discount_percent=Decimal("15.00"))

    assert _hash((line,)) == _hash((same,))


def test_price_hash_changes_with_the_term() -> None:
    assert _standard_quote()[0] != _standard_quote(term_months=24)[0]


def test_price_hash_changes_with_the_model_version() -> None:
    text = MODEL_FILE.read_text(encoding="utf-8").replace(
        "version = 1", "version = 2", 1
    )
    other = parse_model(text)

    assert _standard_quote()[0] != _standard_quote(model=other)[0]


def test_price_hash_changes_with_one_step() -> None:
    priced = price_lines(
        (Line(1, SEATS.id, 20, Decimal(15)),),
        PRODUCTS,
        currency="EUR",
        term_months=12,
        partner_rate=None,
        model=MODEL,
    )
    line = priced.lines[0]
    tampered = replace(line, steps=(*line.steps[:-1], PriceStep("NET", 193801, 193801)))

    assert _hash((tampered,)) != priced.price_hash
    assert _hash(priced.lines) == priced.price_hash


def _quote() -> Quote:
    priced = price_lines(
        (Line(1, SEATS.id, 20, Decimal(15)), Line(2, SETUP.id, 1)),
        PRODUCTS,
        currency="EUR",
        term_months=12,
        partner_rate=None,
        model=MODEL,
    )
    return Quote(
        1,
        "Q-1",
        QuoteStatus.ACCEPTED,
        NOW,
        NOW,
        12,
        "EUR",
        priced.lines,
        priced.list_total,
        priced.total,
        priced.price_hash,
    )


def test_order_lines_from_a_quote_carry_its_price_hash() -> None:
    quote = _quote()
    lines = order_lines(quote)

    digest = order_price_hash(
        lines, quote, model_name=MODEL.name, model_version=MODEL.version
    )

    assert digest == quote.price_hash
    assert [(o.quantity, o.unit_net, o.net) for o in lines] == [
        (20, 9690, 193800),
        (1, 50000, 50000),
    ]


def test_order_line_at_another_net_changes_the_order_hash() -> None:
    quote = _quote()
    first, second = order_lines(quote)

    digest = order_price_hash(
        (replace(first, net=first.net - 1), second),
        quote,
        model_name=MODEL.name,
        model_version=MODEL.version,
    )

    assert digest != quote.price_hash
