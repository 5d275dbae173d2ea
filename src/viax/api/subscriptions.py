"""Live motion events: one motion, order status changes, or the whole feed.

Every subscription replays the events after `afterSequence` from the table,
then continues live. Each event is authorized on its own, with a fresh set
of loaders, so a partner sees only its own partner's motions whatever it
filters on, and the motion it selects is the motion as that event left it.
Subscriptions with the same document, variables and viewer share that work
(`viax.api.fanout`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from datetime import datetime
from functools import partial

import strawberry
from graphql import GraphQLError

from viax.api.context import Info, RequestContext
from viax.api.fanout import group_key
from viax.api.ids import decode_int
from viax.api.queries import MotionFilter
from viax.api.types.motion import MotionEvent, motion_after_event
from viax.events.feed import follow
from viax.motion.codec import decode_effects
from viax.motion.decision import OrderPlaced, OrderStatusChanged
from viax.motion.scope import can_see
from viax.motion.snapshot import MotionSnapshot
from viax.store import queries as store
from viax.store.events import EventRecord

Wanted = Callable[[EventRecord], bool]


def matches(wanted: store.MotionFilter, motion: MotionSnapshot) -> bool:
    """Whether the motion passes every field of the filter that is set."""
    return all(
        (
            wanted.state in (None, motion.state),
            wanted.kind in (None, motion.kind),
            wanted.channel in (None, motion.channel),
            wanted.account_id in (None, motion.account_id),
            wanted.partner_id in (None, motion.partner_id),
            wanted.updated_after is None or motion.updated_at > wanted.updated_after,
        )
    )


def changes_order_status(event: EventRecord) -> bool:
    """Whether the event placed the order or moved its status."""
    effects = decode_effects(event.payload.get("effects", []))
    return any(isinstance(e, OrderPlaced | OrderStatusChanged) for e in effects)


async def _next_event(
    events: AsyncIterator[EventRecord], expires_at: datetime | None, now: datetime
) -> EventRecord:
    if expires_at is None:
        return await anext(events)
    remaining = (expires_at - now).total_seconds()
    try:
        return await asyncio.wait_for(anext(events), max(remaining, 0))
    except TimeoutError:
        raise GraphQLError(
            "the token expired", extensions={"code": "UNAUTHENTICATED"}
        ) from None


async def _visible(
    wanted: store.MotionFilter | None, context: RequestContext, event: EventRecord
) -> bool:
    # The context is the event's own, with fresh loaders: nothing read for
    # an earlier event is served stale.
    motion, _ = await motion_after_event(context, event)
    if motion is None:
        return False
    if not can_see(context.principal, motion.partner_id, motion.account_id):
        return False
    return wanted is None or matches(wanted, motion)


async def watch(
    info: Info,
    after_sequence: int | None,
    wanted: Wanted,
    motion_filter: store.MotionFilter | None = None,
    motion_id: int | None = None,
) -> AsyncGenerator[MotionEvent, None]:
    """The events the viewer may see that `wanted` and the filter accept.

    With `motion_id`, only that motion's events are read and dispatched.
    """
    context = info.context
    if context.feed is None or context.fanout is None:
        raise GraphQLError(
            "subscriptions are not served", extensions={"code": "UNAVAILABLE"}
        )
    check = partial(_visible, motion_filter)
    events = follow(context.feed, after_sequence, motion_id)
    with context.fanout.join(group_key(info)) as group:
        try:
            while True:
                event = await _next_event(events, context.expires_at, context.clock())
                if not wanted(event):
                    continue
                shared = group.event(event, context)
                if await shared.visible(check):
                    live = MotionEvent.of(event)
                    live.shared = shared
                    yield live
        finally:
            await events.aclose()


async def _require_motion(info: Info, motion_id: int | None) -> int:
    context = info.context
    motion = None if motion_id is None else await context.loaders.motion.load(motion_id)
    if motion is None or not can_see(
        context.principal, motion.partner_id, motion.account_id
    ):
        raise GraphQLError("no such motion", extensions={"code": "NOT_FOUND"})
    return motion.id


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Events of one motion; those after `afterSequence` first."
    )
    async def motion_changed(
        self, info: Info, id: strawberry.ID, after_sequence: int | None = None
    ) -> AsyncGenerator[MotionEvent, None]:
        motion_id = await _require_motion(info, decode_int(id, "Motion"))
        async for event in watch(
            info, after_sequence, lambda _: True, motion_id=motion_id
        ):
            yield event

    @strawberry.subscription(
        description="Events that place an order or change its status."
    )
    async def order_status_changed(
        self,
        info: Info,
        filter: MotionFilter | None = None,
        after_sequence: int | None = None,
    ) -> AsyncGenerator[MotionEvent, None]:
        wanted = None if filter is None else filter.to_store()
        async for event in watch(info, after_sequence, changes_order_status, wanted):
            yield event

    @strawberry.subscription(
        description="Every event of the motions the viewer may see."
    )
    async def motion_events(
        self,
        info: Info,
        filter: MotionFilter | None = None,
        after_sequence: int | None = None,
    ) -> AsyncGenerator[MotionEvent, None]:
        wanted = None if filter is None else filter.to_store()
        async for event in watch(info, after_sequence, lambda _: True, wanted):
            yield event
