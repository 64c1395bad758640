"""Bounds on the length of every list in every input, checked before anything is coerced.

graphql-core coerces a variable in full before any resolver runs: 10^5 empty ``LineInput``
objects cost seconds of CPU, to be refused afterwards by a service. So each list position of
the schema (an input field or an argument) has a maximum number of items — declared with
``bounded`` (which also writes it into the SDL description), else ``DEFAULT_MAX_ITEMS`` — and
it is enforced on the request as sent:

- list literals in the query, by the validation rule ``ListBoundsRule`` (cached with the rest
  of validation);
- variables, by ``variable_errors`` on the raw JSON values, walking them along their declared
  types and stopping at the first list over its bound, before graphql-core coerces them.

Both answer ``BAD_USER_INPUT`` naming the position (``input.lines``, ``$lines``).
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    ListValueNode,
    ObjectFieldNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    ValidationRule,
    VariableNode,
    Visitor,
    get_named_type,
    type_from_ast,
    visit,
)
from strawberry import UNSET
from strawberry.schema.schema_converter import GraphQLCoreConverter

from invoicegraph.schema.error_codes import BAD_USER_INPUT

DEFAULT_MAX_ITEMS = 100
"""Items a list input may hold when its position declares no other bound."""

_BOUND = "max_items"


REQUIRED: Any = object()
"""``bounded``'s default for a list that must be sent."""


def bounded(max_items: int, description: str, default: Any = UNSET) -> Any:
    """An input field holding a list of at most ``max_items`` items: the bound, and a
    description that states it."""
    text = f"{description} At most {max_items} items."
    if default is REQUIRED:
        return strawberry.field(description=text, metadata={_BOUND: max_items})
    return strawberry.field(default=default, description=text, metadata={_BOUND: max_items})


def bounded_argument(max_items: int, description: str) -> Any:
    """``strawberry.argument`` of a list argument of at most ``max_items`` items."""
    return strawberry.argument(
        description=f"{description} At most {max_items} items.", metadata={_BOUND: max_items}
    )


def bound_of(position: Any) -> int:
    """The bound of an input field or argument (graphql-core objects)."""
    definition = (getattr(position, "extensions", None) or {}).get(
        GraphQLCoreConverter.DEFINITION_BACKREF
    )
    metadata = getattr(definition, "metadata", None) or {}
    bound = metadata.get(_BOUND)
    return bound if isinstance(bound, int) else DEFAULT_MAX_ITEMS


def _too_many(path: str, bound: int, sent: int) -> GraphQLError:
    return GraphQLError(
        f"{path}: at most {bound} items ({sent} sent)",
        extensions={"code": BAD_USER_INPUT, "argument": path},
    )


class _Positions:
    """The argument and input fields being visited: their names and the innermost bound."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.bounds: list[int] = []

    def enter_argument(self, node: ArgumentNode, argument: Any) -> None:
        self.names.append(node.name.value)
        self.bounds.append(bound_of(argument) if argument is not None else DEFAULT_MAX_ITEMS)

    def enter_object_field(self, node: ObjectFieldNode, parent: Any) -> None:
        named = get_named_type(parent) if parent is not None else None
        field = (
            named.fields.get(node.name.value) if isinstance(named, GraphQLInputObjectType) else None
        )
        self.names.append(node.name.value)
        self.bounds.append(bound_of(field) if field is not None else DEFAULT_MAX_ITEMS)

    def leave(self) -> None:
        self.names.pop()
        self.bounds.pop()

    @property
    def path(self) -> str:
        return ".".join(self.names)


class ListBoundsRule(ValidationRule):
    """List literals hold at most their position's bound."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.positions = _Positions()

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.positions.enter_argument(node, self.context.get_argument())

    def leave_argument(self, *_args: Any) -> None:
        self.positions.leave()

    def enter_object_field(self, node: ObjectFieldNode, *_args: Any) -> None:
        self.positions.enter_object_field(node, self.context.get_parent_input_type())

    def leave_object_field(self, *_args: Any) -> None:
        self.positions.leave()

    def enter_list_value(self, node: ListValueNode, *_args: Any) -> None:
        if not self.positions.bounds:
            return
        bound = self.positions.bounds[-1]
        if len(node.values) > bound:
            self.report_error(_too_many(self.positions.path, bound, len(node.values)))


class _VariableUsages(Visitor):
    """The bound of the positions each variable is used in (the smallest, if several)."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.positions = _Positions()
        self.bounds: dict[str, int] = {}

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.positions.enter_argument(node, self.type_info.get_argument())

    def leave_argument(self, *_args: Any) -> None:
        self.positions.leave()

    def enter_object_field(self, node: ObjectFieldNode, *_args: Any) -> None:
        self.positions.enter_object_field(node, self.type_info.get_parent_input_type())

    def leave_object_field(self, *_args: Any) -> None:
        self.positions.leave()

    def enter_variable(self, node: VariableNode, *_args: Any) -> None:
        if self.positions.bounds:
            name = node.name.value
            bound = self.positions.bounds[-1]
            self.bounds[name] = min(bound, self.bounds.get(name, bound))


_USAGES: dict[tuple[int, int], tuple[DocumentNode, dict[str, int]]] = {}


def _usage_bounds(schema: GraphQLSchema, document: DocumentNode) -> dict[str, int]:
    key = (id(schema), id(document))
    cached = _USAGES.get(key)
    if cached is not None and cached[0] is document:
        return cached[1]
    type_info = TypeInfo(schema)
    usages = _VariableUsages(type_info)
    visit(document, TypeInfoVisitor(type_info, usages))
    if len(_USAGES) >= 1024:
        _USAGES.clear()
    _USAGES[key] = (document, usages.bounds)  # the document is kept: its id is not reused
    return usages.bounds


def _walk(value: Any, type_: Any, bound: int, path: str) -> GraphQLError | None:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        if not isinstance(value, list):
            return _walk(value, type_.of_type, DEFAULT_MAX_ITEMS, path)
        if len(value) > bound:
            return _too_many(path, bound, len(value))
        for index, item in enumerate(value):
            error = _walk(item, type_.of_type, DEFAULT_MAX_ITEMS, f"{path}.{index}")
            if error is not None:
                return error
        return None
    if isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        for name, field in type_.fields.items():
            if name in value:
                error = _walk(value[name], field.type, bound_of(field), f"{path}.{name}")
                if error is not None:
                    return error
    return None


def variable_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> list[GraphQLError]:
    """The first list over its bound in the raw variables of the operation to run."""
    if not variables or not isinstance(variables, dict):
        return []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return []  # graphql-core reports the missing or ambiguous operation
    usage_bounds: dict[str, int] | None = None
    for definition in operations[0].variable_definitions or ():
        name = definition.variable.name.value
        if name not in variables:
            continue
        type_ = type_from_ast(schema, definition.type)  # type: ignore[arg-type]
        if type_ is None:
            continue
        if usage_bounds is None:
            usage_bounds = _usage_bounds(schema, document)
        bound = usage_bounds.get(name, DEFAULT_MAX_ITEMS)
        error = _walk(variables[name], type_, bound, f"${name}")
        if error is not None:
            return [error]
    return []
