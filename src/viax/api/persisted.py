"""Persisted queries: automatic ones by SHA-256 hash, and trusted documents.

Automatic persisted queries follow the protocol Apollo and urql clients
speak: a request carries `extensions.persistedQuery.sha256Hash`; without a
`query` the document comes from a bounded cache, with one it is checked
against the hash and cached. In trusted-documents mode the cache is fixed to
the operation files of one directory and any other document is refused.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viax.settings import Settings


def document_hash(document: str) -> str:
    """The hex SHA-256 of a document's UTF-8 text, as clients compute it."""
    return hashlib.sha256(document.encode()).hexdigest()


def trusted_documents(directory: Path) -> dict[str, str]:
    """Every `*.graphql` file of `directory`, by the hash of its text."""
    texts = (path.read_text("utf-8") for path in sorted(directory.glob("*.graphql")))
    return {document_hash(text): text for text in texts}


class DocumentCache:
    """The most recently used documents by hash, at most `capacity` of them."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.documents: OrderedDict[str, str] = OrderedDict()

    def get(self, key: str) -> str | None:
        """The document of this hash, now the most recently used, or None."""
        document = self.documents.get(key)
        if document is not None:
            self.documents.move_to_end(key)
        return document

    def put(self, key: str, document: str) -> None:
        """Remember a document, forgetting the least recently used past capacity."""
        self.documents[key] = document
        self.documents.move_to_end(key)
        while len(self.documents) > self.capacity:
            self.documents.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a persisted query cannot be served, as a GraphQL error."""

    code: str
    message: str
    status: int

    def response(self) -> JSONResponse:
        error = {"message": self.message, "extensions": {"code": self.code}}
        return JSONResponse({"errors": [error]}, status_code=self.status)


# Clients recognise the miss by this message and retry with the document,
# so it is an ordinary 200 GraphQL response rather than an HTTP failure.
NOT_FOUND = Refusal("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound", 200)
MISMATCH = Refusal("PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match", 400)
UNSUPPORTED = Refusal("PERSISTED_QUERY_NOT_SUPPORTED", "unsupported version", 400)
UNTRUSTED = Refusal("OPERATION_NOT_TRUSTED", "only trusted documents are served", 400)


class DocumentResolver:
    """Turns a request's query and extensions into the document to run."""

    def __init__(self, cache: DocumentCache, trusted: Mapping[str, str] | None) -> None:
        self.cache = cache
        self.trusted = trusted

    def resolve(self, query: object, extensions: object) -> str | Refusal | None:
        """The document to run, a refusal, or None to leave the request as is."""
        persisted = (
            extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        )
        if not isinstance(persisted, dict):
            return self._unpersisted(query)
        key = persisted.get("sha256Hash")
        if persisted.get("version") != 1 or not isinstance(key, str):
            return UNSUPPORTED
        if isinstance(query, str) and document_hash(query) != key:
            return MISMATCH
        if self.trusted is not None:
            refusal = UNTRUSTED if isinstance(query, str) else NOT_FOUND
            return self.trusted.get(key, refusal)
        if isinstance(query, str):
            self.cache.put(key, query)
            return None
        return self.cache.get(key) or NOT_FOUND

    def _unpersisted(self, query: object) -> Refusal | None:
        if self.trusted is None or not isinstance(query, str):
            return None
        return None if document_hash(query) in self.trusted else UNTRUSTED


def persisted_queries(app: ASGIApp, settings: Settings) -> PersistedQueries:
    """`app` behind persisted queries, trusted documents only if configured."""
    directory = settings.trusted_documents
    trusted = None if directory is None else trusted_documents(directory)
    cache = DocumentCache(settings.persisted_query_cache_size)
    return PersistedQueries(app, DocumentResolver(cache, trusted))


class PersistedQueries:
    """ASGI middleware that puts the persisted document into the request."""

    def __init__(self, app: ASGIApp, resolver: DocumentResolver) -> None:
        self.app = app
        self.resolver = resolver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["method"] == "GET":
            await self._get(scope, receive, send)
        elif scope["method"] == "POST" and _is_json(scope):
            await self._post(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _get(self, scope: Scope, receive: Receive, send: Send) -> None:
        params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        try:
            extensions = orjson.loads(params.get("extensions", "null"))
        except orjson.JSONDecodeError:
            extensions = None
        outcome = self.resolver.resolve(params.get("query"), extensions)
        if isinstance(outcome, Refusal):
            await outcome.response()(scope, receive, send)
            return
        if outcome is not None:
            params["query"] = outcome
            scope = {**scope, "query_string": urlencode(params).encode("latin-1")}
        await self.app(scope, receive, send)

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            payload = None
        if isinstance(payload, dict):
            outcome = self.resolver.resolve(
                payload.get("query"), payload.get("extensions")
            )
            if isinstance(outcome, Refusal):
                await outcome.response()(scope, receive, send)
                return
            if outcome is not None:
                body = orjson.dumps({**payload, "query": outcome})
                scope = _with_length(scope, len(body))
        await self.app(scope, _replay(body, receive), send)


def _is_json(scope: Scope) -> bool:
    content_type: bytes = dict(scope["headers"]).get(b"content-type", b"")
    return content_type.split(b";")[0].strip().lower() == b"application/json"


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that yields `body` once, then the client's messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def _with_length(scope: Scope, length: int) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
    headers.append((b"content-length", str(length).encode()))
    return {**scope, "headers": headers}
