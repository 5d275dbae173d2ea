"""GraphQL over HTTP: the graphql-http audit suite and the status codes it checks."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import LiveServer
from viax.api.media import GRAPHQL_RESPONSE

AUDIT = Path(__file__).parents[2] / "federation" / "audit.mjs"


def test_every_graphql_http_audit_passes(gateway: LiveServer) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; install Node 20 or later")
    result = subprocess.run(
        [node, str(AUDIT), f"{gateway.url}/graphql"],
        env=os.environ | {"AUDIT_TOKEN": gateway.token("admin")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failed" in result.stdout


def client(gateway: LiveServer, accept: str) -> httpx.AsyncClient:
    token = gateway.token("admin")
    return httpx.AsyncClient(
        base_url=gateway.url,
        headers={"Authorization": f"Bearer {token}", "Accept": accept},
    )


async def test_parse_error_is_400_without_data_in_the_graphql_response_type(
    gateway: LiveServer,
) -> None:
    async with client(gateway, GRAPHQL_RESPONSE) as http:
        response = await http.post("/graphql", json={"query": "{ viewer {"})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in response.json()
    assert response.json()["errors"]


async def test_parse_error_is_200_with_null_data_in_plain_json(
    gateway: LiveServer,
) -> None:
    async with client(gateway, "application/json") as http:
        response = await http.post("/graphql", json={"query": "{ viewer {"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] is None


async def test_field_error_keeps_200_and_data_in_the_graphql_response_type(
    gateway: LiveServer,
) -> None:
    async with client(gateway, GRAPHQL_RESPONSE) as http:
        response = await http.post(
            "/graphql", json={"query": '{ viewer { id } motion(id: "bad") { id } }'}
        )

    assert response.status_code == 200
    assert response.json()["data"]["viewer"]["id"] == "admin@test"


async def test_query_over_get_is_served(gateway: LiveServer) -> None:
    async with client(gateway, GRAPHQL_RESPONSE) as http:
        response = await http.get("/graphql", params={"query": "{ viewer { id } }"})

    assert response.status_code == 200
    assert response.json()["data"]["viewer"]["id"] == "admin@test"


async def test_mutation_over_get_is_405_with_allow(gateway: LiveServer) -> None:
    mutation = 'mutation { createMotion(input: {accountId: "x"}) { __typename } }'
    async with client(gateway, GRAPHQL_RESPONSE) as http:
        response = await http.get("/graphql", params={"query": mutation})

    assert response.status_code == 405
    assert "POST" in response.headers["allow"]


async def test_post_without_content_type_is_a_client_error(
    gateway: LiveServer,
) -> None:
    async with client(gateway, GRAPHQL_RESPONSE) as http:
        response = await http.post(
            "/graphql", content=b'{"query": "{ viewer { id } }"}'
        )

    assert 400 <= response.status_code < 500
