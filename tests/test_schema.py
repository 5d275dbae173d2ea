"""The exported SDL is the contract: it must match the code."""

from __future__ import annotations

from pathlib import Path

from viax.api.schema import schema_sdl

EXPORTED = Path(__file__).parents[1] / "schema" / "schema.graphql"


def test_exported_schema_matches_the_code() -> None:
    assert EXPORTED.read_text() == schema_sdl(), "stale SDL: run `make schema`"


def test_schema_keeps_the_contract_names() -> None:
    sdl = schema_sdl()

    for name in (
        'type Motion implements Node @key(fields: "id")',
        "union TransitionResult",
        "availableActions: [ActionAvailability!]!",
        "motions(filter: MotionFilter = null, first: Int = null, "
        "after: String = null, last: Int = null, before: String = null)",
        "recordPayment(input: PaymentInput!): TransitionResult!",
    ):
        assert name in sdl
