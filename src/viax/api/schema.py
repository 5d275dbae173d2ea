"""The one schema: queries, mutations and the federation v2 entities."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension, ValidationCache
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from viax.api.budget import CostLedger, CostLimit
from viax.api.entities import EntitySchema
from viax.api.errors import ErrorPolicy, is_expected
from viax.api.fanout import FanoutExecutor
from viax.api.limits import DocumentLimits, Limits
from viax.api.mutations import Mutation
from viax.api.production import Exposure, SchemaExposure
from viax.api.queries import Query
from viax.api.subscriptions import Subscription
from viax.api.types.catalog import Account, Partner, Product
from viax.api.types.motion import Motion, MotionEvent
from viax.api.webhooks import WebhookMutation, WebhookQuery

access_log = logging.getLogger("viax.access")
logger = logging.getLogger(__name__)


class AccessLog(SchemaExtension):
    """One INFO line per operation: its name, duration and outcome."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        errors = getattr(context.result, "errors", None)
        access_log.info(
            "operation=%s type=%s duration_ms=%.1f outcome=%s request_id=%s",
            context.operation_name or "-",
            context.operation_type.value if context.operation_type else "-",
            (time.perf_counter() - started) * 1000,
            "error" if errors else "ok",
            getattr(context.context, "request_id", "-"),
        )


class GatewaySchema(EntitySchema):
    """The federation schema, leaving the logging of errors to `ErrorPolicy`."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        # ErrorPolicy logs each unexpected error once, with its request id;
        # a client's malformed or refused request is no error of the server.
        for error in errors:
            if is_expected(error):
                logger.debug("request refused: %s", error.message)


def build_schema(
    limits: Limits | None = None, exposure: Exposure | None = None
) -> GatewaySchema:
    """Assemble the schema; cheap enough to call once per process."""
    bounds = limits or Limits()
    shown = exposure or Exposure()
    ledger = CostLedger(bounds.cost_budget, bounds.cost_refill_per_second)
    return GatewaySchema(
        query=merge_types("Query", (Query, WebhookQuery)),
        mutation=merge_types("Mutation", (Mutation, WebhookMutation)),
        subscription=Subscription,
        types=[Motion, MotionEvent, Product, Account, Partner],
        extensions=[
            AccessLog,
            ErrorPolicy,
            lambda: DocumentLimits(bounds),
            lambda: SchemaExposure(shown),
            lambda: CostLimit(bounds, ledger),
            lambda: ValidationCache(maxsize=512),
        ],
        federation_version="2.7",
        execution_context_class=FanoutExecutor,
    )


def schema_sdl() -> str:
    """The SDL as exported to `schema/schema.graphql`."""
    return build_schema().as_str() + "\n"
