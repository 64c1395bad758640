"""GraphQL's ``exportDownload``: a signed link of 15 minutes that downloads the export with no
API key; a read key may ask for one; an altered, expired or revoked link is a 403; a test
key's link downloads the sandbox; a bad range is BAD_USER_INPUT naming the argument."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import update

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, ApiKey
from invoicegraph.domain.vat_register import REGISTER_COLUMNS
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.export_links import LINK_LIFETIME, open_link
from invoicegraph.settings import Settings

from .conftest import Book, today, xlsx_rows

EXPORT = """query Export($kind: ExportKind!, $from: Date, $to: Date, $format: ExportFormat!) {
  exportDownload(kind: $kind, from: $from, to: $to, format: $format) { url expiresAt fileName } }"""


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _key(database: Database, account: Account, access: str, mode: str = "live") -> Any:
    async with database.sessions() as session:
        return await create_key(session, account, access=access, mode=mode)


async def _link(http: httpx.AsyncClient, key: str, **variables: Any) -> dict[str, Any]:
    variables = {"kind": "REGISTER", "format": "CSV", **variables}
    response = await http.post(
        "/graphql",
        json={"query": EXPORT, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    body: dict[str, Any] = response.json()
    return body


def _csv(response: httpx.Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _year() -> dict[str, str]:
    return {"from": f"{today().year}-01-01", "to": today().isoformat()}


async def test_a_read_key_gets_a_link_that_downloads_without_a_key(
    http: httpx.AsyncClient, database: Database, account: Account, book: Book
) -> None:
    key = await _key(database, account, "read")
    body = await _link(http, key.text, **_year())
    assert "errors" not in body, body
    link = body["data"]["exportDownload"]
    assert link["url"].startswith("/exports/download?token=")
    expires = dt.datetime.fromisoformat(link["expiresAt"])
    left = expires - dt.datetime.now(dt.UTC)
    assert LINK_LIFETIME - dt.timedelta(seconds=5) < left <= LINK_LIFETIME
    assert link["fileName"].startswith("libro-registro-facturas-expedidas_")
    response = await http.get(link["url"])  # no Authorization header
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="{link["fileName"]}"' in response.headers["content-disposition"]
    rows = _csv(response)
    assert rows[0] == list(REGISTER_COLUMNS) and len(rows) == 1 + 9


async def test_an_xlsx_link_of_the_plain_export(
    http: httpx.AsyncClient, database: Database, account: Account, book: Book
) -> None:
    key = await _key(database, account, "write")
    body = await _link(http, key.text, kind="INVOICES", format="XLSX", **_year())
    response = await http.get(body["data"]["exportDownload"]["url"])
    assert response.status_code == 200
    assert len(xlsx_rows(response.content)) == 1 + len(book.ordinary) + len(book.rectificatives) + 1


async def test_a_changed_expired_or_revoked_link_is_refused(
    http: httpx.AsyncClient, database: Database, account: Account, book: Book
) -> None:
    key = await _key(database, account, "read")
    url = (await _link(http, key.text, **_year()))["data"]["exportDownload"]["url"]
    token = parse_qs(urlsplit(url).query)["token"][0]
    body, signature = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + signature
    for bad in (forged, token[:-1] + ("0" if token[-1] != "0" else "1"), "", "x.y", "a" * 3000):
        response = await http.get("/exports/download", params={"token": bad})
        assert response.status_code == 403, (bad[:40], response.text)
        assert response.json()["error"]["code"] == "forbidden"
    later = dt.datetime.now(dt.UTC) + LINK_LIFETIME + dt.timedelta(seconds=2)
    async with database.sessions() as session:
        with pytest.raises(Exception, match="expired"):
            await open_link(session, token, now=later)
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(ApiKey)
            .where(ApiKey.account_id == account.id, ApiKey.id == key.key.id)
            .values(revoked_at=dt.datetime.now(dt.UTC))
        )
    response = await http.get(url)
    assert response.status_code == 403
    assert "revoked" in response.json()["error"]["message"]


async def test_a_test_keys_link_downloads_the_sandbox(
    http: httpx.AsyncClient, database: Database, account: Account, book: Book
) -> None:
    key = await _key(database, account, "read", mode="test")
    url = (await _link(http, key.text, **_year()))["data"]["exportDownload"]["url"]
    response = await http.get(url)
    assert response.status_code == 200
    assert len(_csv(response)) == 1  # the live invoices are not the sandbox's


async def test_another_account_gets_its_own_empty_register(
    http: httpx.AsyncClient, database: Database, other_account: Account, book: Book
) -> None:
    key = await _key(database, other_account, "admin")
    url = (await _link(http, key.text, **_year()))["data"]["exportDownload"]["url"]
    assert len(_csv(await http.get(url))) == 1


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2024-01-01", "to": "2025-06-30"}, "to"),
    ],
)
async def test_a_bad_range_is_bad_user_input_naming_the_argument(
    http: httpx.AsyncClient,
    database: Database,
    account: Account,
    variables: dict[str, str],
    field: str,
) -> None:
    key = await _key(database, account, "read")
    body = await _link(http, key.text, **variables)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(f"{field}:"), error


async def test_without_a_key_there_is_no_link(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"query": EXPORT, "variables": {"kind": "REGISTER", "format": "CSV"}}
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
