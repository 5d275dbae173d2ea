"""GraphQL over HTTP media types: `application/graphql-response+json` and JSON.

A client that accepts `application/graphql-response+json` gets it, with the
status codes of the GraphQL over HTTP specification: a request error (the
document does not parse or validate, or its variables do not coerce) is a
400 without a `data` entry, a spent cost budget a 429, and a fault of the
server's own before execution a 500. Every other client gets
`application/json` with 200, as before the specification existed.
"""

from __future__ import annotations

import math

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from viax.api.budget import RATE_LIMITED
from viax.api.context import RequestContext
from viax.api.errors import INTERNAL

GRAPHQL_RESPONSE = "application/graphql-response+json"


class NegotiatedResponse(Response):
    """The view's sub-response, remembering which media type the client takes."""

    def __init__(self, *, graphql_response: bool) -> None:
        super().__init__()
        self.graphql_response = graphql_response


def accepts_graphql_response(request: Request | WebSocket) -> bool:
    """The client listed the GraphQL response media type in its Accept header."""
    return GRAPHQL_RESPONSE in request.headers.get("accept", "")


def is_request_error(result: ExecutionResult) -> bool:
    """The operation never executed: no data, and no error has a field path."""
    errors = result.errors or ()
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


class SpecView(GraphQL[RequestContext, None]):
    """Strawberry's ASGI view, answering in the media type the client accepts."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive))
        except HTTPException as error:
            # A 405 must say which methods would have worked.
            allow = {"Allow": "POST"} if error.status_code == 405 else None
            response = PlainTextResponse(
                error.reason, status_code=error.status_code, headers=allow
            )
        await response(scope, receive, send)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: RequestContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Run one operation; a mutation sent with GET is a 405, not a 400."""
        try:
            return await super().execute_single(
                request,
                request_adapter,
                sub_response,
                context,
                root_value,
                request_data,
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, error.reason) from error
            raise

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = NegotiatedResponse(
            graphql_response=accepts_graphql_response(request)
        )
        # Strawberry copies these headers into the response; an empty body's
        # length would contradict the real one.
        del sub_response.headers["content-length"]
        sub_response.status_code = None  # type: ignore[assignment]
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The response body; a request error has no `data` in the new media type."""
        processed = await super().process_result(request, result)
        if accepts_graphql_response(request) and is_request_error(result):
            processed.pop("data", None)
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """The HTTP response, with the negotiated media type and status.

        A spent budget says when to retry in `Retry-After` either way; only
        the GraphQL response media type turns it into a 429, because with
        `application/json` a client may trust nothing but a 200 to be ours.
        """
        response = super().create_response(response_data, sub_response)
        retry_after = _retry_after(response_data)
        if retry_after is not None:
            response.headers["retry-after"] = str(retry_after)
        if not getattr(sub_response, "graphql_response", False):
            return response
        response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        if isinstance(response_data, dict) and "data" not in response_data:
            response.status_code = _request_error_status(response_data, retry_after)
        return response


def _codes(response_data: object) -> list[dict[str, object]]:
    errors = response_data.get("errors") if isinstance(response_data, dict) else None
    return [error.get("extensions") or {} for error in errors or ()]


def _retry_after(response_data: object) -> int | None:
    """Whole seconds to wait, when the request was refused for its budget."""
    for extensions in _codes(response_data):
        if extensions.get("code") == RATE_LIMITED:
            seconds = float(str(extensions.get("retryAfterSeconds", 1)))
            return max(1, math.ceil(seconds))
    return None


def _request_error_status(response_data: object, retry_after: int | None) -> int:
    """429 for a spent budget, 500 for our own fault, 400 for the client's."""
    if retry_after is not None:
        return 429
    codes = {extensions.get("code") for extensions in _codes(response_data)}
    return 500 if codes == {INTERNAL} else 400
