"""Bounds on a GraphQL document, checked while it is parsed and validated."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    parse,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from viax.settings import Settings

logger = logging.getLogger(__name__)

# graphql-core's own wording when `max_tokens` stops the parser.
_TOKENS_MESSAGE = "Document contains more than"


@dataclass(frozen=True, slots=True)
class Limits:
    """How large, deep and costly one request may be."""

    max_depth: int = 12
    max_aliases: int = 100
    max_tokens: int = 5_000
    max_body_bytes: int = 1_000_000
    max_list_items: int = 500
    max_page_size: int = 100
    max_query_cost: int = 100_000
    cost_budget: int = 1_000_000
    cost_refill_per_second: float = 10_000.0

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """The limits a deployment configured through its settings."""
        return cls(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            max_body_bytes=settings.max_body_bytes,
            max_list_items=settings.max_list_items,
            max_page_size=settings.max_page_size,
            max_query_cost=settings.max_query_cost,
            cost_budget=settings.cost_budget,
            cost_refill_per_second=settings.cost_refill_per_second,
        )


def refusal(message: str, code: str, **details: object) -> GraphQLError:
    """A request refused by a limit, with a stable code."""
    return GraphQLError(message, extensions={"code": code, **details})


class _Document:
    """Walks the selections of a document, following fragments once each."""

    def __init__(self, context: ValidationContext) -> None:
        self.fragments = {
            d.name.value: d
            for d in context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }

    def fields(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, frozenset[str]]]:
        """Every field directly selected, through fragments, with the path."""
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, seen
            elif isinstance(selection, InlineFragmentNode):
                yield from self.fields(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A cycle is reported by graphql's own rule; stop walking it.
                if fragment is not None and name not in seen:
                    yield from self.fields(fragment.selection_set, seen | {name})

    def depth(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str]
    ) -> int:
        """How many levels of fields below this selection, at most."""
        deepest = 0
        for field, path in self.fields(selection_set, seen):
            # Introspection is shaped by graphql itself and priced elsewhere.
            if field.name.value.startswith("__") or field.selection_set is None:
                deepest = max(deepest, 1)
                continue
            deepest = max(deepest, 1 + self.depth(field.selection_set, path))
        return deepest

    def aliases(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str]
    ) -> int:
        """How many aliased fields the selection holds, fragments included."""
        count = 0
        for field, path in self.fields(selection_set, seen):
            count += field.alias is not None
            count += self.aliases(field.selection_set, path)
        return count


# One class per bound, so that validated documents are cached by the same rules.
@functools.cache
def depth_rule(maximum: int) -> type[ValidationRule]:
    """A validation rule refusing operations nested deeper than `maximum`."""

    class QueryDepthRule(ValidationRule):
        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_: object
        ) -> None:
            depth = _Document(self.context).depth(node.selection_set, frozenset())
            if depth > maximum:
                self.report_error(
                    refusal(
                        f"the operation is {depth} levels deep; at most {maximum}",
                        "QUERY_TOO_DEEP",
                        limit=maximum,
                    )
                )

    return QueryDepthRule


@functools.cache
def alias_rule(maximum: int) -> type[ValidationRule]:
    """A validation rule refusing operations with more than `maximum` aliases."""

    class AliasCountRule(ValidationRule):
        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_: object
        ) -> None:
            count = _Document(self.context).aliases(node.selection_set, frozenset())
            if count > maximum:
                self.report_error(
                    refusal(
                        f"the operation has {count} aliases; at most {maximum}",
                        "TOO_MANY_ALIASES",
                        limit=maximum,
                    )
                )

    return AliasCountRule


# Shared by every request: documents are parsed once while they are hot.
# Only short texts are kept, so whitespace padding cannot fill the memory.
_cached_parse = functools.lru_cache(maxsize=512)(parse)
_CACHED_LENGTH = 20_000


def _parse(query: str, max_tokens: int) -> DocumentNode:
    if len(query) > _CACHED_LENGTH:
        return parse(query, max_tokens=max_tokens)
    return _cached_parse(query, max_tokens=max_tokens)


class DocumentLimits(SchemaExtension):
    """Parses within a token bound (cached) and adds the depth and alias rules.

    It parses itself, rather than leaving it to a parser cache, so that a
    refused document carries a code like every other refusal.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rules = (depth_rule(limits.max_depth), alias_rule(limits.max_aliases))

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = context.validation_rules + self.rules
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            try:
                context.graphql_document = _parse(
                    context.query, max_tokens=self.limits.max_tokens
                )
            except GraphQLSyntaxError as error:
                # Raised from this hook, the error would escape Strawberry's
                # own handling of parse errors (and end a WebSocket operation
                # without a word); as a refusal before validation it is
                # answered like any other request error, on every transport.
                context.pre_execution_errors = [self._refused(error)]
                context.graphql_document = _placeholder(context)
        yield

    def _refused(self, error: GraphQLSyntaxError) -> GraphQLError:
        limit = self.limits.max_tokens
        if _TOKENS_MESSAGE in error.message:
            # Not a syntax error of the client's: the document is too long.
            return refusal(
                f"the document has more than {limit} tokens",
                "TOO_MANY_TOKENS",
                limit=limit,
            )
        error.extensions = {"code": "BAD_REQUEST"}
        return error


def _placeholder(context: ExecutionContext) -> DocumentNode:
    """An empty operation of an allowed type, standing for a refused document."""
    allowed = {kind.value for kind in context.allowed_operations}
    kind = "query" if "query" in allowed else sorted(allowed)[0]
    name = context.operation_name
    return DocumentNode(
        definitions=(
            OperationDefinitionNode(
                operation=OperationType(kind),
                name=None if name is None else NameNode(value=name),
                variable_definitions=(),
                directives=(),
                selection_set=SelectionSetNode(
                    selections=(FieldNode(name=NameNode(value="__typename")),)
                ),
            ),
        )
    )


# Strawberry's validation adds its own rules (oneOf, Maybe) to the given ones.
_cached_validate = functools.lru_cache(maxsize=512)(validate_document)


class CachedValidation(SchemaExtension):
    """Validates each document once while it is hot, unless already refused.

    A refusal of an earlier phase stays the request's answer; later
    extensions (the cost) see the outcome in `pre_execution_errors`.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None:
            assert context.graphql_document is not None
            context.pre_execution_errors = _cached_validate(
                context.schema._schema,
                context.graphql_document,
                context.validation_rules,
            )
        yield
