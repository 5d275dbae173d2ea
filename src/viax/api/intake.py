"""What an HTTP request must be before GraphQL reads it: size and shape."""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)


def refused(
    message: str, code: str, status: int, request_id: str | None
) -> JSONResponse:
    """A GraphQL-shaped refusal sent before any GraphQL runs."""
    extensions: dict[str, object] = {"code": code}
    if request_id is not None:
        extensions["requestId"] = request_id
    return JSONResponse(
        {"errors": [{"message": message, "extensions": extensions}]},
        status_code=status,
    )


class RequestIntake:
    """Reads the body up to a bound, refuses batches, then hands it on.

    The body is read whole before the view sees it, so that a request past
    the bound is refused without parsing a byte of it as JSON.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id")
        if scope["method"] == "POST" and not _is_json(scope):
            # Forms and text/plain are what a browser sends cross-site without
            # asking first; JSON alone keeps mutations out of their reach.
            response = refused(
                "send the operation as application/json",
                "UNSUPPORTED_MEDIA_TYPE",
                415,
                request_id,
            )
            await response(scope, receive, send)
            return
        body = await self._body(scope, receive)
        if body is None:
            limit = self.max_body_bytes
            response = refused(
                f"the request body exceeds {limit} bytes",
                "REQUEST_TOO_LARGE",
                413,
                request_id,
            )
            await response(scope, receive, send)
            return
        if body.lstrip()[:1] == b"[":
            response = refused(
                "batched requests are not accepted; send one operation",
                "BATCH_NOT_ALLOWED",
                400,
                request_id,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _body(self, scope: Scope, receive: Receive) -> bytes | None:
        declared = dict(scope["headers"]).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _is_json(scope: Scope) -> bool:
    declared: bytes = dict(scope["headers"]).get(b"content-type", b"")
    media_type = declared.split(b";", 1)[0].strip().lower()
    return media_type == b"application/json"


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
