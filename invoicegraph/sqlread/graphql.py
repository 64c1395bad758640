"""GraphQL invoice connections answered with JSON the database writes, compiled from the
request's selection.

Strawberry keeps the schema, parsing and validation. The ``invoices`` resolver asks
``invoice_shape`` whether the selection below the connection's nodes is one this compiler
covers: plain fields of ``Invoice``, its ``client`` and its ``lines`` with their ``taxes``, with
aliases and fragments on those types, no directives. When it is, the page is one statement
whose rows are the nodes' JSON (``sqlread.page``); the connection around them (edges, cursors,
page info, total) is assembled from the page, and the resolver returns it as ``Prebuilt``,
which the execution context (``schema.execution``) puts into the answer as it is, with no
completion per field. Anything else (another field, a directive, a fragment on an interface)
answers through the general path, unchanged.

Values are written as the schema's scalars serialise them: ``Decimal`` as a string with at
least two decimals (``schema.scalars.serialize_decimal``), dates and times ISO 8601, enums by
their GraphQL names, ids as Relay global ids (``base64("Invoice:<uuid>")``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    InlineFragmentNode,
    SelectionSetNode,
)
from sqlalchemy import BigInteger, Boolean, Date, Integer, String, Text, Uuid
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from invoicegraph.db.models import Client, Invoice, InvoiceLine, InvoiceLineTax
from invoicegraph.db.types import ExactDecimal, UTCDateTime
from invoicegraph.sqlread.documents import Compiler, Flavour
from invoicegraph.sqlread.jsontext import JsonSql, sql_text

# a selection: (response key, field name, sub-selection or None for a leaf), in answer order
Shape = tuple[tuple[str, str, "Shape | None"], ...]


@dataclass(frozen=True, slots=True)
class Prebuilt:
    """A field's complete answer, already JSON: the execution context returns it as it is."""

    value: Any


TABLES = {
    "Invoice": Invoice.__table__,
    "Client": Client.__table__,
    "InvoiceLine": InvoiceLine.__table__,
    "LineTax": InvoiceLineTax.__table__,
}
ALIASES = {
    "Invoice": "invoices",
    "Client": "gq_client",
    "InvoiceLine": "gq_line",
    "LineTax": "gq_tax",
}
# fields with a resolver of their own that the compiler writes
SPECIAL = {
    "Invoice": {"id", "legacyId", "kind", "isPaid", "client", "lines"},
    "Client": {"id", "legacyId"},
    "InvoiceLine": {"taxes"},
    "LineTax": set(),
}


def _named(type_: GraphQLOutputType) -> GraphQLOutputType:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


# ── which selections are covered ───────────────────────────────────────────────────────────


