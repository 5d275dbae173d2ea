"""The Starlette application: /graphql (HTTP and WebSocket), /healthz, /readyz."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

import jwt
import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketDisconnected as SocketAlreadyClosed
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types.unset import UNSET, UnsetType

from viax.api.auth import (
    AuthenticationError,
    authenticate_request,
    key_set,
    verify_request,
)
from viax.api.budget import Ledger, ledger_for
from viax.api.context import RequestContext
from viax.api.fanout import Fanout, next_frame
from viax.api.intake import RequestIntake
from viax.api.limits import Limits
from viax.api.media import SpecView
from viax.api.persisted import persisted_queries
from viax.api.production import GATEWAY_HEADER, Exposure, is_gateway
from viax.api.schema import build_schema
from viax.errors import StoreError
from viax.events.feed import EventFeed
from viax.events.wakeups import Wakeups, wakeups_for
from viax.events.webhooks import WebhookWorker
from viax.expiry import run_expiry
from viax.motion.model import ModelRegistry, deployment_registry
from viax.motion.snapshot import Principal
from viax.settings import Settings
from viax.store.database import create_engine
from viax.store.schema import ensure_migrated, schema_status
from viax.store.transitions import Store

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Renders the GraphiQL page only: it may read nothing and do nothing.
ANONYMOUS = Principal(subject="anonymous", roles=frozenset())


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Runtime:
    """What lives as long as the process: settings, store, models, clock."""

    settings: Settings
    models: ModelRegistry
    clock: Clock
    store: Store | None = None
    feed: EventFeed | None = None
    wakeups: Wakeups | None = None
    keys: jwt.PyJWKClient | None = None
    fanout: Fanout = field(default_factory=Fanout)
    ledger: Ledger | None = None

    @property
    def engine(self) -> AsyncEngine:
        if self.store is None:
            raise StoreError("the store is not open yet")
        return self.store.engine


class TextFrames(ASGIWebSocketAdapter):
    """Sends graphql-transport-ws messages as text frames, as the protocol says."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        # A shared event's data is encoded once for all of its subscribers.
        frame = next_frame(dict(message)) or orjson.dumps(message).decode()
        try:
            await self.ws.send_text(frame)
        except (WebSocketDisconnect, SocketAlreadyClosed) as error:
            # A socket closed before (a send that found it lost, or our own
            # close) is as gone as one that is lost now.
            raise WebSocketDisconnected from error


class SubscriptionHandler(BaseGraphQLTransportWSHandler[RequestContext, None]):
    """graphql-transport-ws, with a client gone mid-send logged as normal."""

    async def handle_task_exception(self, error: Exception) -> None:
        """Log a subscriber that went away once, at DEBUG; faults as errors."""
        if isinstance(error, WebSocketDisconnected):
            logger.debug("a subscriber went away while an event was sent to it")
            return
        await super().handle_task_exception(error)


class GatewayView(SpecView):
    """The GraphQL endpoint; over HTTP `BearerAuth` set the principal.

    A WebSocket authenticates in its `connection_init` payload instead.
    """

    # Strawberry types this attribute as a callable its own adapter only
    # matches through an ignore of its own; a subclass of it is as valid.
    websocket_adapter_class = TextFrames  # type: ignore[assignment]
    graphql_transport_ws_handler_class = SubscriptionHandler

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        super().__init__(
            build_schema(Limits.of(runtime.settings), Exposure.of(runtime.settings)),
            graphql_ide=None if runtime.settings.production else "graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(
                seconds=settings.ws_init_timeout_seconds
            ),
            max_subscriptions_per_connection=settings.ws_max_subscriptions,
        )
        self.runtime = runtime

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        runtime = self.runtime
        if runtime.store is None:
            raise StoreError("the store is not open yet")
        return RequestContext(
            principal=request.scope["state"]["principal"],
            store=runtime.store,
            models=runtime.models,
            clock=runtime.clock,
            request_id=request.scope["state"]["request_id"],
            feed=runtime.feed,
            fanout=runtime.fanout,
            trusted_gateway=request.scope["state"].get("gateway", False),
            ledger=runtime.ledger,
        )

    async def on_ws_connect(
        self, context: RequestContext
    ) -> UnsetType | dict[str, object] | None:
        """Authenticate the connection with the token of its init payload."""
        params = context.connection_params or {}
        value = params.get("Authorization", params.get("authorization"))
        bearer = value if isinstance(value, str) else None
        runtime = self.runtime
        try:
            principal, expires_at = await verify_request(
                bearer, runtime.settings, runtime.keys
            )
        except AuthenticationError as error:
            logger.info("websocket refused: %s", error)
            raise ConnectionRejectionError from error
        context.principal = principal
        context.expires_at = expires_at
        return cast(UnsetType, UNSET)

    def encode_json(self, data: GraphQLHTTPResponse | object) -> bytes:
        return orjson.dumps(data)


