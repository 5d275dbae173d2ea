"""Deployment models and migrateMotion, through a real client on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import (
    LiveServer,
    Session,
    SetClock,
    applied,
    operations,
    serving,
    transition,
)
from tests.api.test_renewal import CRM_PRO, UMBRELLA, step
from viax.api.ids import encode_id
from viax.motion.decision import TransitionRequest
from viax.motion.inputs import LineInput, StartInput
from viax.motion.snapshot import Action, Channel, Principal
from viax.store.outcome import Applied
from viax.store.transitions import Store

MOTIONS = operations("motions")
# new-business v2: a discount ceiling of 20 % in every channel.
MODELS = Path(__file__).parent / "models"
SELLER = Principal("sales@test", frozenset({"sales"}))


async def started_on_v1(store: Store, clock: SetClock, discount: str) -> str:
    """A DRAFT of 20 CRM-PRO started before v2 was deployed; its GraphQL id."""
    request = TransitionRequest(
        Action.START,
        StartInput(5, Channel.DIRECT, lines=(LineInput(1, 20, Decimal(discount)),)),
        SELLER,
    )
    done = await store.transition(request, now=clock())
    assert isinstance(done, Applied)
    return encode_id("Motion", done.motion.id)


@pytest.fixture
async def drafts(store: Store, seeded_url: str, clock: SetClock) -> dict[str, str]:
    """Two v1 drafts: one within the v2 ceiling, one above it."""
    return {
        "within": await started_on_v1(store, clock, "10"),
        "above": await started_on_v1(store, clock, "30"),
    }


@pytest.fixture
def gateway(
    seeded_url: str, clock: SetClock, drafts: dict[str, str]
) -> Iterator[LiveServer]:
    """The gateway with new-business v2 loaded from VIAX_MODEL_DIR."""
    yield from serving(seeded_url, clock, model_dir=MODELS)


async def read(session: Session, motion_id: str, at: str | None = None) -> Any:
    if at is None:
        return (await session.run(MOTIONS, "Motion", id=motion_id))["motion"]
    data = await session.run(MOTIONS, "MotionAsOf", id=motion_id, asOf=at)
    return data["motion"]


async def migrate(session: Session, motion_id: str, **input: Any) -> dict[str, Any]:
    motion = await read(session, motion_id)
    return await transition(
        session,
        "MigrateMotion",
        motionId=motion_id,
        expectedVersion=motion["version"],
        **input,
    )


def failures(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(v["guard"], v["code"]) for v in result["verdicts"] if not v["passed"]]


async def test_a_draft_migrates_and_is_quoted_under_the_new_version(
    sales: Session, drafts: dict[str, str], clock: SetClock
) -> None:
    # given a v1 draft within the v2 ceiling, on 5 January
    clock.set(2027, 1, 5)

    # when it is migrated to v2, then quoted
    result = await migrate(sales, drafts["within"], toVersion=2)
    migrated = await read(sales, drafts["within"])
    quoted = await step(sales, "IssueQuote", migrated)

    # then it runs under v2 from the migration on, and was v1 before it
    assert result["__typename"] == "TransitionApplied", result
    assert result["event"]["action"] == "MIGRATE"
    assert (migrated["state"], migrated["modelVersion"]) == ("DRAFT", 2)
    assert (await read(sales, quoted["id"]))["modelVersion"] == 2
    before = await read(sales, drafts["within"], "2027-01-03T00:00:00+00:00")
    assert (before["modelVersion"], before["version"]) == (1, 1)


async def test_a_discount_above_the_new_ceiling_is_refused_with_reasons(
    sales: Session, drafts: dict[str, str]
) -> None:
    result = await migrate(sales, drafts["above"], toVersion=2)

    assert result["__typename"] == "TransitionRejected"
    assert failures(result) == [("migrated_lines", "DISCOUNT_ABOVE_CEILING")]
    assert "above the 20 % ceiling" in result["message"]
    assert (await read(sales, drafts["above"]))["modelVersion"] == 1


async def test_a_dry_run_previews_the_migration_and_writes_nothing(
    sales: Session, drafts: dict[str, str]
) -> None:
    result = await migrate(sales, drafts["within"], toVersion=2, dryRun=True)

    assert result["__typename"] == "TransitionPreview", result
    assert (result["fromState"], result["toState"]) == ("DRAFT", "DRAFT")
    assert all(verdict["passed"] for verdict in result["verdicts"])
    unchanged = await read(sales, drafts["within"])
    assert (unchanged["modelVersion"], unchanged["version"]) == (1, 1)


@pytest.mark.parametrize(
    ("version", "code"),
    [(3, "MODEL_VERSION_UNKNOWN"), (1, "MODEL_VERSION_NOT_NEWER")],
)
async def test_an_unknown_or_earlier_version_is_refused(
    sales: Session, drafts: dict[str, str], version: int, code: str
) -> None:
    result = await migrate(sales, drafts["within"], toVersion=version)

    assert result["__typename"] == "TransitionRejected"
    assert failures(result) == [("migration_target", code)]


async def test_a_held_quote_is_voided_by_configuring_before_migrating(
    sales: Session, drafts: dict[str, str]
) -> None:
    # given a v1 motion holding a quote
    quoted = await step(sales, "IssueQuote", await read(sales, drafts["within"]))

    # when it is migrated, then configured and migrated again
    refused = await migrate(sales, quoted["id"], toVersion=2)
    lines = [{"productId": CRM_PRO, "quantity": 20, "discountPercent": "10"}]
    await step(sales, "ConfigureMotion", quoted, lines=lines)
    again = await migrate(sales, quoted["id"], toVersion=2)

    # then the quote had to go first
    assert failures(refused) == [("no_open_quote", "QUOTE_OUTSTANDING")]
    assert again["__typename"] == "TransitionApplied", again


async def test_a_motion_left_alone_keeps_v1_while_new_motions_start_on_v2(
    sales: Session, drafts: dict[str, str]
) -> None:
    # when the v1 draft is quoted and a new motion starts
    kept = await step(sales, "IssueQuote", await read(sales, drafts["within"]))
    fresh = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 4}],
    )

    # then the first stays on v1, the new one runs on v2
    assert kept["state"] == "QUOTED"
    assert (await read(sales, kept["id"]))["modelVersion"] == 1
    assert (await read(sales, fresh["id"]))["modelVersion"] == 2
