"""GraphQL reads answered with JSON the database writes, compiled from the request's
selection: the invoice, quote and client connections and single reads (``invoice(id:)``,
``quote(id:)``, ``client(id:)`` and ``node(id:)`` of those types).

Strawberry keeps the schema, parsing and validation. A resolver asks ``connection_plan`` (a
connection) or ``object_compiler`` (one object) whether the selection is one this compiler
covers: plain fields of the object, the relations of ``RELATIONS`` (an invoice's or quote's
``client`` and ``lines``, a line's ``taxes``), with aliases and fragments that apply to those
types (``... on Invoice``, ``... on Node``), no directives. When it is, a page is one statement
whose rows are the nodes' JSON (``sqlread.page``) and a single read one statement answering
one row's JSON; the connection around a page (edges, cursors, page info, total) is assembled
from the page, and the resolver returns the answer as ``Prebuilt``, which the execution
context (``schema.execution``) puts into the answer as it is, with no completion per field.
Anything else (another field, a directive) answers through the general path, unchanged.

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
from sqlalchemy import BigInteger, Boolean, Date, Integer, String, Table, Text, Uuid
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from invoicegraph.db.models import (
    Client,
    Invoice,
    InvoiceLine,
    InvoiceLineTax,
    Quote,
    QuoteLine,
    QuoteLineTax,
)
from invoicegraph.db.types import ExactDecimal, UTCDateTime
from invoicegraph.sqlread.documents import Compiler, Flavour
from invoicegraph.sqlread.jsontext import JsonSql, sql_text

# a selection: (response key, field name, sub-selection or None for a leaf), in answer order
Shape = tuple[tuple[str, str, "Shape | None"], ...]


@dataclass(frozen=True, slots=True)
class Prebuilt:
    """A field's complete answer, already JSON: the execution context returns it as it is."""

    value: Any


@dataclass(frozen=True, slots=True)
class Relation:
    """How a field's object (or list) is read: its table, the alias it is read as, and its
    link to the parent row (``{p}`` is the parent's alias); ``order`` is a list's order."""

    table: Table
    alias: str
    link: str
    order: str | None = None


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


# the types whose rows are read at the top of a page or a single read, over their own table
ROOTS: dict[str, Table] = {
    "Invoice": _table(Invoice),
    "Quote": _table(Quote),
    "Client": _table(Client),
}
_CLIENT = Relation(
    _table(Client),
    "gq_client",
    "gq_client.account_id = {p}.account_id AND gq_client.id = {p}.client_id",
)
RELATIONS: dict[tuple[str, str], Relation] = {
    ("Invoice", "client"): _CLIENT,
    ("Invoice", "lines"): Relation(
        _table(InvoiceLine),
        "gq_line",
        "gq_line.account_id = {p}.account_id AND gq_line.invoice_id = {p}.id",
        "gq_line.position, gq_line.id",
    ),
    ("InvoiceLine", "taxes"): Relation(
        _table(InvoiceLineTax),
        "gq_tax",
        "gq_tax.account_id = {p}.account_id AND gq_tax.line_id = {p}.id",
        "gq_tax.position, gq_tax.id",
    ),
    ("Quote", "client"): _CLIENT,
    ("Quote", "lines"): Relation(
        _table(QuoteLine),
        "gq_line",
        "gq_line.account_id = {p}.account_id AND gq_line.quote_id = {p}.id",
        "gq_line.position, gq_line.id",
    ),
    ("QuoteLine", "taxes"): Relation(
        _table(QuoteLineTax),
        "gq_tax",
        "gq_tax.account_id = {p}.account_id AND gq_tax.line_id = {p}.id",
        "gq_tax.position, gq_tax.id",
    ),
}
# fields with a resolver of their own that the compiler writes (besides the relations)
SPECIAL = {
    "Invoice": {"id", "legacyId", "kind", "isPaid"},
    "Quote": {"id", "legacyId"},
    "Client": {"id", "legacyId"},
}


def _named(type_: GraphQLOutputType) -> GraphQLOutputType:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


# ── which selections are covered ───────────────────────────────────────────────────────────