class BearerAuth:
    """Refuses /graphql requests without a valid bearer token with 401.

    The GraphiQL page itself (a browser GET asking for HTML) loads without
    a token, so the user can paste one into its headers.
    """

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        state["request_id"] = uuid.uuid4().hex
        settings = self.runtime.settings
        if scope["type"] != "http" or (not settings.production and _wants_ide(scope)):
            state["principal"] = ANONYMOUS
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        state["gateway"] = is_gateway(headers.get(GATEWAY_HEADER), settings)
        raw = headers.get(b"authorization")
        try:
            state["principal"] = await authenticate_request(
                raw.decode("latin-1") if raw else None, settings, self.runtime.keys
            )
        except AuthenticationError as error:
            response = _unauthenticated(str(error), state["request_id"])
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _wants_ide(scope: Scope) -> bool:
    if scope["method"] != "GET" or b"query=" in scope.get("query_string", b""):
        return False
    accept = dict(scope["headers"]).get(b"accept", b"")
    return b"text/html" in accept


def _unauthenticated(reason: str, request_id: str) -> JSONResponse:
    body = {
        "errors": [
            {
                "message": reason,
                "extensions": {"code": "UNAUTHENTICATED", "requestId": request_id},
            }
        ]
    }
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


async def healthz(request: Request) -> JSONResponse:
    """The process is alive."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database answers and is migrated; says how events are learnt of."""
    runtime: Runtime = request.app.state.runtime
    events = "stopped" if runtime.wakeups is None else runtime.wakeups.mode.value
    try:
        async with runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        current, head = await schema_status(runtime.engine)
    except Exception as error:
        logger.warning("readiness check failed: %s", error)
        return JSONResponse(
            {"status": "unavailable", "reason": "database unreachable"},
            status_code=503,
        )
    if current != head:
        return JSONResponse(
            {"status": "unavailable", "reason": f"schema at {current}, head {head}"},
            status_code=503,
        )
    return JSONResponse({"status": "ready", "revision": head, "events": events})


def create_app(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    models: ModelRegistry | None = None,
) -> Starlette:
    """The gateway; it refuses to start on a database that is behind."""
    runtime = Runtime(
        settings=settings,
        models=models or deployment_registry(settings.model_dir),
        clock=clock,
        keys=key_set(settings),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        try:
            await ensure_migrated(engine)
            runtime.store = Store(engine, runtime.models)
            runtime.ledger = ledger_for(engine, Limits.of(settings))
            interval = settings.expiry_interval_seconds
            sweeper = asyncio.create_task(run_expiry(runtime.store, clock, interval))
            try:
                async with _events(runtime):
                    yield
            finally:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper
        finally:
            runtime.store = runtime.ledger = None
            await engine.dispose()

    view = GatewayView(runtime)
    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route(
                "/graphql",
                BearerAuth(
                    RequestIntake(
                        persisted_queries(view, settings), settings.max_body_bytes
                    ),
                    runtime,
                ),
                methods=["GET", "POST"],
            ),
            WebSocketRoute("/graphql", BearerAuth(view, runtime)),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app


@contextlib.asynccontextmanager
async def _events(runtime: Runtime) -> AsyncIterator[None]:
    """Tail the event table and wake subscribers after every commit.

    The feed has an engine of its own, so that its reads and its listening
    connection never wait for (nor starve) the requests' pool.
    """
    assert runtime.store is not None
    engine = create_engine(runtime.settings.database_url)
    feed = EventFeed(engine)
    wakeups = wakeups_for(engine, feed, runtime.settings.events_poll_seconds)
    worker = WebhookWorker(
        engine,
        runtime.clock,
        max_attempts=runtime.settings.webhook_max_attempts,
        backoff_seconds=runtime.settings.webhook_backoff_seconds,
        poll_seconds=runtime.settings.events_poll_seconds,
    )
    try:
        await feed.start()
        await wakeups.start()
        runtime.store.on_commit.append(wakeups.committed)
        runtime.feed, runtime.wakeups = feed, wakeups
        await worker.start()
        runtime.store.on_commit.append(worker.wake)
        yield
    finally:
        runtime.feed = runtime.wakeups = None
        await worker.stop()
        await wakeups.stop()
        await feed.stop()
        await engine.dispose()
