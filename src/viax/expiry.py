"""The system's own transition: quotes past their expiry become EXPIRED."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from viax.motion.decision import TransitionRequest
from viax.motion.inputs import NoInput
from viax.motion.snapshot import SYSTEM, Action, MotionState, QuoteStatus
from viax.store.outcome import Applied
from viax.store.tables import motions, quotes
from viax.store.transitions import Store

logger = logging.getLogger(__name__)

AWAITING = (MotionState.QUOTED, MotionState.PENDING_APPROVAL)
BATCH = 100


async def expire_due(store: Store, now: datetime) -> int:
    """Expire every motion whose active quote lapsed before `now`."""
    query = (
        select(motions.c.id, motions.c.version)
        .join(quotes, quotes.c.motion_id == motions.c.id)
        .where(
            motions.c.state.in_(AWAITING),
            quotes.c.status == QuoteStatus.ACTIVE,
            quotes.c.expires_at < now,
        )
        .order_by(motions.c.id)
        .limit(BATCH)
    )
    async with store.engine.connect() as conn:
        due = list(await conn.execute(query))
    expired = 0
    for motion_id, version in due:
        request = TransitionRequest(
            action=Action.EXPIRE,
            input=NoInput(),
            actor=SYSTEM,
            motion_id=motion_id,
            expected_version=version,
        )
        # A motion that moved on meanwhile is simply not expired this round.
        expired += isinstance(await store.transition(request, now), Applied)
    return expired


async def run_expiry(
    store: Store, clock: Callable[[], datetime], interval_seconds: float
) -> None:
    """Sweep for lapsed quotes after every interval, until cancelled."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            count = await expire_due(store, clock())
            if count:
                logger.info("expired %s motions whose quotes lapsed", count)
        except Exception:
            logger.exception("expiry sweep failed; retrying next interval")
