"""Several versions of a model loaded at once: new motions take the latest."""

from __future__ import annotations

from importlib import resources

import pytest

from viax.motion.inputs import IssueQuoteInput, MigrateInput
from viax.motion.model import ModelRegistry, default_registry, parse_model
from viax.motion.snapshot import Action, MotionState
from viax.store.queries import fetch_events, fetch_snapshots
from viax.store.rebuild import motion_as_of
from viax.store.transitions import Store

from .journeys import CLOCK, started, step
from .records import catalog_loaded

SHIPPED = (
    resources.files("viax.motion") / "models" / "new_business.v1.toml"
).read_text(encoding="utf-8")
# Version 2 gives a longer quote validity, so which version priced a quote
# shows in its expiry.
SECOND = parse_model(
    SHIPPED.replace("version = 1", "version = 2", 1).replace(
        "quote_validity_days = 30", "quote_validity_days = 45"
    )
)


@pytest.fixture
async def ready(store: Store) -> Store:
    await catalog_loaded(store.engine)
    return store


async def test_a_running_motion_keeps_its_version_when_a_newer_one_loads(
    ready: Store,
) -> None:
    # given a motion started under version 1
    running = await started(ready)

    # when version 2 is loaded next to version 1
    upgraded = Store(ready.engine, ModelRegistry([*default_registry(), SECOND]))
    running = await step(upgraded, running, Action.ISSUE_QUOTE, IssueQuoteInput())
    fresh = await started(upgraded)

    # then the running motion is quoted under version 1, a new one runs on 2
    assert running.state is MotionState.QUOTED
    assert running.model_version == 1
    assert running.quote is not None
    assert (running.quote.expires_at - running.quote.issued_at).days == 30
    assert fresh.model_version == 2


async def test_a_migrated_motion_is_quoted_under_its_new_version_and_rebuilds(
    ready: Store,
) -> None:
    # given a motion started under version 1, and version 2 loaded
    running = await started(ready)
    upgraded = Store(ready.engine, ModelRegistry([*default_registry(), SECOND]))

    # when it is migrated and quoted
    running = await step(upgraded, running, Action.MIGRATE, MigrateInput(2))
    running = await step(upgraded, running, Action.ISSUE_QUOTE, IssueQuoteInput())

    # then version 2 priced the quote, and its events rebuild what is stored
    assert running.model_version == 2
    assert running.quote is not None
    assert (running.quote.expires_at - running.quote.issued_at).days == 45
    async with ready.engine.connect() as connection:
        stored = (await fetch_snapshots(connection, [running.id]))[running.id]
        events = (await fetch_events(connection, [running.id]))[running.id]
    assert stored.model_version == 2
    assert motion_as_of(stored, events, CLOCK) == stored
