"""Returns on the store: racing requests and rebuilt parents, on both stores."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from viax.motion.inputs import ReturnLineInput, StartInput
from viax.motion.snapshot import Action, MotionKind, MotionSnapshot
from viax.seed import SALES
from viax.store.outcome import Applied, Rejected
from viax.store.transitions import Store

from .journeys import CLOCK, fulfilled, request
from .records import catalog_loaded


@pytest.fixture
async def ready(store: Store) -> Store:
    await catalog_loaded(store.engine)
    return store


def return_of(parent: MotionSnapshot, units: int) -> StartInput:
    """A return of units of the parent's first order line."""
    return StartInput(
        parent.account_id,
        parent.channel,
        parent.partner_id,
        kind=MotionKind.RETURN,
        parent_motion_id=parent.id,
        return_lines=(ReturnLineInput(1, units),),
    )


async def test_concurrent_returns_never_take_more_than_was_fulfilled(
    ready: Store,
) -> None:
    # given 20 units fulfilled
    parent = await fulfilled(ready)
    asked = request(None, Action.START, return_of(parent, 5), SALES)

    # when ten returns of 5 units each are asked for at once
    outcomes = await asyncio.gather(
        *(ready.transition(asked, CLOCK + timedelta(days=1)) for _ in range(10))
    )

    # then four take the 20 units and six are refused for want of any
    applied = [o for o in outcomes if isinstance(o, Applied)]
    refused = [o for o in outcomes if isinstance(o, Rejected)]
    assert (len(applied), len(refused)) == (4, 6)
    assert {o.code for o in refused} == {"QUANTITY_EXCEEDS_REMAINING"}
