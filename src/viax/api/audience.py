"""Field audiences: who may read a field, declared once where it is defined.

A field outside the viewer's audience reads as null, on every path that
reaches it (nested, through `node`, or through federation's `_entities`),
because the check sits in the field's own resolver. Only the few restricted
fields pay for it; every other field keeps graphql's default resolver.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType, GraphQLSchema

from viax.api.context import Info
from viax.motion.scope import is_internal
from viax.motion.snapshot import Principal

AUDIENCE = "viax.audience"


class Audience(enum.StrEnum):
    """Who may read a restricted field."""

    INTERNAL = "internal"
    PARTNER = "partner"

    def admits(self, principal: Principal) -> bool:
        """Whether the principal is in this audience."""
        if is_internal(principal):
            return True
        return self is Audience.PARTNER and "partner" in principal.roles

    @property
    def readers(self) -> str:
        """The audience in words, for the schema description."""
        if self is Audience.INTERNAL:
            return "internal roles"
        return "internal roles and partners"


def _described(audience: Audience, description: str) -> str:
    return f"{description} Audience: {audience.readers}; null for anyone else."


def restricted(audience: Audience, description: str, attribute: str) -> Any:
    """A field reading `attribute` of its object, for `audience` only."""

    def resolve(root: Any, info: Info) -> Any:
        if not audience.admits(info.context.principal):
            return None
        return getattr(root, attribute)

    return strawberry.field(
        resolver=resolve,
        description=_described(audience, description),
        metadata={AUDIENCE: audience},
    )


def restricted_resolver(
    audience: Audience,
    description: str,
    compute: Callable[[Any, Info], Awaitable[Any]],
) -> Any:
    """A computed field for `audience` only; others never run `compute`."""

    async def resolve(root: Any, info: Info) -> Any:
        if not audience.admits(info.context.principal):
            return None
        return await compute(root, info)

    return strawberry.field(
        resolver=resolve,
        description=_described(audience, description),
        metadata={AUDIENCE: audience},
    )


def declared_audiences(schema: GraphQLSchema) -> dict[str, Audience]:
    """Every restricted field of the schema, as `Type.field`, with its audience."""
    found: dict[str, Audience] = {}
    for type_name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            audience = getattr(definition, "metadata", {}).get(AUDIENCE)
            if audience is not None:
                found[f"{type_name}.{field_name}"] = audience
    return found
