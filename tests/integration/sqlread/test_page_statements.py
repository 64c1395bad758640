"""A compiled page's statement is built once per structure (``sqlread.page``) and run with
each request's own values: its account, its cut and its cursor."""

from __future__ import annotations

import orjson

from invoicegraph.sqlread import page

from .conftest import Faces, _client, _tenant
from .test_graphql_invoices import EVERYTHING, PAGE


async def test_another_tenant_reads_its_own_rows_through_the_kept_statement(
    faces: Faces,
) -> None:
    assert faces.database is not None
    first = await faces.sql.post("/graphql", json={"query": PAGE, "variables": {"first": 100}})
    assert orjson.loads(first.content)["data"]["invoices"]["edges"]
    kept = dict(page._TEMPLATES)
    _, key = await _tenant(faces.database, verifactu=faces.verifactu, sandbox=faces.verifactu)

    async with _client(faces.database, key, sql_reads=True) as other:
        answer = await other.post("/graphql", json={"query": PAGE, "variables": {"first": 100}})

    assert answer.status_code == 200
    assert orjson.loads(answer.content) == {"data": {"invoices": {"edges": []}}}
    assert kept == page._TEMPLATES  # the same structure: no statement built for it


async def test_pages_of_one_structure_cut_by_their_own_cursors(faces: Faces) -> None:
    variables: dict[str, object] = {"first": 1}
    ids: list[str] = []
    for _ in range(3):
        answer = await faces.sql.post(
            "/graphql", json={"query": EVERYTHING, "variables": variables}
        )
        connection = orjson.loads(answer.content)["data"]["invoices"]
        ids += [edge["node"]["id"] for edge in connection["edges"]]
        variables = {"first": 1, "after": connection["pageInfo"]["endCursor"]}
    every = await faces.sql.post("/graphql", json={"query": EVERYTHING, "variables": {"first": 3}})

    edges = orjson.loads(every.content)["data"]["invoices"]["edges"]
    assert ids == [edge["node"]["id"] for edge in edges]
    assert len(set(ids)) == 3
