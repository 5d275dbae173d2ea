"""The worker that posts order, fulfilment, invoice and payment events.

Each body is signed: `X-Viax-Signature: sha256=<hex>` is HMAC-SHA256 with
the endpoint's secret over `<X-Viax-Timestamp>.<body>`. Failed attempts are
retried with exponential backoff; after the last one the delivery is dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.api.ids import encode_id
from viax.motion.codec import decode_effects
from viax.motion.decision import (
    EntitlementsRevoked,
    FulfilmentRecorded,
    InvoiceRecorded,
    OrderPlaced,
    OrderStatusChanged,
    PaymentRecorded,
    UnitsReturned,
)
from viax.store import webhooks as store
from viax.store.events import EventRecord

logger = logging.getLogger(__name__)

RECORDED = (
    OrderPlaced,
    OrderStatusChanged,
    FulfilmentRecorded,
    InvoiceRecorded,
    PaymentRecorded,
    # A completed return, as its parent's applyChange event records it.
    UnitsReturned,
    EntitlementsRevoked,
)
LEASE = timedelta(seconds=60)


def for_the_erp(event: EventRecord) -> bool:
    """Whether the system of record is told of this event."""
    effects = decode_effects(event.payload.get("effects", []))
    return any(isinstance(effect, RECORDED) for effect in effects)


def body(due: store.Due) -> bytes:
    """The JSON the endpoint receives for an event."""
    event = due.event
    parent = None if due.parent_id is None else encode_id("Motion", due.parent_id)
    return orjson.dumps(
        {
            "sequence": event.sequence,
            "motionId": encode_id("Motion", event.motion_id),
            # A return's order, receipt, credit note and refund read as such.
            "motionKind": due.kind,
            "parentMotionId": parent,
            "version": event.version,
            # The GraphQL enum names, as clients of the API know them.
            "action": event.action.name,
            "fromState": None if event.from_state is None else event.from_state.name,
            "toState": event.to_state.name,
            "at": event.at.isoformat(),
            "effects": event.payload.get("effects", []),
        }
    )


def signature(secret: str, timestamp: int, content: bytes) -> str:
    """The value of `X-Viax-Signature` for a body sent at `timestamp`."""
    signed = f"{timestamp}.".encode() + content
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookWorker:
    """Schedules and sends deliveries in the background of the gateway."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Callable[[], datetime],
        *,
        max_attempts: int,
        backoff_seconds: float,
        poll_seconds: float,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._client = httpx.AsyncClient(timeout=10)

    async def start(self) -> None:
        """Begin working in the background."""
        self._task = asyncio.create_task(self._run(), name="viax-webhooks")

    async def stop(self) -> None:
        """Stop working; an unanswered attempt is retried after the lease."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._client.aclose()

    def wake(self) -> None:
        """An event was committed; look for work now."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self.work()
            except Exception:
                logger.exception("webhook work failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def work(self) -> None:
        """Schedule new events, then send every delivery that is due."""
        await store.schedule(self.engine, self.clock(), for_the_erp)
        while due := await store.claim_due(self.engine, self.clock(), LEASE):
            await asyncio.gather(*(self._send(item) for item in due))

    async def _send(self, due: store.Due) -> None:
        content = body(due)
        timestamp = int(self.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            "X-Viax-Timestamp": str(timestamp),
            "X-Viax-Signature": signature(due.endpoint.secret, timestamp, content),
            "X-Viax-Delivery": str(due.delivery.id),
        }
        try:
            response = await self._client.post(
                due.endpoint.url, content=content, headers=headers
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            await self._failed(due.delivery, f"{type(error).__name__}: {error}")
            return
        await store.record_success(self.engine, due.delivery.id, self.clock())

    async def _failed(self, delivery: store.Delivery, error: str) -> None:
        attempt = delivery.attempts + 1
        retry_at = None
        if attempt < self.max_attempts:
            delay = self.backoff_seconds * 2 ** (attempt - 1)
            retry_at = self.clock() + timedelta(seconds=delay)
        logger.info("delivery %s attempt %s failed: %s", delivery.id, attempt, error)
        await store.record_failure(self.engine, delivery, error, retry_at)
