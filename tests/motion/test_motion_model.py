"""Model files: the shipped one loads, broken ones are refused in full."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from motion_samples import MODEL_FILE

from viax.errors import ConfigurationError
from viax.motion.model import (
    ModelError,
    ModelRegistry,
    default_registry,
    load_model,
    parse_model,
)
from viax.motion.snapshot import Action, MotionKind

SHIPPED = MODEL_FILE.read_text(encoding="utf-8")


def _broken(*edits: tuple[str, str]) -> str:
    text = SHIPPED
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_the_shipped_model_holds_the_numbers_of_the_spec() -> None:
    model = default_registry().latest(MotionKind.NEW_BUSINESS)

    assert (model.name, model.version, model.kind) == (
        "new-business",
        1,
        "NEW_BUSINESS",
    )
    assert model.terms.default_months == 12
    assert model.terms.quote_validity_days == 30
    assert model.pricing.volume_rate(9) == 0
    assert model.pricing.volume_rate(10) == Decimal("0.05")
    assert model.pricing.volume_rate(50) == Decimal("0.10")
    assert model.pricing.volume_rate(100) == Decimal("0.15")
    assert model.pricing.partner_rates == {
        "silver": Decimal("0.10"),
        "gold": Decimal("0.15"),
        "platinum": Decimal("0.20"),
    }
    assert model.approval.ceilings["DIRECT"] == 40
    assert model.approval.ceilings["PARTNER"] == 20
    assert model.approval.large_deal_above == 100_000_000
    assert (model.agreement.payment_days, model.agreement.uplift_cap_percent) == (30, 7)
    assert set(model.action_names()) == set(Action) - {Action.APPLY_CHANGE}


def test_load_model_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "custom.toml"
    path.write_text(SHIPPED.replace('name = "new-business"', 'name = "custom"'))

    assert load_model(path).name == "custom"


def test_a_model_with_an_unknown_state_is_refused() -> None:
    text = _broken(('from = ["ACCEPTED"]', 'from = ["LIMBO"]'))

    with pytest.raises(ModelError, match="action signAgreement: unknown state 'LIMBO'"):
        parse_model(text)


def test_every_problem_of_a_broken_model_is_named() -> None:
    text = _broken(
        ('from = ["FULFILLED"]', 'from = ["NOWHERE"]'),
        ('guards = ["not_owner"]', 'guards = ["telepathy"]'),
        ('roles = ["erp"]', 'roles = ["wizard"]'),
    )

    with pytest.raises(ModelError) as refused:
        parse_model(text, origin="broken.toml")

    message = str(refused.value)
    assert message.startswith("broken.toml: ")
    assert "action recordInvoice: unknown state 'NOWHERE'" in message
    assert "action approve: unknown guard 'telepathy'" in message
    assert "action recordInvoice: unknown role 'wizard'" in message
    # Nothing leads to FULFILLED's successors once recordInvoice starts
    # nowhere, so INVOICED and CLOSED cannot be reached.
    assert "state 'INVOICED' is unreachable" in message
    assert "state 'CLOSED' is unreachable" in message


def test_an_unreachable_state_is_refused() -> None:
    start = SHIPPED.index("[actions.expire]")
    text = SHIPPED[:start]

    with pytest.raises(ModelError, match="state 'EXPIRED' is unreachable"):
        parse_model(text)


def test_an_action_without_guards_is_refused() -> None:
    text = _broken(('guards = ["quote_past_expiry"]', "guards = []"))

    with pytest.raises(ModelError, match="action expire: no guards"):
        parse_model(text)


def test_a_model_may_not_offer_the_stores_apply_change() -> None:
    text = SHIPPED + (
        '\n[actions.applyChange]\nfrom = ["FULFILLED"]\nto = ["FULFILLED"]\n'
        'roles = ["sales"]\nguards = ["reason_given"]\n'
    )

    with pytest.raises(ModelError, match="only the store applies"):
        parse_model(text)


def test_a_rate_written_as_a_float_is_refused() -> None:
    text = _broken(('rate = "0.05"', "rate = 0.05"))

    with pytest.raises(ModelError, match="write exact decimals as strings"):
        parse_model(text)


def test_bad_numbers_are_refused() -> None:
    text = _broken(
        ("min_quantity = 50", "min_quantity = 5"),
        ('PARTNER = "20"', 'PARTNER = "45"'),
        ("max_lines = 200", "max_lines = 0"),
    )

    with pytest.raises(ModelError) as refused:
        parse_model(text)

    assert "max_lines" in str(refused.value)


def test_cross_checked_numbers_are_refused_together() -> None:
    text = _broken(
        ("min_quantity = 50", "min_quantity = 5"),
        ('PARTNER = "20"', 'PARTNER = "45"'),
    )

    with pytest.raises(ModelError) as refused:
        parse_model(text)

    message = str(refused.value)
    assert "volume tiers must rise in quantity" in message
    assert "ceiling of PARTNER is above the last approval band" in message


def test_model_error_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        parse_model("this is = = not toml")


def test_registry_gets_by_name_and_version() -> None:
    registry = default_registry()

    assert registry.get("new-business", 1).version == 1
    with pytest.raises(ModelError, match="no model new-business v9"):
        registry.get("new-business", 9)


def test_registry_latest_is_the_highest_version_of_a_kind() -> None:
    second = parse_model(SHIPPED.replace("version = 1", "version = 2", 1))
    registry = ModelRegistry([*default_registry(), second])

    assert registry.latest(MotionKind.NEW_BUSINESS).version == 2
    assert registry.latest(MotionKind.RENEWAL).name == "renewal"
    assert registry.latest(MotionKind.RETURN).name == "return"
    with pytest.raises(ModelError, match="no model of kind RETURN"):
        ModelRegistry([second]).latest(MotionKind.RETURN)


def test_registry_refuses_the_same_model_twice() -> None:
    registry = default_registry()

    with pytest.raises(ModelError, match="is loaded"):
        registry.add(registry.get("new-business", 1))
