"""The compose file describes the scaled deployment and validates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SECRET = "a-deployment-secret-of-32-bytes-or-more"


def docker_compose(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Debian's docker-compose on the file; no Docker engine is needed."""
    executable = shutil.which("docker-compose")
    if executable is None:
        pytest.fail("docker-compose is not on PATH; `apt-get install docker-compose`")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VIAX_")}
    command = [executable, "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE)]
    return subprocess.run(
        [*command, *args],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    result = docker_compose("config", VIAX_JWT_SECRET=SECRET)
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config["services"]


def test_compose_file_validates() -> None:
    result = docker_compose("config", "-q", VIAX_JWT_SECRET=SECRET)

    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_a_jwt_secret() -> None:
    result = docker_compose("config", "-q")

    assert result.returncode != 0
    assert "VIAX_JWT_SECRET" in result.stderr


def test_two_replicas_on_postgres_checked_on_readyz(services: dict[str, Any]) -> None:
    gateway = services["gateway"]

    assert gateway["deploy"]["replicas"] == 2
    assert gateway["environment"]["VIAX_DATABASE_URL"].startswith("postgresql://")
    assert any("/readyz" in part for part in gateway["healthcheck"]["test"])
    assert gateway["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert "ports" not in gateway, "published replica ports would stop scaling"


def test_federation_gateway_fronts_the_replicas_and_the_subgraph(
    services: dict[str, Any],
) -> None:
    federation = services["federation"]

    assert federation["depends_on"]["gateway"]["condition"] == "service_healthy"
    assert federation["depends_on"]["accounts"]["condition"] == "service_healthy"
    assert federation["build"]["dockerfile"] == "federation/Dockerfile"
    assert federation["ports"] == ["127.0.0.1:4000:4000/tcp"]


def test_federation_image_routes_to_the_compose_services() -> None:
    dockerfile = (ROOT / "federation" / "Dockerfile").read_text()

    assert "viax=http://gateway:8000/graphql" in dockerfile
    assert "accounts=http://accounts:4001/graphql" in dockerfile
