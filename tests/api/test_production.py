"""Production mode shows the schema to no one but the federation gateway."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import LiveServer
from viax.settings import Settings

CREDENTIAL = "router-credential-for-tests"


def _serve(url: str, **settings: Any) -> Iterator[LiveServer]:
    server = LiveServer(
        Settings(
            database_url=url, jwt_secret="a-test-secret-of-32-bytes-or-more", **settings
        )
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def production(seeded_url: str) -> Iterator[LiveServer]:
    yield from _serve(seeded_url, production=True, gateway_credential=CREDENTIAL)


@pytest.fixture
def open_production(seeded_url: str) -> Iterator[LiveServer]:
    yield from _serve(
        seeded_url,
        production=True,
        allow_introspection=True,
        gateway_credential=CREDENTIAL,
    )


async def _ask(
    gateway: LiveServer, query: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    token = gateway.token("admin")
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {token}", **(headers or {})},
        )
    body: dict[str, Any] = response.json()
    return body


async def test_introspection_is_refused_in_production(production: LiveServer) -> None:
    body = await _ask(production, "{ __schema { queryType { name } } }")

    assert body.get("data") is None
    assert "introspection" in body["errors"][0]["message"].lower()


async def test_introspection_can_be_allowed_in_production(
    open_production: LiveServer,
) -> None:
    body = await _ask(open_production, "{ __schema { queryType { name } } }")

    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_suggestions_are_left_out_in_production(production: LiveServer) -> None:
    body = await _ask(production, "{ viewr { id } }")

    (error,) = body["errors"]
    assert "viewr" in error["message"]
    assert "did you mean" not in error["message"].lower()


async def test_suggestions_help_in_development(gateway: LiveServer) -> None:
    body = await _ask(gateway, "{ viewr { id } }")

    assert "did you mean" in body["errors"][0]["message"].lower()


async def test_service_needs_the_gateway_credential(production: LiveServer) -> None:
    query = "{ _service { sdl } }"

    anyone = await _ask(production, query)
    forged = await _ask(production, query, {"Viax-Gateway-Credential": "guess"})
    router = await _ask(production, query, {"Viax-Gateway-Credential": CREDENTIAL})

    assert anyone["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert forged["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "type Motion" in router["data"]["_service"]["sdl"]


async def test_graphiql_is_not_served_in_production(production: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=production.url) as client:
        response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 401
    assert "graphiql" not in response.text.lower()
