"""Error policy: expected errors keep their codes, the rest are masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

logger = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error"


def bad_input(message: str) -> GraphQLError:
    """A malformed request the client can fix."""
    return GraphQLError(message, extensions={"code": "INVALID_INPUT"})


def is_expected(error: GraphQLError) -> bool:
    """Validation, parsing and coded errors reach the client as they are."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


class ErrorPolicy(MaskErrors):
    """Masks unexpected errors and logs each once with the request id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: not is_expected(e))

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            error.extensions = {"code": "BAD_REQUEST", **(error.extensions or {})}

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
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
            extensions={"code": "INTERNAL", "requestId": request_id},
        )
