"""viax behind a real federation gateway, next to the example CRM subgraph."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.test_cli import Server, environment, free_port

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[1]
FEDERATION = ROOT / "federation"
ACCOUNTS_SERVER = FEDERATION / "accounts" / "server.py"
START_TIMEOUT = 60

MOTIONS = """
{
  motions(first: 50) {
    edges {
      node {
        id
        partner { id }
        accountHealth
        account { id name crmOwner healthScore }
      }
    }
  }
}
"""


class Process:
    """A helper server process whose output goes to a file."""

    def __init__(self, name: str, workdir: Path, command: Sequence[str]) -> None:
        self.name = name
        self.log = workdir / f"{name}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_answering(self, url: str) -> None:
        """Poll `url` until it answers 2xx; fail if the process dies first."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited early:\n{self.output()}")
            try:
                if httpx.get(url, timeout=2).is_success:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"{self.name} did not answer in time:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text()[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def stop_all(processes: Sequence[Process | Server]) -> None:
    """Stop every process, the last started first."""
    for process in reversed(processes):
        if isinstance(process, Server):
            if process.process.poll() is None:
                process.process.kill()
                process.process.wait(timeout=5)
        else:
            process.stop()


class Federation:
    """viax, the accounts subgraph and the gateway, all on loopback."""

    def __init__(self, viax: Server, gateway_url: str) -> None:
        self.viax = viax
        self.gateway_url = gateway_url

    def query(self, url: str, document: str, token: str | None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{url}/graphql", json={"query": document}, headers=headers, timeout=30
        )
        body: dict[str, Any] = response.json()
        return body


# Started once for the module: the three servers take seconds to come up.
@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    started: list[Process | Server] = []
    try:
        yield start_federation(tmp_path_factory.mktemp("federation"), started)
    finally:
        stop_all(started)


def start_federation(tmp_path: Path, started: list[Process | Server]) -> Federation:
    """Start viax with demo data, the accounts subgraph and the gateway."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; install Node 20 or later")
    viax_port, accounts_port, gateway_port = free_port(), free_port(), free_port()
    env = environment(
        VIAX_DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}",
        VIAX_PORT=str(viax_port),
    )
    viax = Server(tmp_path, env, "--demo")
    started.append(viax)
    accounts = Process(
        "accounts",
        tmp_path,
        [sys.executable, str(ACCOUNTS_SERVER), "--port", str(accounts_port)],
    )
    started.append(accounts)
    supergraph = compose_supergraph(node, tmp_path, viax_port, accounts_port)
    serve = [node, str(FEDERATION / "gateway.mjs"), str(supergraph)]
    gateway = Process("gateway", tmp_path, [*serve, "--port", str(gateway_port)])
    started.append(gateway)
    viax.wait_ready()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    gateway.wait_answering(f"{gateway_url}/healthcheck")
    accounts.wait_answering(
        f"http://127.0.0.1:{accounts_port}/graphql?query=%7B__typename%7D"
    )
    return Federation(viax, gateway_url)


def compose_supergraph(node: str, workdir: Path, viax: int, accounts: int) -> Path:
    """Compose viax and the accounts subgraph with their loopback URLs."""
    result = subprocess.run(
        [
            node,
            str(FEDERATION / "compose.mjs"),
            *("--url", f"viax=http://127.0.0.1:{viax}/graphql"),
            *("--url", f"accounts=http://127.0.0.1:{accounts}/graphql"),
            f"viax={ROOT / 'schema' / 'schema.graphql'}",
            f"accounts={FEDERATION / 'accounts.graphql'}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    supergraph = workdir / "supergraph.graphql"
    supergraph.write_text(result.stdout)
    return supergraph


def nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in body, body["errors"]
    return [edge["node"] for edge in body["data"]["motions"]["edges"]]


def test_query_through_the_gateway_joins_viax_and_the_crm(
    federation: Federation,
) -> None:
    sales = federation.viax.tokens()["sales"]

    motions = nodes(federation.query(federation.gateway_url, MOTIONS, sales))

    assert motions
    for motion in motions:
        account = motion["account"]
        assert account["name"]
        assert account["crmOwner"].endswith("@crm")
        assert account["healthScore"] == motion["accountHealth"]


def test_partner_sees_through_the_gateway_only_what_viax_shows_it(
    federation: Federation,
) -> None:
    tokens = federation.viax.tokens()
    partner_id = federation.viax.viewer(tokens["partner"])["partnerId"]

    through_gateway = nodes(
        federation.query(federation.gateway_url, MOTIONS, tokens["partner"])
    )
    direct = nodes(
        federation.query(
            federation.viax.url,
            "{ motions(first: 50) { edges { node { id } } } }",
            tokens["partner"],
        )
    )
    everything = nodes(
        federation.query(federation.gateway_url, MOTIONS, tokens["sales"])
    )

    assert through_gateway
    assert {m["partner"]["id"] for m in through_gateway} == {partner_id}
    assert [m["id"] for m in through_gateway] == [m["id"] for m in direct]
    assert len(through_gateway) < len(everything)


def test_gateway_without_a_token_gets_viax_refusal(federation: Federation) -> None:
    body = federation.query(federation.gateway_url, MOTIONS, None)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
