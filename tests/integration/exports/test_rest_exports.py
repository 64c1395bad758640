"""``GET /api/exports/register`` and ``/api/exports/invoices``: streamed downloads with their
media type and file name, a read key may export, another account's key sees nothing, and a bad
range is a 422 naming the parameter (every answer checked against the OpenAPI document)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import event

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.invoice_export import INVOICE_COLUMNS
from invoicegraph.domain.vat_register import REGISTER_COLUMNS, RegisterTotals
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.exports import export_range, register_pages
from invoicegraph.settings import Settings

from ..rest_api.spec import check_against_spec
from .conftest import Book, today, xlsx_rows


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test/api",
        event_hooks={"response": [check_against_spec]},
    ) as client:
        yield client


async def _key(database: Database, account: Account, access: str) -> dict[str, str]:
    async with database.sessions() as session:
        key = (await create_key(session, account, access=access)).text
    return {"Authorization": f"Bearer {key}"}


def _rows(response: httpx.Response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _year() -> dict[str, str]:
    return {"from": f"{today().year}-01-01", "to": today().isoformat()}


async def test_a_read_key_downloads_the_register_as_csv(
    http: httpx.AsyncClient, database: Database, account: Account, book: Book
) -> None:
    headers = await _key(database, account, "read")
    response = await http.get("/exports/register", params=_year(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    name = f"libro-registro-facturas-expedidas_{today().year}-01-01_{today().isoformat()}.csv"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    rows = _rows(response)
    assert rows[0] == list(REGISTER_COLUMNS)
    totals = RegisterTotals()
    span = export_range(today().replace(month=1, day=1), today(), today=today())
    async for page in register_pages(database, account, span):
        for row in page:
            totals.add_row(row)
    assert len(rows) - 1 == totals.rows
    column = REGISTER_COLUMNS.index("Total Factura")
    total = sum(Decimal(r[column].replace(",", ".")) for r in rows[1:])
    assert total == totals.total


async def test_the_xlsx_and_the_plain_invoices_export(
    http: httpx.AsyncClient, database: Database, account: Account, book: Book
) -> None:
    headers = await _key(database, account, "write")
    response = await http.get(
        "/exports/register", params={**_year(), "format": "xlsx"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].endswith('.xlsx"')
    found = xlsx_rows(response.content)
    assert list(found[0]) == list(REGISTER_COLUMNS)
    assert len(found) == 1 + 9
    response = await http.get("/exports/invoices", params=_year(), headers=headers)
    assert response.status_code == 200, response.text
    rows = _rows(response)
    assert rows[0] == list(INVOICE_COLUMNS)
    assert len(rows) == 1 + len(book.ordinary) + len(book.rectificatives) + 1


async def test_without_dates_it_is_this_quarter_so_far(
    http: httpx.AsyncClient, database: Database, account: Account, book: Book
) -> None:
    response = await http.get("/exports/register", headers=await _key(database, account, "read"))
    assert response.status_code == 200, response.text
    quarter = (today().month - 1) // 3 * 3 + 1
    first = today().replace(month=quarter, day=1)
    assert (
        f"{first.isoformat()}_{today().isoformat()}.csv" in response.headers["content-disposition"]
    )
    assert len(_rows(response)) == 1 + 9


async def test_another_account_sees_nothing(
    http: httpx.AsyncClient, database: Database, other_account: Account, book: Book
) -> None:
    headers = await _key(database, other_account, "admin")
    for path in ("/exports/register", "/exports/invoices"):
        response = await http.get(path, params=_year(), headers=headers)
        assert response.status_code == 200
        assert len(_rows(response)) == 1, path


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "01/03/2026"}, "to"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2024-01-01", "to": "2025-06-30"}, "to"),
        ({"format": "pdf"}, "format"),
    ],
)
async def test_a_bad_parameter_is_a_422_naming_it(
    http: httpx.AsyncClient,
    database: Database,
    account: Account,
    params: dict[str, str],
    field: str,
) -> None:
    response = await http.get(
        "/exports/register", params=params, headers=await _key(database, account, "read")
    )
    assert response.status_code == 422, response.text
    assert [f["field"] for f in response.json()["error"]["fields"]] == [field]


@pytest.mark.parametrize("path", ["/exports/register", "/exports/invoices"])
async def test_head_answers_the_headers_without_reading_the_export(
    http: httpx.AsyncClient, database: Database, account: Account, book: Book, path: str
) -> None:
    """A HEAD ran the whole export to send no byte of it (a cheap way to make us read a year of
    invoices); now it answers the GET's headers and reads no invoice."""
    headers = await _key(database, account, "read")
    got = await http.get(path, params=_year(), headers=headers)
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        head = await http.head(path, params=_year(), headers=headers)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)

    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-disposition", "cache-control"):
        assert head.headers[name] == got.headers[name]
    assert not [s for s in statements if "invoice" in s.lower()], statements


async def test_no_key_is_a_401(http: httpx.AsyncClient) -> None:
    response = await http.get("/exports/invoices")
    assert response.status_code == 401
