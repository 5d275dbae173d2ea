"""Unexpected errors: masked for the client, logged once with the request id."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pytest

from viax.api.schema import build_schema


@dataclass
class RolelessPrincipal:
    """Enough of a principal to be charged, too little to be shown."""

    subject: str = "ann"
    partner_id: None = None
    account_id: None = None


@dataclass
class BrokenContext:
    """A context whose principal makes the viewer resolver fail."""

    principal: RolelessPrincipal = field(default_factory=RolelessPrincipal)
    request_id: str = "req-1234"


async def test_unexpected_error_is_masked_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    result = await build_schema().execute(
        "{ viewer { id } }", context_value=BrokenContext()
    )

    assert result.errors is not None
    (error,) = result.errors
    assert error.message == "Unexpected error"
    assert error.extensions == {"code": "INTERNAL", "requestId": "req-1234"}
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1
    assert "req-1234" in tracebacks[0].getMessage()


async def test_expected_error_keeps_its_code() -> None:
    result = await build_schema().execute(
        '{ motions(after: "forged") { edges { cursor } } }',
        context_value=BrokenContext(),
    )

    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "INVALID_INPUT"
