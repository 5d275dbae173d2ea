"""Two gateway processes on one PostgreSQL database keep one motion."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PostgresSchemas
from tests.test_cli import Server, environment, free_port, viax
from viax.api.auth import mint_token
from viax.api.ids import encode_id
from viax.settings import Settings

pytestmark = pytest.mark.timeout(180)

SECRET = "a-replica-secret-of-32-bytes-or-more"
TRANSITIONS = (
    Path(__file__).parents[1] / "schema" / "operations" / "transitions.graphql"
).read_text()
MOTION = "query Motion($id: ID!) { motion(id: $id) { id state version } }"


@pytest.fixture
async def database_url(postgres_schemas: PostgresSchemas) -> str:
    """A fresh PostgreSQL schema of its own, not yet migrated."""
    await postgres_schemas.check()
    return await postgres_schemas.create()


@pytest.fixture
def replicas(database_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    """Two `viax serve` processes on the migrated and seeded database."""
    base = environment(VIAX_DATABASE_URL=database_url, VIAX_JWT_SECRET=SECRET)
    for command in (("migrate",), ("seed", "--motions", "0")):
        result = viax(*command, env=base, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    servers = [
        Server(tmp_path, base | {"VIAX_PORT": str(free_port())}) for _ in range(2)
    ]
    try:
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


def run(server: Server, operation: str, **variables: Any) -> dict[str, Any]:
    """Run one operation of transitions.graphql (or MOTION) as a sales user."""
    token = mint_token(Settings(jwt_secret=SECRET), roles=["sales"], subject="s@t")
    document = MOTION if operation == "Motion" else TRANSITIONS
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": document, "operationName": operation, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    (result,) = body["data"].values()
    assert isinstance(result, dict)
    return result


def configure(server: Server, motion_id: str, version: int) -> dict[str, Any]:
    line = {"productId": encode_id("Product", 1), "quantity": 3}
    return run(
        server,
        "ConfigureMotion",
        input={"motionId": motion_id, "expectedVersion": version, "lines": [line]},
    )


def test_transitions_through_both_replicas_keep_one_motion(
    replicas: list[Server],
) -> None:
    first, second = replicas
    started = run(
        first,
        "StartMotion",
        input={"accountId": encode_id("Account", 5), "channel": "DIRECT"},
    )["motion"]

    seen_by_second = run(second, "Motion", id=started["id"])
    changed = configure(second, started["id"], started["version"])
    stale = configure(first, started["id"], started["version"])

    assert seen_by_second == {k: started[k] for k in ("id", "state", "version")}
    assert changed["__typename"] == "TransitionApplied"
    assert stale == {
        "__typename": "VersionConflict",
        "expectedVersion": started["version"],
        "currentVersion": changed["motion"]["version"],
    }


def test_simultaneous_transitions_on_two_replicas_apply_once(
    replicas: list[Server],
) -> None:
    first, _ = replicas
    motion = run(
        first,
        "StartMotion",
        input={"accountId": encode_id("Account", 5), "channel": "DIRECT"},
    )["motion"]
    outcomes: list[dict[str, Any]] = []
    barrier = threading.Barrier(len(replicas))

    def race(server: Server) -> None:
        barrier.wait()
        outcomes.append(configure(server, motion["id"], motion["version"]))

    threads = [threading.Thread(target=race, args=(s,)) for s in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    kinds = sorted(outcome["__typename"] for outcome in outcomes)
    assert kinds == ["TransitionApplied", "VersionConflict"]
    versions = {run(s, "Motion", id=motion["id"])["version"] for s in replicas}
    assert versions == {motion["version"] + 1}


async def test_readyz_of_each_replica_reflects_the_database(
    replicas: list[Server], database_url: str
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        before = [await client.get(f"{s.url}/readyz") for s in replicas]
        schema = database_url.rsplit("search_path%3D", 1)[1]
        await PostgresSchemas()._execute(f'DROP SCHEMA "{schema}" CASCADE')
        after = [await client.get(f"{s.url}/readyz") for s in replicas]

    assert [r.status_code for r in before] == [200, 200]
    assert [r.status_code for r in after] == [503, 503]
    assert all(r.json()["status"] == "unavailable" for r in after)
