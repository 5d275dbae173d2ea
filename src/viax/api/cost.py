"""The static cost of an operation: the objects it may return, at most."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    value_from_ast_untyped,
)

from viax.api.limits import refusal

DEFAULT_PAGE = 20
# Lists that are not connections (lines, steps, entitlements) are short in
# this domain; ten stands for a typical one.
LIST_WEIGHT = 10
MUTATION_WEIGHT = 10
INTROSPECTION_WEIGHT = 100
CONNECTION_SUFFIX = "Connection"


@dataclass(frozen=True, slots=True)
class _Walk:
    """What every step of one operation's walk consults."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    max_page_size: int


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    max_page_size: int,
) -> int:
    """The cost of the operation to run; pages past the maximum are refused."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    walk = _Walk(
        schema,
        {
            d.name.value: d
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)
        },
        {**_defaults(operation), **(variables or {})},
        max_page_size,
    )
    cost = _selection(walk, operation.selection_set, root, page=None)
    if operation.operation is OperationType.MUTATION:
        cost += MUTATION_WEIGHT * len(operation.selection_set.selections)
    return cost


def _operation(
    document: DocumentNode, name: str | None
) -> OperationDefinitionNode | None:
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    return {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }


def _selection(
    walk: _Walk,
    selection_set: SelectionSetNode | None,
    parent: GraphQLCompositeType,
    page: int | None,
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field(walk, selection, parent, page)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = parent if condition is None else _named(walk, condition.name.value)
            total += _selection(walk, selection.selection_set, target, page)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = walk.fragments[selection.name.value]
            target = _named(walk, fragment.type_condition.name.value)
            total += _selection(walk, fragment.selection_set, target, page)
    return total


def _named(walk: _Walk, name: str) -> GraphQLCompositeType:
    found = walk.schema.get_type(name)
    assert is_composite_type(found), "validation checked the type condition"
    return found


def _field(
    walk: _Walk, node: FieldNode, parent: GraphQLCompositeType, page: int | None
) -> int:
    name = node.name.value
    if name == "__typename":
        return 0
    if name.startswith("__"):
        return INTROSPECTION_WEIGHT
    if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return 0
    definition = parent.fields.get(name)
    if definition is None:
        return 0
    named = get_named_type(definition.type)
    if not is_composite_type(named):
        return 0
    inner_page = None
    if named.name.endswith(CONNECTION_SUFFIX):
        inner_page = _page(walk, node)
    children = _selection(walk, node.selection_set, named, inner_page)
    return _times(walk, node, definition.type, page) * (1 + children)


def _times(
    walk: _Walk, node: FieldNode, output: GraphQLOutputType, page: int | None
) -> int:
    if isinstance(output, GraphQLNonNull):
        output = output.of_type
    if not isinstance(output, GraphQLList):
        return 1
    if page is not None:
        return page
    ids = _argument(walk, node, "ids")
    return len(ids) if isinstance(ids, list) else LIST_WEIGHT


def _page(walk: _Walk, node: FieldNode) -> int:
    requested = _argument(walk, node, "first")
    if requested is None:
        requested = _argument(walk, node, "last")
    if requested is None:
        return DEFAULT_PAGE
    if not isinstance(requested, int) or not 0 <= requested <= walk.max_page_size:
        raise _page_refusal(walk.max_page_size)
    return requested


def _page_refusal(maximum: int) -> GraphQLError:
    return refusal(
        f"a page holds between 0 and {maximum} items", "INVALID_INPUT", limit=maximum
    )


def _argument(walk: _Walk, node: FieldNode, name: str) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            return _value(walk, argument.value)
    return None


def _value(walk: _Walk, value: ValueNode) -> Any:
    if isinstance(value, VariableNode):
        return walk.variables.get(value.name.value)
    if isinstance(value, ListValueNode):
        return [_value(walk, item) for item in value.values]
    return value_from_ast_untyped(value, dict(walk.variables))