def _collect(
    selection_set: SelectionSetNode | None,
    type_name: str,
    fragments: dict[str, Any],
    out: list[tuple[str, FieldNode]],
) -> bool:
    if selection_set is None:
        return False
    for node in selection_set.selections:
        if node.directives:
            return False
        if isinstance(node, FieldNode):
            out.append(((node.alias or node.name).value, node))
            continue
        if isinstance(node, FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            if fragment is None or getattr(fragment, "variable_definitions", None):
                return False
            if fragment.directives or fragment.type_condition.name.value != type_name:
                return False
            if not _collect(fragment.selection_set, type_name, fragments, out):
                return False
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            if condition is not None and condition.name.value != type_name:
                return False
            if not _collect(node.selection_set, type_name, fragments, out):
                return False
        else:
            return False
    return True


SCALARS = {"String", "Int", "Boolean", "Date", "DateTime", "Decimal", "UUID"}
COLUMN_TYPES = (ExactDecimal, UTCDateTime, Boolean, Date, Uuid, Integer, BigInteger, String, Text)


def _plain_column(type_: GraphQLObjectType, name: str) -> str | None:
    """The column a plain field reads (an attribute of the row, no resolver, no extension,
    a scalar or enum the compiler writes), or None."""
    field = type_.fields[name]
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or field.args:
        return None
    if definition.base_resolver is not None or definition.extensions:
        return None
    if definition.default_resolver is not getattr or definition.permission_classes:
        return None
    column = definition.python_name
    table = TABLES[type_.name]
    if column not in table.c or not isinstance(table.c[column].type, COLUMN_TYPES):
        return None
    named = _named(field.type)
    if isinstance(named, GraphQLEnumType):
        return column
    if not isinstance(named, GraphQLScalarType) or named.name not in SCALARS:
        return None
    if (named.name == "Decimal") != isinstance(table.c[column].type, ExactDecimal):
        return None
    return column


def shape_of(
    selection_set: SelectionSetNode | None, type_: GraphQLObjectType, fragments: dict[str, Any]
) -> Shape | None:
    """The selection as a ``Shape`` when the compiler covers all of it, else None."""
    fields: list[tuple[str, FieldNode]] = []
    if not _collect(selection_set, type_.name, fragments, fields):
        return None
    keys = [key for key, _ in fields]
    if len(set(keys)) != len(keys):  # merged fields: left to graphql-core
        return None
    shape: list[tuple[str, str, Shape | None]] = []
    for key, node in fields:
        name = node.name.value
        if name == "__typename":
            shape.append((key, name, None))
            continue
        if name not in type_.fields or node.arguments:
            return None
        named = _named(type_.fields[name].type)
        if isinstance(named, GraphQLObjectType):
            if name not in SPECIAL[type_.name] or named.name not in TABLES:
                return None
            sub = shape_of(node.selection_set, named, fragments)
            if sub is None:
                return None
            shape.append((key, name, sub))
        elif name in SPECIAL[type_.name] or _plain_column(type_, name) is not None:
            if node.selection_set is not None:
                return None
            shape.append((key, name, None))
        else:
            return None
    return tuple(shape)


# ── the SQL of a shape ─────────────────────────────────────────────────────────────────────


def _enum(j: JsonSql, ref: str, enum: GraphQLEnumType) -> str:
    cases = " ".join(
        f"WHEN {sql_text(str(getattr(value.value, 'value', value.value)))}"
        f" THEN {sql_text(orjson.dumps(name).decode())}"
        for name, value in enum.values.items()
    )
    return f"(CASE {ref} {cases} ELSE 'null' END)"


def _leaf(j: JsonSql, type_: GraphQLObjectType, alias: str, name: str) -> str:
    column_name = _plain_column(type_, name)
    assert column_name is not None
    column = TABLES[type_.name].c[column_name]
    named = _named(type_.fields[name].type)
    ref = f"{alias}.{column_name}"
    if isinstance(named, GraphQLEnumType):
        return _enum(j, ref, named)
    assert isinstance(named, GraphQLScalarType)
    if named.name == "Decimal":
        assert isinstance(column.type, ExactDecimal)
        return j.decimal_text(ref, column.type.scale)
    return j.column(alias, column)


def _object(j: JsonSql, type_: GraphQLObjectType, shape: Shape, flavour: Flavour) -> str:
    alias = ALIASES[type_.name]
    pairs: list[tuple[str, str]] = []
    for key, name, sub in shape:
        if name == "__typename":
            pairs.append((key, sql_text(orjson.dumps(type_.name).decode())))
        elif name == "id":
            pairs.append((key, j.global_id(type_.name, f"{alias}.uuid")))
        elif name == "legacyId":
            pairs.append((key, j.integer(f"{alias}.id")))
        elif type_.name == "Invoice" and name == "kind":
            pairs.append(
                (
                    key,
                    f"(CASE WHEN {alias}.status = 'draft' THEN '\"PROFORMA\"'"
                    f" WHEN {alias}.is_rectificative THEN '\"RECTIFICATIVE\"'"
                    " ELSE '\"ORDINARY\"' END)",
                )
            )
        elif type_.name == "Invoice" and name == "isPaid":
            pairs.append(
                (key, f"(CASE WHEN {alias}.payed_at IS NULL THEN 'false' ELSE 'true' END)")
            )
        elif sub is not None:
            child = _named(type_.fields[name].type)
            assert isinstance(child, GraphQLObjectType)
            pairs.append((key, _relation(j, type_, name, child, sub, flavour)))
        else:
            pairs.append((key, _leaf(j, type_, alias, name)))
    return j.obj(pairs)


def _relation(
    j: JsonSql,
    parent: GraphQLObjectType,
    name: str,
    child: GraphQLObjectType,
    shape: Shape,
    flavour: Flavour,
) -> str:
    p = ALIASES[parent.name]
    item = _object(j, child, shape, flavour)
    if (parent.name, name) == ("Invoice", "client"):
        return (
            f"coalesce((SELECT {item} FROM clients AS gq_client"
            f" WHERE gq_client.account_id = {p}.account_id AND gq_client.id = {p}.client_id),"
            " 'null')"
        )
    if (parent.name, name) == ("Invoice", "lines"):
        return j.array(
            item,
            f"FROM invoice_lines AS gq_line WHERE gq_line.account_id = {p}.account_id"
            f" AND gq_line.invoice_id = {p}.id",
            "gq_line.position, gq_line.id",
        )
    if (parent.name, name) == ("InvoiceLine", "taxes"):
        return j.array(
            item,
            f"FROM invoice_line_taxes AS gq_tax WHERE gq_tax.account_id = {p}.account_id"
            f" AND gq_tax.line_id = {p}.id",
            "gq_tax.position, gq_tax.id",
        )
    raise ValueError(f"no relation {parent.name}.{name}")


_COMPILERS: dict[tuple[int, Shape], tuple[GraphQLObjectType, Compiler]] = {}
MAX_COMPILERS = 256


def invoice_compiler(type_: GraphQLObjectType, shape: Shape) -> Compiler:
    """One compiler per selection (kept, so that ``documents.document_sql`` caches its SQL)."""
    known = _COMPILERS.get((id(type_), shape))
    if known is not None:
        return known[1]

    def compile_node(j: JsonSql, flavour: Flavour) -> str:
        return _object(j, type_, shape, flavour)

    if len(_COMPILERS) >= MAX_COMPILERS:
        _COMPILERS.clear()
    _COMPILERS[(id(type_), shape)] = (type_, compile_node)  # the type is kept: its id stays
    return compile_node


# ── the connection around the nodes ────────────────────────────────────────────────────────

EDGE_FIELDS = {"cursor", "node", "__typename"}
PAGE_INFO_FIELDS = {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"}


@dataclass(frozen=True, slots=True)
class ConnectionPlan:
    """A covered connection selection: its fields, and the nodes' type and shape."""

    type_: GraphQLObjectType
    fields: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]  # key, name, sub-keys
    node_type: GraphQLObjectType
    node_shape: Shape

    @property
    def compiler(self) -> Compiler:
        return invoice_compiler(self.node_type, self.node_shape)


def connection_plan(info: Any) -> ConnectionPlan | None:
    """The plan of a connection field's selection (graphql-core's resolve info), or None when
    the compiler does not cover all of it."""
    if len(info.field_nodes) != 1:
        return None
    type_ = _named(info.return_type)
    if not isinstance(type_, GraphQLObjectType):
        return None
    fragments = info.fragments
    top: list[tuple[str, FieldNode]] = []
    if not _collect(info.field_nodes[0].selection_set, type_.name, fragments, top):
        return None
    node_type: GraphQLObjectType | None = None
    shapes: set[Shape] = set()
    fields: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
    for key, node in top:
        name = node.name.value
        if name in ("__typename", "totalCount"):
            fields.append((key, name, ()))
            continue
        if name not in ("edges", "nodes", "pageInfo") or node.arguments:
            return None
        field_type = _named(type_.fields[name].type)
        assert isinstance(field_type, GraphQLObjectType)
        if name == "nodes":
            node_type = field_type
            shape = shape_of(node.selection_set, field_type, fragments)
            if shape is None:
                return None
            shapes.add(shape)
            fields.append((key, name, ()))
            continue
        inner: list[tuple[str, FieldNode]] = []
        if not _collect(node.selection_set, field_type.name, fragments, inner):
            return None
        allowed = EDGE_FIELDS if name == "edges" else PAGE_INFO_FIELDS
        if any(child.name.value not in allowed or child.arguments for _, child in inner):
            return None
        if len({k for k, _ in inner}) != len(inner):
            return None
        for _, child in inner:
            if child.name.value == "node":
                node_type = _named(field_type.fields["node"].type)  # type: ignore[assignment]
                assert isinstance(node_type, GraphQLObjectType)
                shape = shape_of(child.selection_set, node_type, fragments)
                if shape is None:
                    return None
                shapes.add(shape)
        fields.append((key, name, tuple((k, child.name.value) for k, child in inner)))
    if len({key for key, _, _ in fields}) != len(fields) or len(shapes) > 1:
        return None
    if node_type is None or node_type.name != "Invoice":
        return None
    return ConnectionPlan(type_, tuple(fields), node_type, shapes.pop())


def connection_answer(plan: ConnectionPlan, page: Any, flipped: bool) -> Prebuilt:
    """The connection's answer around the page's documents (``sqlread.page.JsonPage``), as
    ``schema.connection.to_connection`` answers it."""
    documents = [orjson.Fragment(item) for item in page.items]
    # cursors cost a JSON text and a base64 each: written only when selected
    wanted = {name for _, n, inner in plan.fields for _, name in inner if n != "nodes"}
    if "cursor" in wanted:
        cursors = page.cursors
    elif wanted & {"startCursor", "endCursor"} and page.items:
        first, last = page.cursor(0), page.cursor(len(page.items) - 1)
        cursors = (
            [first] + [""] * (len(page.items) - 2) + [last] if len(page.items) > 1 else [first]
        )
    else:
        cursors = [""] * len(page.items)
    has_next, has_previous = page.has_next, page.has_previous
    if flipped:
        documents, cursors = documents[::-1], cursors[::-1]
        has_next, has_previous = False, page.has_next
    answer: dict[str, Any] = {}
    for key, name, inner in plan.fields:
        if name == "__typename":
            answer[key] = plan.type_.name
        elif name == "totalCount":
            answer[key] = page.total
        elif name == "nodes":
            answer[key] = documents
        elif name == "pageInfo":
            values = {
                "hasNextPage": has_next,
                "hasPreviousPage": has_previous,
                "startCursor": cursors[0] if cursors else None,
                "endCursor": cursors[-1] if cursors else None,
                "__typename": "PageInfo",
            }
            answer[key] = {k: values[n] for k, n in inner}
        else:  # edges
            edge_type = getattr(_named(plan.type_.fields["edges"].type), "name", "")
            answer[key] = [
                {
                    k: cursor if n == "cursor" else document if n == "node" else edge_type
                    for k, n in inner
                }
                for cursor, document in zip(cursors, documents, strict=True)
            ]
    return Prebuilt(answer)
