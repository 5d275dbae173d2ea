"""Automatic persisted queries and the trusted-documents mode, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from pydantic import ValidationError

from tests.api.conftest import OPERATIONS, LiveServer
from viax.api.persisted import DocumentCache, document_hash, trusted_documents
from viax.settings import Settings

VIEWER = "{ viewer { id } }"
SECRET = "a-test-secret-of-32-bytes-or-more"


def persisted(document: str, *, with_query: bool) -> dict[str, Any]:
    extensions = {
        "persistedQuery": {"version": 1, "sha256Hash": document_hash(document)}
    }
    body: dict[str, Any] = {"extensions": extensions}
    if with_query:
        body["query"] = document
    return body


async def post(server: LiveServer, body: dict[str, Any]) -> httpx.Response:
    token = server.token("admin")
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        return await client.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
        )


def test_cache_forgets_the_least_recently_used_past_its_capacity() -> None:
    cache = DocumentCache(capacity=2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"
    cache.put("c", "C")

    assert cache.get("b") is None
    assert cache.get("a") == "A"
    assert cache.get("c") == "C"


async def test_unknown_hash_asks_for_the_document_then_serves_it(
    gateway: LiveServer,
) -> None:
    missed = await post(gateway, persisted(VIEWER, with_query=False))
    registered = await post(gateway, persisted(VIEWER, with_query=True))
    served = await post(gateway, persisted(VIEWER, with_query=False))

    assert missed.status_code == 200
    assert missed.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert registered.json()["data"]["viewer"]["id"] == "admin@test"
    assert served.json() == registered.json()


async def test_persisted_query_over_get_is_served(gateway: LiveServer) -> None:
    await post(gateway, persisted(VIEWER, with_query=True))
    extensions = persisted(VIEWER, with_query=False)["extensions"]
    token = gateway.token("admin")
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        response = await client.get(
            "/graphql",
            params={"extensions": orjson.dumps(extensions).decode()},
            headers={"Authorization": f"Bearer {token}"},
        )

    assert response.json()["data"]["viewer"]["id"] == "admin@test"


async def test_document_that_does_not_match_its_hash_is_refused(
    gateway: LiveServer,
) -> None:
    body = persisted(VIEWER, with_query=True) | {"query": "{ viewer { roles } }"}
    response = await post(gateway, body)

    assert response.status_code == 400
    code = response.json()["errors"][0]["extensions"]["code"]
    assert code == "PERSISTED_QUERY_HASH_MISMATCH"


@pytest.fixture
def trusted_gateway(seeded_url: str) -> Iterator[LiveServer]:
    """The gateway serving only the operations of schema/operations/."""
    settings = Settings(
        database_url=seeded_url, jwt_secret=SECRET, trusted_documents=OPERATIONS
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


async def test_trusted_mode_serves_a_listed_operation_by_hash(
    trusted_gateway: LiveServer,
) -> None:
    catalog = (OPERATIONS / "catalog.graphql").read_text()
    body = persisted(catalog, with_query=False) | {"operationName": "Viewer"}
    response = await post(trusted_gateway, body)

    assert response.json()["data"]["viewer"]["id"] == "admin@test"


async def test_trusted_mode_refuses_any_other_document(
    trusted_gateway: LiveServer,
) -> None:
    by_text = await post(trusted_gateway, {"query": VIEWER})
    by_hash = await post(trusted_gateway, persisted(VIEWER, with_query=True))

    for response in (by_text, by_hash):
        assert response.status_code == 400
        code = response.json()["errors"][0]["extensions"]["code"]
        assert code == "OPERATION_NOT_TRUSTED"


def test_every_operations_file_is_a_trusted_document() -> None:
    documents = trusted_documents(OPERATIONS)

    assert len(documents) == len(list(OPERATIONS.glob("*.graphql")))
    for key, text in documents.items():
        assert document_hash(text) == key


def test_trusted_documents_must_name_a_directory_of_operations(
    tmp_path: Path,
) -> None:
    (tmp_path / "notes.txt").write_text("not an operation")

    with pytest.raises(ValidationError, match=r"no \*\.graphql file"):
        Settings(trusted_documents=tmp_path)