def _applies(type_: GraphQLObjectType) -> frozenset[str]:
    """The type conditions whose fragments apply to an object of this type: its own name and
    its interfaces' (``... on Node``)."""
    return frozenset([type_.name, *(interface.name for interface in type_.interfaces)])


def _collect(
    selection_set: SelectionSetNode | None,
    applies: frozenset[str],
    fragments: dict[str, Any],
    out: list[tuple[str, FieldNode]],
) -> bool:
    """The fields selected of an object, through the fragments that apply to it (``applies``:
    its type's names); a fragment on another type does not apply and is passed over, as
    graphql-core's field collection passes it over."""
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
            if fragment.directives:
                return False
            if fragment.type_condition.name.value not in applies:
                continue
            if not _collect(fragment.selection_set, applies, fragments, out):
                return False
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            if condition is not None and condition.name.value not in applies:
                continue
            if not _collect(node.selection_set, applies, fragments, out):
                return False
        else:
            return False
    return True


SCALARS = {"String", "Int", "Boolean", "Date", "DateTime", "Decimal", "UUID"}
COLUMN_TYPES = (ExactDecimal, UTCDateTime, Boolean, Date, Uuid, Integer, BigInteger, String, Text)


def _plain_column(type_: GraphQLObjectType, table: Table, name: str) -> str | None:
    """The column of ``table`` a plain field reads (an attribute of the row, no resolver, no
    extension, a scalar or enum the compiler writes), or None."""
    field = type_.fields[name]
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or field.args:
        return None
    if definition.base_resolver is not None or definition.extensions:
        return None
    if definition.default_resolver is not getattr or definition.permission_classes:
        return None
    column = definition.python_name
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
    selection_set: SelectionSetNode | None,
    type_: GraphQLObjectType,
    fragments: dict[str, Any],
) -> Shape | None:
    """The selection of a root type (``ROOTS``) as a ``Shape`` when the compiler covers all
    of it, else None."""
    if type_.name not in ROOTS:
        return None
    return _shape([selection_set], type_, ROOTS[type_.name], fragments)


def _shape(
    selection_sets: list[SelectionSetNode | None],
    type_: GraphQLObjectType,
    table: Table,
    fragments: dict[str, Any],
) -> Shape | None:
    """The fields these selections ask of a row of ``table``. Fields of one response key are
    merged as graphql-core merges them (validation made them the same field): answered once,
    where the key first appears, with their sub-selections together."""
    fields: list[tuple[str, FieldNode]] = []
    for selection_set in selection_sets:
        if not _collect(selection_set, _applies(type_), fragments, fields):
            return None
    merged: dict[str, list[FieldNode]] = {}
    for key, node in fields:
        merged.setdefault(key, []).append(node)
    special = SPECIAL.get(type_.name, set())
    shape: list[tuple[str, str, Shape | None]] = []
    for key, nodes in merged.items():
        name = nodes[0].name.value
        if any(node.name.value != name or node.arguments for node in nodes):
            return None
        if name == "__typename":
            shape.append((key, name, None))
            continue
        if name not in type_.fields:
            return None
        named = _named(type_.fields[name].type)
        if isinstance(named, GraphQLObjectType):
            relation = RELATIONS.get((type_.name, name))
            if relation is None:
                return None
            sub = _shape([node.selection_set for node in nodes], named, relation.table, fragments)
            if sub is None:
                return None
            shape.append((key, name, sub))
        elif name in special or _plain_column(type_, table, name) is not None:
            if any(node.selection_set is not None for node in nodes):
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


def _leaf(j: JsonSql, type_: GraphQLObjectType, table: Table, alias: str, name: str) -> str:
    column_name = _plain_column(type_, table, name)
    assert column_name is not None
    column = table.c[column_name]
    named = _named(type_.fields[name].type)
    ref = f"{alias}.{column_name}"
    if isinstance(named, GraphQLEnumType):
        return _enum(j, ref, named)
    assert isinstance(named, GraphQLScalarType)
    if named.name == "Decimal":
        assert isinstance(column.type, ExactDecimal)
        return j.decimal_text(ref, column.type.scale)
    return j.column(alias, column)


