"""Reading the motion models over GraphQL, as a frontend would draw them."""

from __future__ import annotations

from tests.api.conftest import Session, operations

MODELS = operations("models")


async def test_the_new_business_model_lists_its_actions_and_guards(
    sales: Session,
) -> None:
    data = await sales.run(MODELS, "MotionModel", kind="NEW_BUSINESS")

    model = data["motionModel"]
    assert (model["name"], model["version"], model["initial"]) == (
        "new-business",
        1,
        "DRAFT",
    )
    actions = {a["action"]: a for a in model["actions"]}
    approve = actions["APPROVE"]
    assert approve["fromStates"] == ["PENDING_APPROVAL"]
    assert approve["toStates"] == ["PENDING_APPROVAL", "QUOTED"]
    assert approve["guards"] == [
        {
            "name": "not_owner",
            "code": "SELF_APPROVAL",
            "summary": approve["guards"][0]["summary"],
        }
    ]
    assert actions["START"]["fromStates"] == []
    assert "    DRAFT --> QUOTED: issueQuote" in model["diagram"].splitlines()


async def test_the_model_carries_the_pricing_and_approval_numbers(
    sales: Session,
) -> None:
    data = await sales.run(MODELS, "MotionModel", kind="NEW_BUSINESS", version=1)

    rules = data["motionModel"]["rules"]
    assert [(t["minQuantity"], t["rate"]) for t in rules["volumeTiers"]] == [
        (10, "0.05"),
        (50, "0.10"),
        (100, "0.15"),
    ]
    assert rules["approvalBands"][1] == {"upToPercent": "25", "roles": ["deal_desk"]}
    assert {c["channel"]: c["percent"] for c in rules["ceilings"]}["PARTNER"] == "20"
    assert (rules["largeDealAboveMinor"], rules["largeDealRole"]) == (
        100000000,
        "finance",
    )
    assert rules["renewalUpliftCapPercent"] == "7"


async def test_the_renewal_model_starts_from_the_renewal_guards(
    sales: Session,
) -> None:
    data = await sales.run(MODELS, "MotionModel", kind="RENEWAL")

    model = data["motionModel"]
    (start,) = [a for a in model["actions"] if a["action"] == "START"]
    assert model["name"] == "renewal"
    assert {"renewal_parent", "renewal_window"} <= {g["name"] for g in start["guards"]}
    assert "CONFIGURE" not in {a["action"] for a in model["actions"]}


async def test_the_return_model_orders_without_an_agreement(sales: Session) -> None:
    data = await sales.run(MODELS, "MotionModel", kind="RETURN")

    model = data["motionModel"]
    actions = {a["action"]: a for a in model["actions"]}
    assert model["name"] == "return"
    assert "SIGN_AGREEMENT" not in actions
    assert actions["PLACE_ORDER"]["fromStates"] == ["ACCEPTED"]
    assert actions["REJECT"]["toStates"] == ["CANCELLED"]
    guards = {g["name"]: g["code"] for g in actions["START"]["guards"]}
    assert guards["return_remaining"] == "QUANTITY_EXCEEDS_REMAINING"
    assert guards["return_parent"] == "NOT_RETURNABLE"


async def test_a_model_that_is_not_loaded_is_null(sales: Session) -> None:
    missing_version = await sales.run(
        MODELS, "MotionModel", kind="NEW_BUSINESS", version=9
    )
    # Every kind has a model now; a change-motion kind lacks a second version.
    missing_change = await sales.run(MODELS, "MotionModel", kind="AMENDMENT", version=2)

    assert missing_version["motionModel"] is None
    assert missing_change["motionModel"] is None
