"""Unexpected errors: masked for the client, logged once with the request id."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from viax.api.budget import CostLedger
from viax.api.errors import ErrorPolicy
from viax.api.limits import Limits
from viax.api.production import Exposure
from viax.api.schema import Extension, GatewaySchema, build_schema, gateway_extensions


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


PHASES = ("operation", "parse", "validate", "execute", "results")


class FailingExtension(SchemaExtension):
    """An extension with a bug in one phase of the request."""

    def __init__(self, phase: str) -> None:
        self.phase = phase

    def _fail(self, phase: str) -> None:
        if phase == self.phase:
            raise RuntimeError(f"secret detail of {phase}")

    def on_operation(self) -> Iterator[None]:
        self._fail("operation")
        yield

    def on_parse(self) -> Iterator[None]:
        self._fail("parse")
        yield

    def on_validate(self) -> Iterator[None]:
        self._fail("validate")
        yield

    def on_execute(self) -> Iterator[None]:
        self._fail("execute")
        yield

    def get_results(self) -> dict[str, Any]:
        self._fail("results")
        return {}


class FailingPolicy(ErrorPolicy):
    """The error policy with a bug of its own, met while masking."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        raise RuntimeError("secret detail of masking")


def _with(*extra: Extension, policy: Extension = ErrorPolicy) -> GatewaySchema:
    extensions = gateway_extensions(Limits(), Exposure(), CostLedger(1_000, 1.0))
    extensions[extensions.index(ErrorPolicy)] = policy
    return build_schema(extensions=[*extensions, *extra])


def _assert_masked_and_logged_once(
    errors: list[GraphQLError] | None, caplog: pytest.LogCaptureFixture
) -> None:
    assert errors is not None
    (error,) = errors
    assert (error.message, error.extensions) == (
        "Unexpected error",
        {"code": "INTERNAL", "requestId": "req-1234"},
    )
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1
    assert "secret detail" in str(tracebacks[0].exc_info)


@pytest.mark.parametrize("phase", PHASES)
async def test_a_failing_extension_is_masked_and_logged_once(
    phase: str, caplog: pytest.LogCaptureFixture
) -> None:
    schema = _with(lambda: FailingExtension(phase))

    result = await schema.execute("{ __typename }", context_value=BrokenContext())

    _assert_masked_and_logged_once(result.errors, caplog)


@pytest.mark.parametrize("phase", PHASES)
async def test_a_failing_extension_ends_a_subscription_masked(
    phase: str, caplog: pytest.LogCaptureFixture
) -> None:
    schema = _with(lambda: FailingExtension(phase))

    frames = await schema.subscribe(
        "subscription { motionEvents { sequence } }", context_value=BrokenContext()
    )
    first = await anext(frames)
    await frames.aclose()

    _assert_masked_and_logged_once(first.errors, caplog)


async def test_an_error_in_the_masking_itself_is_masked_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = _with(policy=FailingPolicy)

    result = await schema.execute("{ viewer { id } }", context_value=BrokenContext())

    _assert_masked_and_logged_once(result.errors, caplog)
