"""What a query selects below a field, read from the request's document: which relations
to prefetch and which columns to read for them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from strawberry.types.nodes import SelectedField

from invoicegraph.schema.context import Info


def _fields(selections: Iterable[Any]) -> Iterator[SelectedField]:
    """The fields of a selection set, fragments (named or inline) flattened into it. Fields
    under ``@skip``/``@include`` count as selected: reading a column too many is harmless."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(getattr(selection, "selections", ()))


def selected_names(info: Info, *path: str) -> set[str] | None:
    """The GraphQL names selected below ``path`` (relative to the current field), over every
    place the path occurs; None when the path is not selected at all."""
    nodes: list[SelectedField] = list(_fields(info.selected_fields))
    for name in path:
        nodes = [
            child for node in nodes for child in _fields(node.selections) if child.name == name
        ]
        if not nodes:
            return None
    return {child.name for node in nodes for child in _fields(node.selections)}


def selected_below_nodes(info: Info, *path: str) -> set[str] | None:
    """``selected_names`` below a connection's nodes, reached as ``edges.node`` or ``nodes``."""
    found = [
        names
        for prefix in (("edges", "node"), ("nodes",))
        if (names := selected_names(info, *prefix, *path)) is not None
    ]
    return set().union(*found) if found else None
