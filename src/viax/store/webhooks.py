"""Webhook endpoints and their deliveries: the outbox toward the ERP.

Scheduling turns events above an endpoint's cursor into deliveries and moves
the cursor in the same transaction, so a restart neither skips nor repeats
one. A delivery is claimed by pushing its next attempt out by a lease; a
success is recorded only after the receiver answered 2xx.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from viax.store.database import writer
from viax.store.events import (
    EventRecord,
    fetch_events_after,
    fetch_events_by_sequence,
)
from viax.store.events import last_sequence as newest_sequence
from viax.store.tables import motions, webhook_deliveries, webhook_endpoints

BATCH = 200


class DeliveryStatus(enum.StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    DEAD = "DEAD"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A receiver of signed event notifications."""

    id: int
    url: str
    secret: str
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event owed to one endpoint, and how sending it went."""

    id: int
    endpoint_id: int
    sequence: int
    motion_id: int
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None


def _endpoint(row: Row[Any]) -> Endpoint:
    return Endpoint(row.id, row.url, row.secret, row.active, row.created_at)


def _delivery(row: Row[Any]) -> Delivery:
    return Delivery(
        id=row.id,
        endpoint_id=row.endpoint_id,
        sequence=row.sequence,
        motion_id=row.motion_id,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
    )


async def register_endpoint(
    engine: AsyncEngine, url: str, secret: str, now: datetime
) -> Endpoint:
    """A new endpoint; it receives the events committed from now on."""
    async with writer(engine).begin() as connection:
        cursor = await newest_sequence(connection)
        key = await connection.scalar(
            insert(webhook_endpoints)
            .values(url=url, secret=secret, active=True, cursor=cursor, created_at=now)
            .returning(webhook_endpoints.c.id)
        )
    assert key is not None
    return Endpoint(key, url, secret, True, now)


async def update_endpoint(
    engine: AsyncEngine, endpoint_id: int, *, active: bool | None, url: str | None
) -> Endpoint | None:
    """Change an endpoint's URL or switch it off and on; None if unknown.

    Switched on again, it receives the events committed from then on; what
    was pending when it was switched off is sent then, in order.
    """
    table = webhook_endpoints
    async with writer(engine).begin() as connection:
        row = (
            await connection.execute(select(table).where(table.c.id == endpoint_id))
        ).first()
        if row is None:
            return None
        values: dict[str, Any] = {} if url is None else {"url": url}
        if active is not None and active != row.active:
            values["active"] = active
            if active:
                values["cursor"] = await newest_sequence(connection)
        if values:
            await connection.execute(
                update(table).where(table.c.id == endpoint_id).values(**values)
            )
        changed = (
            await connection.execute(select(table).where(table.c.id == endpoint_id))
        ).one()
    return _endpoint(changed)


async def list_endpoints(connection: AsyncConnection) -> list[Endpoint]:
    """Every endpoint, oldest first."""
    rows = await connection.execute(
        select(webhook_endpoints).order_by(webhook_endpoints.c.id)
    )
    return [_endpoint(row) for row in rows]


async def list_deliveries(
    connection: AsyncConnection, status: DeliveryStatus | None, limit: int
) -> list[Delivery]:
    """The newest deliveries, optionally of one status."""
    query = select(webhook_deliveries).order_by(webhook_deliveries.c.id.desc())
    if status is not None:
        query = query.where(webhook_deliveries.c.status == status)
    rows = await connection.execute(query.limit(limit))
    return [_delivery(row) for row in rows]


async def schedule(
    engine: AsyncEngine, now: datetime, wanted: Callable[[EventRecord], bool]
) -> int:
    """Owe each active endpoint the wanted events above its cursor."""
    async with engine.connect() as connection:
        endpoints = await connection.execute(
            select(webhook_endpoints.c.id, webhook_endpoints.c.cursor).where(
                webhook_endpoints.c.active
            )
        )
        pending = list(endpoints)
    scheduled = 0
    for endpoint_id, cursor in pending:
        scheduled += await _schedule_one(engine, endpoint_id, cursor, now, wanted)
    return scheduled


async def _schedule_one(
    engine: AsyncEngine,
    endpoint_id: int,
    cursor: int,
    now: datetime,
    wanted: Callable[[EventRecord], bool],
) -> int:
    async with writer(engine).begin() as connection:
        events = await fetch_events_after(connection, cursor, limit=BATCH)
        if not events:
            return 0
        moved = await connection.execute(
            update(webhook_endpoints)
            .where(webhook_endpoints.c.id == endpoint_id)
            .where(webhook_endpoints.c.cursor == cursor)
            .where(webhook_endpoints.c.active)
            .values(cursor=events[-1].sequence)
        )
        if moved.rowcount != 1:
            return 0  # another replica scheduled these, or it was switched off
        owed = [_owed(endpoint_id, event, now) for event in events if wanted(event)]
        if owed:
            await connection.execute(insert(webhook_deliveries), owed)
        return len(owed)


def _owed(endpoint_id: int, event: EventRecord, now: datetime) -> dict[str, Any]:
    return {
        "endpoint_id": endpoint_id,
        "sequence": event.sequence,
        "motion_id": event.motion_id,
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
    }


@dataclass(frozen=True, slots=True)
class Due:
    """A claimed delivery with what is needed to send it."""

    delivery: Delivery
    endpoint: Endpoint
    event: EventRecord
    kind: str  # of the event's motion, e.g. RETURN
    parent_id: int | None  # the motion a change motion changes


async def claim_due(
    engine: AsyncEngine, now: datetime, lease: timedelta, limit: int = 50
) -> list[Due]:
    """Deliveries due now, the earliest pending one per endpoint and motion.

    Those of a switched-off endpoint wait, pending, until it is on again.
    """
    d, e = webhook_deliveries, webhook_deliveries.alias("earlier")
    earlier_pending = exists().where(
        and_(
            e.c.endpoint_id == d.c.endpoint_id,
            e.c.motion_id == d.c.motion_id,
            e.c.sequence < d.c.sequence,
            e.c.status == DeliveryStatus.PENDING,
        )
    )
    endpoint = webhook_endpoints
    query = (
        select(
            d,
            endpoint.c.url,
            endpoint.c.secret,
            endpoint.c.created_at,
            motions.c.kind,
            motions.c.parent_id,
        )
        .join(endpoint, endpoint.c.id == d.c.endpoint_id)
        .join(motions, motions.c.id == d.c.motion_id)
        .where(d.c.status == DeliveryStatus.PENDING)
        .where(endpoint.c.active)
        .where(d.c.next_attempt_at <= now)
        .where(~earlier_pending)
        .order_by(d.c.sequence)
        .limit(limit)
    )
    async with engine.connect() as connection:
        rows = list(await connection.execute(query))
        events = await fetch_events_by_sequence(connection, [r.sequence for r in rows])
    claimed = []
    for row in rows:
        if await _claim(engine, row.id, row.next_attempt_at, now + lease):
            target = Endpoint(
                row.endpoint_id, row.url, row.secret, True, row.created_at
            )
            claimed.append(
                Due(
                    _delivery(row),
                    target,
                    events[row.sequence],
                    row.kind,
                    row.parent_id,
                )
            )
    return claimed


async def _claim(
    engine: AsyncEngine, delivery_id: int, seen: datetime, until: datetime
) -> bool:
    async with writer(engine).begin() as connection:
        result = await connection.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery_id)
            .where(webhook_deliveries.c.next_attempt_at == seen)
            .where(webhook_deliveries.c.status == DeliveryStatus.PENDING)
            .values(next_attempt_at=until)
        )
    return bool(result.rowcount == 1)


async def record_success(engine: AsyncEngine, delivery_id: int, now: datetime) -> None:
    """The receiver acknowledged the delivery."""
    await _set(
        engine,
        delivery_id,
        status=DeliveryStatus.DELIVERED,
        attempts=webhook_deliveries.c.attempts + 1,
        delivered_at=now,
        last_error=None,
    )


async def record_failure(
    engine: AsyncEngine, delivery: Delivery, error: str, retry_at: datetime | None
) -> None:
    """An attempt failed; retry at `retry_at`, or dead-letter when None."""
    await _set(
        engine,
        delivery.id,
        status=DeliveryStatus.PENDING if retry_at else DeliveryStatus.DEAD,
        attempts=delivery.attempts + 1,
        next_attempt_at=retry_at or delivery.next_attempt_at,
        last_error=error[:2000],
    )


async def redeliver(engine: AsyncEngine, delivery_id: int, now: datetime) -> bool:
    """Send the delivery again, from its first attempt; False if unknown."""
    return await _set(
        engine,
        delivery_id,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        delivered_at=None,
    )


async def fetch_delivery(engine: AsyncEngine, delivery_id: int) -> Delivery | None:
    """One delivery by id."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
            )
        ).first()
    return None if row is None else _delivery(row)


async def _set(engine: AsyncEngine, delivery_id: int, **values: Any) -> bool:
    async with writer(engine).begin() as connection:
        result = await connection.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery_id)
            .values(**values)
        )
    return bool(result.rowcount == 1)
