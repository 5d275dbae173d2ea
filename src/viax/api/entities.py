"""The federation `_entities` field: ordered, capped, null when not resolvable."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.federation.schema import FederationAny
from strawberry.types.info import Info

logger = logging.getLogger(__name__)

# A router batches one subgraph fetch per query plan step; a page of motions
# is at most 100, so more representations than this is abuse, not a plan.
MAX_REPRESENTATIONS = 250


class EntitySchema(strawberry.federation.Schema):
    """The federation schema whose `_entities` never fails for one bad item."""

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """One result per representation, in order; null if it is not found."""
        if len(representations) > MAX_REPRESENTATIONS:
            raise GraphQLError(
                f"at most {MAX_REPRESENTATIONS} representations per request",
                extensions={"code": "TOO_MANY_REPRESENTATIONS"},
            )
        return [self._resolve(info, item) for item in representations]

    def _resolve(self, info: Info, representation: object) -> Any:
        if not isinstance(representation, Mapping):
            return None
        fields = dict(representation)
        type_name = str(fields.pop("__typename", ""))
        type_ = self.schema_converter.type_map.get(type_name)
        origin = getattr(getattr(type_, "definition", None), "origin", None)
        resolve_reference = getattr(origin, "resolve_reference", None)
        if resolve_reference is None or set(fields) != {"id"}:
            # Unknown types and foreign key shapes resolve to null, as
            # unknown ids do, so one stale reference cannot fail a plan.
            logger.debug("unresolvable representation of %s", type_name)
            return None
        return resolve_reference(id=str(fields["id"]), info=info)
