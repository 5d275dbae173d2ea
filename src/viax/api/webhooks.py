"""Admin GraphQL for webhooks: endpoints, deliveries and redelivery."""

from __future__ import annotations

from datetime import datetime

import strawberry
from graphql import GraphQLError

from viax.api.context import Info
from viax.api.ids import decode_int, encode_id
from viax.api.pagination import page_size
from viax.store import webhooks as store

strawberry.enum(store.DeliveryStatus, name="DeliveryStatus")


def _require_admin(info: Info) -> None:
    if "admin" not in info.context.principal.roles:
        raise GraphQLError(
            "only admins manage webhooks", extensions={"code": "FORBIDDEN_ROLE"}
        )


@strawberry.type(description="A receiver of signed order and payment events.")
class WebhookEndpoint:
    id: strawberry.ID = strawberry.field(description="Endpoint id.")
    url: str = strawberry.field(description="Where events are posted.")
    active: bool = strawberry.field(description="Whether it receives events.")
    created_at: datetime = strawberry.field(description="When it was registered.")

    @classmethod
    def of(cls, endpoint: store.Endpoint) -> WebhookEndpoint:
        return cls(
            id=encode_id("WebhookEndpoint", endpoint.id),
            url=endpoint.url,
            active=endpoint.active,
            created_at=endpoint.created_at,
        )


@strawberry.type(description="One event owed to one endpoint.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Delivery id.")
    endpoint_id: strawberry.ID = strawberry.field(description="Its endpoint.")
    sequence: int = strawberry.field(description="The event's sequence.")
    motion_id: strawberry.ID = strawberry.field(description="The event's motion.")
    status: store.DeliveryStatus = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    next_attempt_at: datetime = strawberry.field(description="When it is tried.")
    last_error: str | None = strawberry.field(description="Why it last failed.")
    delivered_at: datetime | None = strawberry.field(description="When acked.")

    @classmethod
    def of(cls, delivery: store.Delivery) -> WebhookDelivery:
        return cls(
            id=encode_id("WebhookDelivery", delivery.id),
            endpoint_id=encode_id("WebhookEndpoint", delivery.endpoint_id),
            sequence=delivery.sequence,
            motion_id=encode_id("Motion", delivery.motion_id),
            status=delivery.status,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            last_error=delivery.last_error,
            delivered_at=delivery.delivered_at,
        )


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Every registered endpoint (admin).")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        _require_admin(info)
        async with info.context.store.engine.connect() as connection:
            endpoints = await store.list_endpoints(connection)
        return [WebhookEndpoint.of(e) for e in endpoints]

    @strawberry.field(description="The newest deliveries, of one status (admin).")
    async def deliveries(
        self, info: Info, status: store.DeliveryStatus | None = None, first: int = 50
    ) -> list[WebhookDelivery]:
        _require_admin(info)
        size = page_size(first)
        async with info.context.store.engine.connect() as connection:
            found = await store.list_deliveries(connection, status, size)
        return [WebhookDelivery.of(d) for d in found]


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(description="Register an endpoint for future events.")
    async def register_webhook_endpoint(
        self, info: Info, url: str, secret: str
    ) -> WebhookEndpoint:
        _require_admin(info)
        if not url.startswith(("http://", "https://")) or len(secret) < 16:
            raise GraphQLError(
                "url must be http(s) and secret at least 16 characters",
                extensions={"code": "INVALID_INPUT"},
            )
        context = info.context
        endpoint = await store.register_endpoint(
            context.store.engine, url, secret, context.clock()
        )
        return WebhookEndpoint.of(endpoint)

    @strawberry.mutation(
        description="Switch an endpoint off or on, or move it to another URL."
        " Switched off it is sent nothing and its pending deliveries wait;"
        " switched on again it gets those, then the events committed from"
        " then on. Null for an unknown endpoint."
    )
    async def update_webhook_endpoint(
        self,
        info: Info,
        id: strawberry.ID,
        active: bool | None = None,
        url: str | None = None,
    ) -> WebhookEndpoint | None:
        _require_admin(info)
        if url is not None and not url.startswith(("http://", "https://")):
            raise GraphQLError(
                "url must be http(s)", extensions={"code": "INVALID_INPUT"}
            )
        key = decode_int(id, "WebhookEndpoint")
        if key is None:
            return None
        endpoint = await store.update_endpoint(
            info.context.store.engine, key, active=active, url=url
        )
        return None if endpoint is None else WebhookEndpoint.of(endpoint)

    @strawberry.mutation(description="Send a delivery again from its first try.")
    async def redeliver(
        self, info: Info, delivery_id: strawberry.ID
    ) -> WebhookDelivery | None:
        _require_admin(info)
        key = decode_int(delivery_id, "WebhookDelivery")
        engine = info.context.store.engine
        if key is None or not await store.redeliver(engine, key, info.context.clock()):
            return None
        delivery = await store.fetch_delivery(engine, key)
        return None if delivery is None else WebhookDelivery.of(delivery)
