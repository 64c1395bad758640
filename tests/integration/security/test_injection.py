"""SQL and HTML/markdown injection in every text field of client, invoice and quote creation,
on both REST dialects and GraphQL: a probe is either stored verbatim (and answered as JSON
text, with no SQL effect) or refused with a 422 naming the field. Never a 5xx, never SQL or
a traceback in the answer. The fields come from the OpenAPI document and the GraphQL schema.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Table, func, select, text

from invoicegraph.db.models import Client, Invoice, InvoiceLine, Quote, QuoteLine

from .conftest import Prober, World, assert_clean, bearer
from .fields import (
    GRAPHQL_CREATES,
    PROBES,
    SQL_PROBES,
    graphql_base,
    graphql_text_fields,
    named_fields,
    names_field,
    pair_ids,
    put,
    rest_base,
    rest_text_fields,
    strings,
    text_selection,
    uuid_of,
)

ROWS: dict[str, tuple[Any, Any]] = {
    "clients": (Client, None),
    "contacts": (Client, None),
    "invoices": (Invoice, InvoiceLine),
    "quotes": (Quote, QuoteLine),
    "client": (Client, None),
    "invoice": (Invoice, InvoiceLine),
    "quote": (Quote, QuoteLine),
}


@pytest.fixture
async def api(world: World, prober: Prober) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world.app, raise_app_exceptions=False),
        base_url="http://security.test",
        headers=bearer(prober.key),
    ) as client:
        yield client


async def stored_strings(world: World, kind: str, ref: int | uuid.UUID) -> set[str]:
    """Every string stored in the row (and its lines) that ``ref`` names."""
    model, line_model = ROWS[kind]
    table: Table = model.__table__
    column = table.c.id if isinstance(ref, int) else table.c.uuid
    async with world.database.sessions() as session, session.begin():
        row = (await session.execute(select(table).where(column == ref))).mappings().one()
        found = strings(dict(row))
        if line_model is not None:
            lines = line_model.__table__
            parent = lines.c.invoice_id if model is Invoice else lines.c.quote_id
            for line in (await session.execute(select(lines).where(parent == row["id"]))).all():
                found |= strings(dict(line._mapping))
    return found


async def assert_no_sql_effect(world: World) -> None:
    """The tables the probes aim at are still there, and still answer."""
    async with world.database.sessions() as session, session.begin():
        for table in ("invoices", "clients", "quotes", "invoice_lines"):
            await session.execute(text(f"SELECT count(*) FROM {table}"))


@pytest.mark.parametrize(("route", "field"), rest_text_fields(), ids=pair_ids(rest_text_fields()))
async def test_a_rest_text_field_stores_probes_verbatim_or_names_the_field(
    route: str, field: str, api: httpx.AsyncClient, world: World, prober: Prober
) -> None:
    method, path = route.split(" ")
    face = path.split("/")[1]
    for probe in PROBES:
        body = put(rest_base(route, prober.objects), field, probe)
        response = await api.request(method, path, json=body)
        assert_clean(response)
        answer = response.json()
        if response.status_code == 422:
            named = named_fields(face, answer)
            assert names_field(named, field), (probe, named)
            continue
        assert response.status_code == 201, (probe, response.text)
        # answered as JSON text: the probe comes back as a string, exactly
        assert probe in strings(answer), (probe, response.text[:500])
        created = answer["data"]["id"] if face == "v1" else answer["id"]
        ref = created if isinstance(created, int) else uuid.UUID(created)
        assert probe in await stored_strings(world, path.split("/")[2], ref), probe
    await assert_no_sql_effect(world)


@pytest.mark.parametrize(
    ("mutation", "field"), graphql_text_fields(), ids=pair_ids(graphql_text_fields())
)
async def test_a_graphql_text_field_stores_probes_verbatim_or_names_the_field(
    mutation: str, field: str, api: httpx.AsyncClient, world: World, prober: Prober
) -> None:
    kind = GRAPHQL_CREATES[mutation]
    input_type = _mutation_args(mutation)["input"].type
    selection = text_selection(kind.capitalize())
    query = (
        f"mutation Probe($input: {input_type}) {{ {mutation}(input: $input) "
        f"{{ {kind} {{ {selection} }} errors {{ field code message }} }} }}"
    )
    for probe in PROBES:
        variables = {"input": put(graphql_base(mutation, prober.objects), field, probe)}
        response = await api.post("/graphql", json={"query": query, "variables": variables})
        assert_clean(response)
        body = response.json()
        assert "errors" not in body, body
        payload = body["data"][mutation]
        if payload["errors"]:
            assert names_field(named_fields("graphql", payload["errors"]), field), (
                probe,
                payload["errors"],
            )
            continue
        # answered as JSON text, and stored as sent
        assert probe in strings(payload[kind]), (probe, payload[kind])
        ref = uuid_of(payload[kind]["id"])
        assert probe in await stored_strings(world, kind, ref), probe
    await assert_no_sql_effect(world)


def _mutation_args(name: str) -> dict[str, Any]:
    from .mutations import served_schema

    mutation_type = served_schema().mutation_type
    assert mutation_type is not None
    return dict(mutation_type.fields[name].args)


@pytest.mark.parametrize(
    "path",
    [
        "/api/clients?search={}",
        "/api/clients?tax_id={}",
        "/api/invoices?external_reference={}",
        "/api/quotes?external_reference={}",
        "/v1/contacts?search={}",
        "/v1/invoices?search={}",
    ],
)
async def test_sql_in_a_search_matches_nothing(
    path: str, http: httpx.AsyncClient, world: World
) -> None:
    """``' OR 1=1 --`` in a filter is a text to look for, not a condition (on the matrix's
    account, where no probe is stored: a match could only come from the probe's SQL)."""
    route, _, parameter = path.partition("?")
    for probe in (*SQL_PROBES, "%%%", "___", "\\\\\\", "' OR ''='"):
        response = await http.get(
            route,
            params={parameter.removesuffix("={}"): probe},
            headers=bearer(world.keys["read"]),
        )
        assert_clean(response)
        assert response.status_code in (200, 422), response.text
        if response.status_code == 200:
            assert response.json()["data"] == [], (probe, response.text[:300])
    async with world.database.sessions() as session, session.begin():
        assert await session.scalar(select(func.count()).select_from(Invoice)) is not None
