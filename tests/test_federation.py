"""The exported schema composes with a neighbour subgraph under federation v2."""

import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from graphql import (
    ConstDirectiveNode,
    DocumentNode,
    EnumValueNode,
    ObjectTypeDefinitionNode,
    parse,
)

ROOT = Path(__file__).resolve().parents[1]
FEDERATION = ROOT / "federation"
COMPOSE = FEDERATION / "compose.mjs"
COMPOSITION_LIBRARY = (
    FEDERATION / "node_modules" / "@theguild" / "federation-composition"
)
VIAX_SDL = ROOT / "schema" / "schema.graphql"
ACCOUNTS_SDL = FEDERATION / "accounts.graphql"

MISSING_KEY_FIELD = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7",
                    import: ["@key"])
type Motion @key(fields: "uuid") {
  id: ID!
  riskRating: Int
}
"""

MISMATCHED_OWNED_FIELD = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7",
                    import: ["@key", "@shareable"])
type Account @key(fields: "id") {
  id: ID!
  currency: Int @shareable
}
"""


@pytest.fixture(scope="module")
def node() -> str:
    """The node executable, with the composition library installed."""
    executable = shutil.which("node")
    if executable is None:
        pytest.fail("node is not on PATH; install Node 20 or later")
    if not COMPOSITION_LIBRARY.is_dir():
        pytest.fail("federation/node_modules is missing; run `make test`")
    return executable


@pytest.fixture(scope="module")
def viax_sdl() -> Path:
    """The exported viax schema, which must exist for the check to mean much."""
    if not VIAX_SDL.is_file():
        pytest.fail("schema/schema.graphql is missing; run `make schema`")
    return VIAX_SDL


def compose(node: str, **subgraphs: Path) -> subprocess.CompletedProcess[str]:
    """Run the composition script on the named subgraph SDL files."""
    arguments = [f"{name}={path}" for name, path in subgraphs.items()]
    return subprocess.run(
        [node, str(COMPOSE), *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def field_owners(supergraph: DocumentNode, type_name: str) -> dict[str, set[str]]:
    """Map each field of a supergraph type to the graphs that resolve it."""
    for definition in supergraph.definitions:
        if (
            isinstance(definition, ObjectTypeDefinitionNode)
            and definition.name.value == type_name
        ):
            return {
                field.name.value: set(join_graphs(field.directives or ()))
                for field in definition.fields or ()
            }
    raise AssertionError(f"type {type_name} is not in the supergraph")


def join_graphs(directives: Iterable[ConstDirectiveNode]) -> Iterator[str]:
    """Yield the graph named by each @join__field directive."""
    for directive in directives:
        if directive.name.value != "join__field":
            continue
        for argument in directive.arguments or ():
            if argument.name.value == "graph" and isinstance(
                argument.value, EnumValueNode
            ):
                yield argument.value.value


def test_viax_and_accounts_compose_into_one_supergraph(
    node: str, viax_sdl: Path
) -> None:
    result = compose(node, viax=viax_sdl, accounts=ACCOUNTS_SDL)

    assert result.returncode == 0, result.stderr
    supergraph = parse(result.stdout)
    account = field_owners(supergraph, "Account")
    motion = field_owners(supergraph, "Motion")
    for field in ("name", "segment", "region", "currency"):
        assert account[field] == {"VIAX"}
    assert account["crmOwner"] == {"ACCOUNTS"}
    assert account["healthScore"] == {"ACCOUNTS"}
    assert motion["state"] == {"VIAX"}
    assert motion["accountHealth"] == {"ACCOUNTS"}


@pytest.mark.parametrize(
    ("sdl", "code"),
    [
        (MISSING_KEY_FIELD, "KEY_INVALID_FIELDS"),
        (MISMATCHED_OWNED_FIELD, "FIELD_TYPE_MISMATCH"),
    ],
    ids=["motion-keyed-by-missing-field", "account-currency-as-int"],
)
def test_conflicting_subgraph_fails_composition_with_its_error(
    node: str, viax_sdl: Path, tmp_path: Path, sdl: str, code: str
) -> None:
    conflicting = tmp_path / "conflicting.graphql"
    conflicting.write_text(sdl, encoding="utf-8")

    result = compose(node, viax=viax_sdl, conflicting=conflicting)

    assert result.returncode == 1
    assert result.stdout == ""
    assert f"[{code}]" in result.stderr
    assert "conflicting" in result.stderr


def test_accounts_sdl_is_what_the_example_subgraph_serves() -> None:
    served = subprocess.run(
        [sys.executable, str(FEDERATION / "accounts" / "server.py"), "--sdl"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    written = "".join(
        line
        for line in ACCOUNTS_SDL.read_text().splitlines(keepends=True)
        if not line.startswith("#")
    )

    assert written.strip() == served.strip()
