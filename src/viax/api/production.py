"""Production mode: no introspection, no suggestions, `_service` for the router.

Introspection and "did you mean" hints help a developer explore the schema;
on a public gateway they map it for anyone. The federation router reads the
SDL through `_service` and proves itself with the gateway credential.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    ValidationRule,
    Visitor,
    visit,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from viax.api.limits import refusal
from viax.settings import Settings

GATEWAY_HEADER = b"viax-gateway-credential"
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


@dataclass(frozen=True, slots=True)
class Exposure:
    """What the schema shows of itself, from the settings."""

    introspection: bool = True
    suggestions: bool = True
    service_needs_credential: bool = False

    @classmethod
    def of(cls, settings: Settings) -> Exposure:
        """Everything shown in development; production shows what it allows."""
        if not settings.production:
            return cls()
        return cls(
            introspection=settings.allow_introspection,
            suggestions=False,
            service_needs_credential=True,
        )


def is_gateway(presented: bytes | None, settings: Settings) -> bool:
    """Whether a request carries the configured gateway credential."""
    expected = settings.gateway_credential
    if presented is None or not expected:
        return False
    return hmac.compare_digest(presented, expected.encode())


class _ServiceFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value == "_service":
            self.found = True


def asks_for_service(document: DocumentNode) -> bool:
    """Whether any selection of the document reads `_service`."""
    finder = _ServiceFinder()
    visit(document, finder)
    return finder.found


class SchemaExposure(SchemaExtension):
    """Applies the exposure: rules, masked hints and the `_service` check."""

    def __init__(self, exposure: Exposure) -> None:
        self.exposure = exposure
        rules: tuple[type[ValidationRule], ...] = ()
        if not exposure.introspection:
            rules = (NoSchemaIntrospectionCustomRule,)
        self.rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = context.validation_rules + self.rules
        yield
        if not self.exposure.suggestions:
            for error in getattr(context.result, "errors", None) or ():
                _drop_suggestion(error)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # The text test is cheap and spares almost every request the walk.
        if (
            not context.pre_execution_errors
            and self.exposure.service_needs_credential
            and "_service" in (context.query or "")
            and document is not None
            and asks_for_service(document)
            and not getattr(context.context, "trusted_gateway", False)
        ):
            context.pre_execution_errors = [
                refusal("_service is for the federation gateway", "FORBIDDEN")
            ]
        yield


def _drop_suggestion(error: GraphQLError) -> None:
    error.message = _SUGGESTION.sub("", error.message)
    error.args = (error.message, *error.args[1:])
