"""The one schema: queries, mutations and the federation v2 entities."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.schema.schema import StreamResult
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from viax.api.budget import CostLedger, CostLimit, Ledger
from viax.api.entities import EntitySchema
from viax.api.errors import (
    ErrorPolicy,
    contained,
    contained_frames,
    fault,
    is_expected,
)
from viax.api.fanout import FanoutExecutor
from viax.api.limits import CachedValidation, DocumentLimits, Limits
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


# Refusals Strawberry raises on purpose, which the HTTP view turns into 4xx.
_CLIENT_FAULTS = (
    MissingQueryError,
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
Extension = Callable[[], SchemaExtension]


class GatewaySchema(EntitySchema):
    """The federation schema, leaving the logging of errors to `ErrorPolicy`.

    An error raised inside an extension (the limits, the cost, the masking
    itself) never reaches `ErrorPolicy`; it is masked and logged here, on
    every transport, like any unexpected error.
    """

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

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        try:
            result = await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        except _CLIENT_FAULTS:
            raise
        except Exception as error:
            return ExecutionResult(data=None, errors=[fault(error, context_value)])
        result.errors = contained(result.errors, context_value)
        return result

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> StreamResult:
        source = await super().stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )
        return contained_frames(source, context_value)


def gateway_extensions(
    limits: Limits, exposure: Exposure, ledger: Ledger
) -> list[Extension]:
    """The extensions of every request, outermost first.

    Validation runs before the exposure and the cost, which read its outcome
    and refuse only what it let through.
    """
    return [
        AccessLog,
        ErrorPolicy,
        lambda: DocumentLimits(limits),
        CachedValidation,
        lambda: SchemaExposure(exposure),
        lambda: CostLimit(limits, ledger),
    ]


def build_schema(
    limits: Limits | None = None,
    exposure: Exposure | None = None,
    extensions: Sequence[Extension] | None = None,
) -> GatewaySchema:
    """Assemble the schema; cheap enough to call once per process.

    `extensions` replaces the gateway's own list (see `gateway_extensions`).
    """
    bounds = limits or Limits()
    shown = exposure or Exposure()
    ledger = CostLedger(bounds.cost_budget, bounds.cost_refill_per_second)
    return GatewaySchema(
        query=merge_types("Query", (Query, WebhookQuery)),
        mutation=merge_types("Mutation", (Mutation, WebhookMutation)),
        subscription=Subscription,
        types=[Motion, MotionEvent, Product, Account, Partner],
        extensions=(
            gateway_extensions(bounds, shown, ledger)
            if extensions is None
            else extensions
        ),
        federation_version="2.7",
        execution_context_class=FanoutExecutor,
    )


def schema_sdl() -> str:
    """The SDL as exported to `schema/schema.graphql`."""
    return build_schema().as_str() + "\n"
