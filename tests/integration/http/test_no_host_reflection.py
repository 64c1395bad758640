"""The Host header is never written back: /v1 page links and redirects point at
``PUBLIC_BASE_URL``, else at paths on this server."""

from __future__ import annotations

from invoicegraph.db.engine import Database

from .conftest import bearer, client_for

EVIL = {"Host": "evil.example"}


async def test_page_links_are_relative_without_a_public_base_url(
    database: Database, write_key: str
) -> None:
    async with client_for(database) as http:
        body = (
            await http.get("/v1/contacts?per_page=1", headers={**EVIL, **bearer(write_key)})
        ).json()
    assert body["links"]["first"] == "/v1/contacts?per_page=1&page=1"
    assert body["meta"]["path"] == "/v1/contacts"
    assert "evil" not in str(body)


async def test_page_links_use_the_public_base_url(database: Database, write_key: str) -> None:
    async with client_for(database, public_base_url="https://api.example.es/") as http:
        body = (await http.get("/v1/contacts", headers={**EVIL, **bearer(write_key)})).json()
    assert body["links"]["last"] == "https://api.example.es/v1/contacts?page=1"


async def test_redirects_do_not_echo_the_host(database: Database, write_key: str) -> None:
    async with client_for(database) as http:
        relative = await http.get("/v1/contacts/", headers={**EVIL, **bearer(write_key)})
    async with client_for(database, public_base_url="https://api.example.es") as http:
        absolute = await http.get("/v1/contacts/?page=2", headers=EVIL)
    assert relative.status_code in (301, 307, 308)
    assert relative.headers["location"] == "/v1/contacts"
    assert absolute.headers["location"] == "https://api.example.es/v1/contacts?page=2"