def _object(
    j: JsonSql,
    type_: GraphQLObjectType,
    table: Table,
    alias: str,
    shape: Shape,
    flavour: Flavour,
) -> str:
    """The JSON of a row of ``table``, read as ``alias``."""
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
            pairs.append((key, _relation(j, type_, alias, name, child, sub, flavour)))
        else:
            pairs.append((key, _leaf(j, type_, table, alias, name)))
    return j.obj(pairs)


def _relation(
    j: JsonSql,
    parent: GraphQLObjectType,
    parent_alias: str,
    name: str,
    child: GraphQLObjectType,
    shape: Shape,
    flavour: Flavour,
) -> str:
    relation = RELATIONS[(parent.name, name)]
    item = _object(j, child, relation.table, relation.alias, shape, flavour)
    source = (
        f"FROM {relation.table.name} AS {relation.alias}"
        f" WHERE {relation.link.format(p=parent_alias)}"
    )
    if relation.order is None:
        return f"coalesce((SELECT {item} {source}), 'null')"
    return j.array(item, source, relation.order)


_COMPILERS: dict[tuple[int, Shape], tuple[GraphQLObjectType, Compiler]] = {}
MAX_COMPILERS = 256


def invoice_compiler(type_: GraphQLObjectType, shape: Shape) -> Compiler:
    """One compiler per selection of a root type (``ROOTS``: invoices, quotes, clients), kept
    so that ``documents.document_sql`` caches its SQL."""
    known = _COMPILERS.get((id(type_), shape))
    if known is not None:
        return known[1]

    table = ROOTS[type_.name]

    def compile_node(j: JsonSql, flavour: Flavour) -> str:
        return _object(j, type_, table, table.name, shape, flavour)

    if len(_COMPILERS) >= MAX_COMPILERS:
        _COMPILERS.clear()
    _COMPILERS[(id(type_), shape)] = (type_, compile_node)  # the type is kept: its id stays
    return compile_node


_SELECTIONS: dict[tuple[int, ...], tuple[Any, tuple[object, ...]]] = {}


def _by_selection(info: Any, what: object, read: Any) -> Any:
    """``read(info)``, kept by the selection it reads: the field's node and the fragments'.
    A query text is parsed once and its document reused (Strawberry's parser cache), so the
    same text's next request finds its plan without walking the selection again; the nodes
    are held with the plan, so that their ids stay theirs while it is kept."""
    kept = (what, info.field_nodes[0], *info.fragments.values())
    key = tuple(map(id, kept))
    known = _SELECTIONS.get(key)
    if known is not None:
        return known[0]
    found = read(info)
    if len(_SELECTIONS) >= MAX_COMPILERS:
        _SELECTIONS.clear()
    _SELECTIONS[key] = (found, kept)
    return found


def object_compiler(info: Any, type_name: str) -> Compiler | None:
    """The compiler of a single read's selection (graphql-core's resolve info of a field that
    answers one object: of type ``type_name``, or a ``Node`` that is one), or None when the
    compiler does not cover all of it."""
    type_ = info.schema.get_type(type_name)
    if len(info.field_nodes) != 1 or not isinstance(type_, GraphQLObjectType):
        return None

    def read(info: Any) -> Compiler | None:
        shape = shape_of(info.field_nodes[0].selection_set, type_, info.fragments)
        return None if shape is None else invoice_compiler(type_, shape)

    compiler: Compiler | None = _by_selection(info, type_, read)
    return compiler


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
    plan: ConnectionPlan | None = _by_selection(info, info.return_type, _connection_plan)
    return plan


def _connection_plan(info: Any) -> ConnectionPlan | None:
    type_ = _named(info.return_type)
    if not isinstance(type_, GraphQLObjectType):
        return None
    fragments = info.fragments
    top: list[tuple[str, FieldNode]] = []
    if not _collect(info.field_nodes[0].selection_set, _applies(type_), fragments, top):
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
        if not _collect(node.selection_set, _applies(field_type), fragments, inner):
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
    if node_type is None or node_type.name not in ROOTS:
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
