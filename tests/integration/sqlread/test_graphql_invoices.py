"""GraphQL invoice connections compiled to SQL (``sqlread.graphql``) answer the bytes the
general path answers, on both engines, for the bench's page and for selections with aliases,
fragments (on the type or on its Node interface), cursors and filters; their answers obey the
SDL; a selection the compiler does not cover answers through the general path, unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from graphql import build_schema, graphql_sync, parse
from sqlalchemy import event

from invoicegraph.db.engine import Database

from .conftest import Faces

SDL = build_schema((Path(__file__).parents[3] / "schema.graphql").read_text())

PAGE = """query Page($first: Int!) { invoices(first: $first) { edges { node {
  id fullNumber date status totalBeforeTaxes totalTaxes totalWithTaxes
  client { id name taxId }
  lines { description quantity price totalBeforeTaxes totalWithTaxes
          taxes { name percentage base total } }
} } } }"""

# every field of an invoice the compiler covers, its client's, its lines' and their taxes'
HEAD = """fragment Head on Invoice {
  __typename id uuid legacyId status kind isPaid isRectificative isSimplified name number
  fullNumber date operationDate dueDate paymentMethod currency exchangeRate lang dateFormat
  moneyFormat notes externalReference subtotal totalDiscount totalBeforeTaxes totalTaxes
  totalWithTaxes totalVat totalWithholding payedAt rectificationReason rectifiedStatus
  issuedAt annulledAt annulmentReason createdAt updatedAt
  customer: client { __typename id uuid legacyId name taxId email phone address city province
                     postalCode country notes createdAt updatedAt }
  ... on Invoice { lines { uuid position productId sku reference description quantity price
                           discount subtotal totalDiscount totalBeforeTaxes totalTaxes
                           totalWithTaxes rectifiesLineId
                           taxes { taxId kind name percentage base total version } } }
}"""

EVERYTHING = (
    """query All($first: Int, $after: String, $last: Int, $before: String,
                          $filter: InvoiceFilterInput, $order: InvoiceOrder) {
  invoices(first: $first, after: $after, last: $last, before: $before, filter: $filter,
           order: $order) {
    __typename totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    edges { __typename cursor node { ...Head } }
  }
}
"""
    + HEAD
)

NODES = """{ invoices(first: 3, filter: {status: ISSUED}) { nodes { id total: totalWithTaxes
  lines { taxes { kind percentage } } } pageInfo { endCursor } } }"""

# not covered: the general path answers both
UNCOVERED = [
    "{ invoices(first: 5) { edges { node { id taxBreakdown { kind base } } } } }",
    "{ invoices(first: 5) { edges { node { id series { code } } } } }",
    "{ invoices(first: 5) { edges { node { id @include(if: true) fullNumber } } } }",
]

VARIANTS: list[tuple[str, dict[str, Any]]] = [
    (PAGE, {"first": 100}),
    (PAGE, {"first": 2}),
    (EVERYTHING, {"first": 100}),
    (EVERYTHING, {"first": 3}),
    (EVERYTHING, {"last": 2}),
    (EVERYTHING, {"first": 4, "order": {"field": "TOTAL_WITH_TAXES", "direction": "ASC"}}),
    (EVERYTHING, {"first": 10, "filter": {"status": "ISSUED"}}),
    (EVERYTHING, {"first": 10, "filter": {"kind": "RECTIFICATIVE"}}),
    (EVERYTHING, {"first": 10, "filter": {"status": "DRAFT"}}),
    (EVERYTHING, {"first": 10, "filter": {"search": "zzzz-nothing"}}),
    (NODES, {}),
    ("{ invoices(first: 5) { edges { node { ... on Node { id } __typename } } } }", {}),
]


@contextmanager
def statements(database: Database | None) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    assert database is not None
    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)


async def _post(faces: Faces, query: str, variables: dict[str, Any]) -> tuple[Any, Any, int]:
    body = {"query": query, "variables": variables}
    with statements(faces.database) as seen:
        sql = await faces.sql.post("/graphql", json=body)
    orm = await faces.orm.post("/graphql", json=body)
    assert sql.status_code == orm.status_code == 200, (sql.text, orm.text)
    assert sql.content == orm.content, (query, variables)
    answer = orjson.loads(sql.content)
    assert "errors" not in answer, answer
    return answer, sql.content, sum("FROM invoice" in s for s in seen)


def _by_response_key(source: Any, info: Any, **_args: Any) -> Any:
    return source.get(info.path.key) if isinstance(source, dict) else None


def _valid_by_sdl(query: str, variables: dict[str, Any], data: Any) -> None:
    """Execute the query on the SDL with the answer as the root: every value must complete
    (non-null, enum members, lists, objects) into the same answer, with no error."""
    result = graphql_sync(
        SDL, query, root_value=data, variable_values=variables, field_resolver=_by_response_key
    )
    assert result.errors is None, result.errors
    assert result.data == data


@pytest.mark.parametrize(
    ("query", "variables"), VARIANTS, ids=[str(i) for i in range(len(VARIANTS))]
)
async def test_a_compiled_page_is_the_bytes_of_the_general_path(
    faces: Faces, query: str, variables: dict[str, Any]
) -> None:
    answer, _, reads = await _post(faces, query, variables)

    _valid_by_sdl(query, variables, answer["data"])
    assert reads == 1  # one statement for the page, its lines, taxes and client


async def test_cursors_walk_the_same_pages(faces: Faces) -> None:
    after = None
    seen = 0
    while True:
        answer, _, _ = await _post(faces, EVERYTHING, {"first": 2, "after": after})
        connection = answer["data"]["invoices"]
        seen += len(connection["edges"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen >= 9
    answer, _, _ = await _post(faces, EVERYTHING, {"last": 2, "before": after})
    assert answer["data"]["invoices"]["pageInfo"]["hasNextPage"] is True


async def test_the_page_shows_every_kind_of_value(faces: Faces) -> None:
    answer, _, reads = await _post(faces, EVERYTHING, {"first": 100})
    nodes = [edge["node"] for edge in answer["data"]["invoices"]["edges"]]
    assert reads == 1
    assert {n["status"] for n in nodes} == {"DRAFT", "ISSUED", "ANNULLED"}
    assert {n["kind"] for n in nodes} == {"PROFORMA", "ORDINARY", "RECTIFICATIVE"}
    assert any(n["customer"] is None for n in nodes) and any(n["customer"] for n in nodes)
    assert any("\n" in (n["notes"] or "") for n in nodes)
    kinds = {t["kind"] for n in nodes for line in n["lines"] for t in line["taxes"]}
    assert kinds == {"VAT", "WITHHOLDING", "SURCHARGE"}
    assert any(n["payedAt"] for n in nodes) and any(n["annulledAt"] for n in nodes)


@pytest.mark.parametrize("query", UNCOVERED)
async def test_an_uncovered_selection_answers_through_the_general_path(
    faces: Faces, query: str
) -> None:
    parse(query)
    answer, _, reads = await _post(faces, query, {})
    assert answer["data"]["invoices"]["edges"]
    if "taxBreakdown" in query:
        assert reads >= 2  # the page, then its lines apart
