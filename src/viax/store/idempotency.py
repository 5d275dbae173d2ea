"""Idempotency keys: a repeated request returns its first result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.decision import TransitionRequest, Verdict
from viax.store.events import EventRecord, fetch_events_by_sequence
from viax.store.outcome import IDEMPOTENCY_KEY_REUSED, Applied, Rejected
from viax.store.snapshots import fetch_snapshots
from viax.store.tables import idempotency_keys


async def replay(
    connection: AsyncConnection, request: TransitionRequest, digest: str
) -> Applied | Rejected | None:
    """The first result of a key already used, a refusal, or None if new."""
    if request.idempotency_key is None:
        return None
    keys = idempotency_keys.c
    row = (
        await connection.execute(
            select(idempotency_keys).where(
                keys.subject == request.actor.subject,
                keys.key == request.idempotency_key,
            )
        )
    ).first()
    if row is None:
        return None
    if row.action != request.action or row.input_digest != digest:
        return _reused(request.idempotency_key)
    motion = (await fetch_snapshots(connection, [row.motion_id]))[row.motion_id]
    event = (await fetch_events_by_sequence(connection, [row.sequence]))[row.sequence]
    return Applied(motion, event, replayed=True)


def _reused(key: str) -> Rejected:
    message = (
        f"the idempotency key {key!r} was used for another request; "
        "use a new key for a different action, motion or input"
    )
    verdict = Verdict("idempotency", IDEMPOTENCY_KEY_REUSED, False, message)
    return Rejected(IDEMPOTENCY_KEY_REUSED, message, (verdict,))


async def remember(
    connection: AsyncConnection, event: EventRecord, subject: str, now: datetime
) -> None:
    """Keep the key of an applied request, pointing at its event."""
    if event.idempotency_key is None:
        return
    await connection.execute(
        insert(idempotency_keys).values(
            subject=subject,
            key=event.idempotency_key,
            motion_id=event.motion_id,
            action=event.action,
            input_digest=event.input_digest,
            sequence=event.sequence,
            created_at=now,
        )
    )
