"""The HTTP surface: authentication, health and readiness."""

from __future__ import annotations

import httpx

from tests.api.conftest import LiveServer


async def test_request_without_token_is_refused_with_401(gateway: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        response = await client.post("/graphql", json={"query": "{ viewer { id } }"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_token_signed_with_another_secret_is_refused(gateway: LiveServer) -> None:
    from viax.api.auth import mint_token
    from viax.settings import Settings

    forged = mint_token(
        Settings(jwt_secret="someone-else-entirely-with-a-key-long-enough"),
        roles=["admin"],
        subject="mallory",
    )
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ viewer { id } }"},
            headers={"Authorization": f"Bearer {forged}"},
        )

    assert response.status_code == 401
    assert "signature" in response.json()["errors"][0]["message"].lower()


async def test_graphiql_page_loads_without_a_token(gateway: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_health_and_readiness_answer_without_a_token(
    gateway: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")

    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


async def test_viewer_is_the_principal_of_the_token(gateway: LiveServer) -> None:
    token = gateway.token("partner", "ann@partner", partner_id=2)
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ viewer { id roles partnerId accountId } }"},
            headers={"Authorization": f"Bearer {token}"},
        )

    viewer = response.json()["data"]["viewer"]
    assert viewer["id"] == "ann@partner"
    assert viewer["roles"] == ["partner"]
    assert viewer["partnerId"] is not None
    assert viewer["accountId"] is None
