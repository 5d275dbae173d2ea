"""The `viax` command line as a user runs it: real processes, real server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import jwt
import pytest

from viax.api.ids import encode_id
from viax.settings import DEVELOPMENT_SECRET

pytestmark = pytest.mark.timeout(120)

REPO = Path(__file__).parents[1]
VIAX = (sys.executable, "-m", "viax.cli")
DEMO_ROLES = (
    "sales",
    "deal_desk",
    "finance",
    "partner",
    "customer",
    "fulfilment",
    "erp",
    "admin",
)
VIEWER = "{ viewer { id roles partnerId accountId } }"
COMMAND_TIMEOUT = 60
START_TIMEOUT = 60


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(**settings: str) -> dict[str, str]:
    """This process's environment without any VIAX_* variable, plus `settings`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VIAX_")}
    return clean | settings


def viax(
    *args: str, env: Mapping[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run one short `viax` command to its end."""
    return subprocess.run(
        [*VIAX, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


class Server:
    """A `viax serve` process writing its output to files in `workdir`."""

    def __init__(self, workdir: Path, env: Mapping[str, str], *args: str) -> None:
        self.url = f"http://127.0.0.1:{env['VIAX_PORT']}"
        self.out = workdir / f"serve-{time.monotonic_ns()}.out"
        self.err = self.out.with_suffix(".err")
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [*VIAX, "serve", *args], env=env, cwd=workdir, stdout=out, stderr=err
            )

    def wait_ready(self) -> None:
        """Poll /readyz until it answers 200; fail if the process dies first."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"viax serve exited early:\n{self.stderr()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"viax serve was not ready in time:\n{self.stderr()[-2000:]}")

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Signal the process and wait for it; kill it if it hangs."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signum)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
            raise

    def stopped_cleanly(self) -> bool:
        """The lifespan shut down (the engine was disposed), with no traceback."""
        log = self.stderr()
        return "Application shutdown complete" in log and "Traceback" not in log

    def stdout(self) -> str:
        return self.out.read_text()

    def stderr(self) -> str:
        return self.err.read_text()

    def tokens(self) -> dict[str, str]:
        """The demo tokens printed as `  role TOKEN` lines."""
        lines = (line.split() for line in self.stdout().splitlines())
        return {p[0]: p[1] for p in lines if len(p) == 2 and p[0] in DEMO_ROLES}

    def viewer(self, token: str) -> dict[str, object]:
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": VIEWER},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        viewer: dict[str, object] = response.json()["data"]["viewer"]
        return viewer


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Servers a test starts; any still running afterwards are killed."""
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=5)


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    """Settings for a fresh SQLite file and a free port."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    return environment(VIAX_DATABASE_URL=url, VIAX_PORT=str(free_port()))


def test_serve_demo_seeds_once_prints_tokens_and_serves(
    tmp_path: Path, sqlite_env: dict[str, str], servers: list[Server]
) -> None:
    first = Server(tmp_path, sqlite_env, "--demo")
    servers.append(first)
    first.wait_ready()
    tokens = first.tokens()

    assert sorted(tokens) == sorted(DEMO_ROLES)
    assert f"GraphiQL: {first.url}/graphql" in first.stdout()
    assert "seeded 8 products and 40 motions" in first.stdout()
    assert first.viewer(tokens["sales"])["roles"] == ["sales"]
    assert first.viewer(tokens["partner"])["partnerId"] is not None
    assert first.viewer(tokens["customer"])["accountId"] is not None
    # Uvicorn re-raises the signal once shut down, as supervisors expect.
    assert first.stop(signal.SIGTERM) == -signal.SIGTERM
    assert first.stopped_cleanly()

    second = Server(tmp_path, sqlite_env, "--demo")
    servers.append(second)
    second.wait_ready()

    assert "already seeded" in second.stdout()
    assert second.viewer(second.tokens()["admin"])["roles"] == ["admin"]
    # Ctrl-C: uvicorn.run swallows the KeyboardInterrupt once shut down.
    assert second.stop(signal.SIGINT) == 0
    assert second.stopped_cleanly()


def test_serve_refuses_an_unmigrated_database_until_migrate(
    tmp_path: Path, sqlite_env: dict[str, str], servers: list[Server]
) -> None:
    refused = viax("serve", env=sqlite_env, cwd=tmp_path)

    assert refused.returncode != 0
    assert "run `viax migrate`" in refused.stderr
    assert "WARNING" in refused.stderr and "VIAX_JWT_SECRET" in refused.stderr

    assert viax("migrate", env=sqlite_env, cwd=tmp_path).returncode == 0
    secret = {"VIAX_JWT_SECRET": "a-test-secret-of-at-least-32-characters"}
    server = Server(tmp_path, sqlite_env | secret)
    servers.append(server)
    server.wait_ready()

    server.stop()
    assert server.stopped_cleanly()
    assert "development JWT secret" not in server.stderr()


def test_seed_loads_once_and_refuses_a_negative_count(
    tmp_path: Path, sqlite_env: dict[str, str]
) -> None:
    assert viax("migrate", env=sqlite_env, cwd=tmp_path).returncode == 0

    first = viax("seed", "--motions", "5", env=sqlite_env, cwd=tmp_path)
    again = viax("seed", env=sqlite_env, cwd=tmp_path)
    negative = viax("seed", "--motions", "-1", env=sqlite_env, cwd=tmp_path)

    assert (first.returncode, first.stdout) == (
        0,
        "seeded 8 products and 5 motions, and a customer journey of 4 linked motions\n",
    )
    assert (again.returncode, again.stdout) == (0, "already seeded: nothing done\n")
    assert negative.returncode != 0
    assert "--motions must not be negative" in negative.stderr


def test_seed_on_an_unmigrated_database_asks_for_migrate(
    tmp_path: Path, sqlite_env: dict[str, str]
) -> None:
    result = viax("seed", env=sqlite_env, cwd=tmp_path)

    assert result.returncode != 0
    assert "run `viax migrate`" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_prints_the_sdl_and_checks_the_exported_file(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "schema.graphql").write_text("type Stale { id: ID }\n")
    env = environment()

    printed = viax("schema", env=env, cwd=tmp_path)
    in_repo = viax("schema", "--check", env=env, cwd=REPO)
    stale = viax("schema", "--check", env=env, cwd=tmp_path)

    assert printed.returncode == 0 and "type Motion" in printed.stdout
    assert in_repo.returncode == 0
    assert stale.returncode == 1 and "stale" in stale.stderr


def decode(token: str) -> dict[str, object]:
    """The claims of a token signed with the development secret."""
    claims: dict[str, object] = jwt.decode(
        token, DEVELOPMENT_SECRET, algorithms=["HS256"], audience="viax", issuer="viax"
    )
    return claims


def test_token_prints_only_a_jwt_with_the_documented_claims(tmp_path: Path) -> None:
    result = viax("token", "--role", "sales", env=environment(), cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout.count("\n") == 1
    claims = decode(result.stdout.strip())
    assert {"sub", "roles", "iss", "aud", "exp"} <= claims.keys()
    assert claims["roles"] == ["sales"]


def test_token_takes_several_roles(tmp_path: Path) -> None:
    env = environment()
    result = viax("token", "--role", "sales,finance", env=env, cwd=tmp_path)

    assert result.returncode == 0
    assert decode(result.stdout.strip())["roles"] == ["finance", "sales"]


def test_token_carries_the_partner_id(tmp_path: Path) -> None:
    partner = encode_id("Partner", 2)
    env = environment()
    args = ("token", "--role", "partner", "--partner", partner)
    result = viax(*args, env=env, cwd=tmp_path)

    assert result.returncode == 0
    assert decode(result.stdout.strip())["partner_id"] == partner


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--role", "bogus"), "roles must be among"),
        (("--role", "partner", "--partner", "not-an-id"), "--partner must be"),
        (("--role", "sales", "--ttl", "0"), "--ttl must be a positive"),
    ],
    ids=["unknown-role", "malformed-partner", "zero-ttl"],
)
def test_token_refuses_bad_options_on_stderr(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = viax("token", *args, env=environment(), cwd=tmp_path)

    assert result.returncode != 0
    assert result.stdout == ""
    assert message in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "command", "message"),
    [
        ("VIAX_PORT", "abc", "serve", "VIAX_PORT"),
        ("VIAX_DATABASE_URL", "mysql://x", "serve", "VIAX_DATABASE_URL"),
        (
            "VIAX_DATABASE_URL",
            "sqlite:////no/such/directory/viax.db",
            "migrate",
            "cannot open the database",
        ),
    ],
    ids=["port-not-a-number", "unsupported-database", "unreachable-database"],
)
def test_bad_setting_fails_with_a_plain_message(
    tmp_path: Path, variable: str, value: str, command: str, message: str
) -> None:
    result = viax(command, env=environment(**{variable: value}), cwd=tmp_path)

    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_invalid_deployment_models_naming_every_problem(
    tmp_path: Path, sqlite_env: dict[str, str]
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    shipped = REPO / "src" / "viax" / "motion" / "models" / "new_business.v1.toml"
    (models / "copy.toml").write_text(shipped.read_text(encoding="utf-8"))
    (models / "broken.toml").write_text('name = "x"\n')
    env = sqlite_env | {"VIAX_MODEL_DIR": str(models)}
    assert viax("migrate", env=env, cwd=tmp_path).returncode == 0

    result = viax("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "broken.toml: version: Field required" in result.stderr
    assert "copy.toml: model new-business v1 is already loaded" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_model_dir_that_is_not_a_directory_is_a_bad_setting(
    tmp_path: Path, sqlite_env: dict[str, str]
) -> None:
    env = sqlite_env | {"VIAX_MODEL_DIR": str(tmp_path / "absent")}

    result = viax("seed", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "VIAX_MODEL_DIR" in result.stderr and "is not a directory" in result.stderr
