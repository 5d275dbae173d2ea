"""The audit trail: appending motion events and reading them back.

`motion_events` is append-only with one increasing sequence; it is also the
outbox subscribers and webhooks are fed from. Events become visible in
sequence order: on PostgreSQL a transaction takes a transaction-scoped lock
just before it draws its sequence and keeps it until it commits, so no
event is ever committed after one with a higher sequence (SQLite has one
writer at a time anyway). A reader that saw sequence N has seen every
committed event below it, which is what resuming after N relies on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.snapshot import Action, MotionState, Principal
from viax.store.columns import principal_document, principal_from_document
from viax.store.selection import among
from viax.store.tables import motion_events


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One applied transition as the audit trail keeps it."""

    sequence: int
    motion_id: int
    version: int  # the motion's version after the event
    action: Action
    from_state: MotionState | None
    to_state: MotionState
    actor: Principal
    at: datetime
    idempotency_key: str | None
    input_digest: str
    payload: dict[str, Any]  # {"input": ..., "effects": ...}


def event_from_row(row: Row[Any]) -> EventRecord:
    """The event of a `motion_events` row."""
    return EventRecord(
        sequence=row.sequence,
        motion_id=row.motion_id,
        version=row.version,
        action=Action(row.action),
        from_state=None if row.from_state is None else MotionState(row.from_state),
        to_state=MotionState(row.to_state),
        actor=principal_from_document(row.actor),
        at=row.at,
        idempotency_key=row.idempotency_key,
        input_digest=row.input_digest,
        payload=row.payload,
    )


# The key of the advisory lock that orders event commits on PostgreSQL.
EVENT_ORDER_LOCK = 0x7669_6178_6576_7473


async def append_event(connection: AsyncConnection, event: EventRecord) -> EventRecord:
    """Write the event (its sequence ignored); returns it with its sequence."""
    if connection.dialect.name == "postgresql":
        # Held until commit: the next writer draws a higher sequence only
        # after this one's is committed (or rolled back, leaving a hole).
        await connection.execute(select(func.pg_advisory_xact_lock(EVENT_ORDER_LOCK)))
    sequence = await connection.scalar(
        insert(motion_events)
        .values(
            motion_id=event.motion_id,
            version=event.version,
            action=event.action,
            from_state=event.from_state,
            to_state=event.to_state,
            actor=principal_document(event.actor),
            at=event.at,
            idempotency_key=event.idempotency_key,
            input_digest=event.input_digest,
            payload=event.payload,
        )
        .returning(motion_events.c.sequence)
    )
    assert sequence is not None
    return replace(event, sequence=sequence)


async def fetch_events(
    connection: AsyncConnection, motion_ids: Sequence[int]
) -> dict[int, list[EventRecord]]:
    """The history of each motion, oldest first."""
    if not motion_ids:
        return {}
    result = await connection.execute(
        select(motion_events)
        .where(among(connection, motion_events.c.motion_id, motion_ids))
        .order_by(motion_events.c.motion_id, motion_events.c.sequence)
    )
    history: dict[int, list[EventRecord]] = defaultdict(list)
    for row in result:
        history[row.motion_id].append(event_from_row(row))
    return dict(history)


async def fetch_events_by_sequence(
    connection: AsyncConnection, sequences: Sequence[int]
) -> dict[int, EventRecord]:
    """The events with these sequence numbers."""
    if not sequences:
        return {}
    result = await connection.execute(
        select(motion_events).where(
            among(connection, motion_events.c.sequence, sequences)
        )
    )
    return {row.sequence: event_from_row(row) for row in result}


async def fetch_events_after(
    connection: AsyncConnection,
    after: int,
    *,
    limit: int = 100,
    motion_id: int | None = None,
) -> list[EventRecord]:
    """Up to `limit` events with a sequence above `after`, in order.

    With `motion_id`, only that motion's events.
    """
    query = select(motion_events).where(motion_events.c.sequence > after)
    if motion_id is not None:
        query = query.where(motion_events.c.motion_id == motion_id)
    result = await connection.execute(
        query.order_by(motion_events.c.sequence).limit(limit)
    )
    return [event_from_row(row) for row in result]


async def last_sequence(connection: AsyncConnection) -> int:
    """The sequence of the newest event, 0 when there is none."""
    newest = await connection.scalar(select(func.max(motion_events.c.sequence)))
    return int(newest or 0)
