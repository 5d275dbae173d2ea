"""`viax model validate` and `viax model diagram`, called as the CLI runs them."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from viax.cli import main

MODELS = resources.files("viax.motion") / "models"
SHIPPED = (MODELS / "new_business.v1.toml").read_text(encoding="utf-8")


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["new_business.v1.toml", "renewal.v1.toml"])
def test_shipped_models_are_valid(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = written(tmp_path, (MODELS / name).read_text(encoding="utf-8"))

    assert main(["model", "validate", str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith(": valid")


def test_validate_reports_every_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = (
        SHIPPED.replace('guards = ["not_owner"]', 'guards = ["not_owner", "hunch"]')
        .replace('roles = ["fulfilment"]', 'roles = ["pirate"]')
        .replace('guards = ["quote_past_expiry"]', "guards = []")
        .replace('"CLOSED", "CANCELLED", "EXPIRED",\n]', '"CLOSED", "CANCELLED",\n]')
        .replace('terminal = ["CLOSED", "CANCELLED", "EXPIRED"]', "terminal = []")
        .replace(
            'from = ["QUOTED", "PENDING_APPROVAL"]\nto = ["EXPIRED"]',
            'from = ["QUOTED", "PENDING_APPROVAL"]\nto = ["CANCELLED"]',
        )
    )
    broken = broken.replace(
        '"FULFILLING", "FULFILLED", "INVOICED"',
        '"FULFILLING", "FULFILLED", "INVOICED", "EXPIRED"',
    )
    path = written(tmp_path, broken)

    status = main(["model", "validate", str(path)])

    problems = capsys.readouterr().err.splitlines()
    assert status == 1
    assert [p.split(": ", 1)[1] for p in problems] == [
        "action approve: unknown guard 'hunch'",
        "action fulfil: unknown role 'pirate'",
        "action expire: no guards",
        "state 'EXPIRED' is unreachable from 'DRAFT'",
    ]


def test_validate_names_a_file_that_is_not_toml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = written(tmp_path, "name = \n")

    assert main(["model", "validate", str(path)]) == 1
    assert "not valid TOML" in capsys.readouterr().err


def test_diagram_draws_every_transition_of_the_default_model(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["model", "diagram"]) == 0

    diagram = capsys.readouterr().out.splitlines()
    assert diagram[0] == "stateDiagram-v2"
    assert "    [*] --> DRAFT: start" in diagram
    assert "    PENDING_APPROVAL --> QUOTED: approve" in diagram
    assert "    INVOICED --> CLOSED: recordPayment" in diagram
    assert "    EXPIRED --> [*]" in diagram
    assert "    QUOTED --> QUOTED: migrate" in diagram
    assert "    DRAFT --> QUOTED: migrate" not in diagram


def test_the_readme_shows_the_default_model_as_drawn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["model", "diagram"]) == 0

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{capsys.readouterr().out}```" in readme


def test_diagram_without_a_renderer_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    status = main(["model", "diagram", "--svg", str(tmp_path / "model.svg")])

    err = capsys.readouterr().err
    assert status == 1
    assert "mmdc" in err and "dot" in err
    assert not (tmp_path / "model.svg").exists()


DOT = shutil.which("dot")


@pytest.mark.skipif(DOT is None, reason="Graphviz (dot) is not installed")
def test_diagram_renders_svg_with_graphviz_without_the_mermaid_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a PATH with Graphviz on it and no Mermaid CLI
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "dot").symlink_to(str(DOT))
    monkeypatch.setenv("PATH", str(tools))
    target = tmp_path / "model.svg"

    status = main(["model", "diagram", "--svg", str(target)])

    svg = target.read_text(encoding="utf-8")
    assert status == 0
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "new&#45;business v1 (NEW_BUSINESS)" in svg  # dot escapes the hyphen
    assert "acceptQuote" in svg and "recordPayment" in svg
