"""Error policy: expected errors keep their codes, the rest are masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.schema import StreamResult
from strawberry.types.execution import (
    ExecutionResult,
    PreExecutionError,
    StreamExecutionResult,
)
from strawberry.utils.aio import aclosing

logger = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error"
INTERNAL = "INTERNAL"


def bad_input(message: str) -> GraphQLError:
    """A malformed request the client can fix."""
    return GraphQLError(message, extensions={"code": "INVALID_INPUT"})


def is_expected(error: GraphQLError) -> bool:
    """Validation, parsing and coded errors reach the client as they are."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def request_id_of(context: object) -> str | None:
    """The request id a context carries, if it carries one."""
    request_id = getattr(context, "request_id", None)
    return request_id if isinstance(request_id, str) else None


def masked(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """Log an unexpected error with its traceback; what the client sees of it."""
    logger.error(
        "unexpected error request_id=%s path=%s",
        request_id,
        error.path,
        exc_info=error.original_error,
    )
    return GraphQLError(
        UNEXPECTED,
        nodes=error.nodes,
        path=error.path,
        extensions={"code": INTERNAL, "requestId": request_id},
    )


def contained(
    errors: list[GraphQLError] | None, context: object
) -> list[GraphQLError] | None:
    """The errors, with any that escaped `ErrorPolicy` masked and logged."""
    if not errors:
        return errors
    request_id = request_id_of(context)
    return [e if is_expected(e) else masked(e, request_id) for e in errors]


def fault(error: Exception, context: object) -> GraphQLError:
    """What the client sees of an exception no extension caught."""
    wrapped = GraphQLError(str(error), original_error=error)
    return masked(wrapped, request_id_of(context))


async def contained_frames(source: StreamResult, context: object) -> StreamResult:
    """The frames of a stream with escaped errors masked; a fault ends it."""
    first = True
    try:
        async with aclosing(source):
            async for frame in source:
                if isinstance(frame, ExecutionResult):
                    frame.errors = contained(frame.errors, context)
                yield frame
                first = False
    except Exception as error:
        errors = [fault(error, context)]
        # Before the first frame it is a refusal of the subscribe message.
        kind = PreExecutionError if first else ExecutionResult
        yield kind(data=None, errors=errors)


def with_codes(errors: list[GraphQLError] | None) -> None:
    """Give every error a code; one without is a request the client got wrong."""
    for error in errors or ():
        error.extensions = {"code": "BAD_REQUEST", **(error.extensions or {})}


class ErrorPolicy(MaskErrors):
    """Masks unexpected errors and logs each once with the request id.

    Each frame of a subscription is masked and coded before it is sent; a
    query's result once the operation is over.
    """

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: not is_expected(e))

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        with_codes(getattr(self.execution_context.result, "errors", None))

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        self._stream_result_processed = True
        self._process_stream_result(result)
        with_codes(getattr(result, "errors", None))
        yield

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked(error, request_id_of(self.execution_context.context))
