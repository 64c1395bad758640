"""GraphiQL works fully offline against the real app: served by us, talks only to our
origin; a newcomer finds an example query and where the key goes; the key authenticates
queries and subscriptions, and stays out of localStorage unless the user opts in."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Locator, Page, expect
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp

from invoicegraph.app import create_app
from invoicegraph.db.engine import create_database
from invoicegraph.db.migrate import migrate
from invoicegraph.schema.graphiql import (
    GRAPHIQL_STATIC_PREFIX,
    render_graphiql_page,
)
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "artifacts"
UI_TIMEOUT_MS = 15_000
KEYS: dict[str, str] = {}


async def _prepare(url: str) -> str:
    database = create_database(url)
    try:
        await migrate(database)
        async with database.sessions() as session:
            account = await create_account(
                session,
                **ISSUER_ADDRESS,
                name="Navegador S.L.",
                tax_id=new_tax_id(),
                plan="professional",
            )
        async with database.sessions() as session:
            KEYS["write"] = (await create_key(session, account, access="write")).text
        async with database.sessions() as session:
            return (await create_key(session, account, access="read")).text
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def live_server_app(tmp_path_factory: pytest.TempPathFactory) -> ASGIApp:
    """The real application on its own SQLite file (it runs in the server's thread)."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"
    KEYS["read"] = asyncio.run(_prepare(url))
    return create_app(Settings(database_url=url))


def _foreign(urls: list[str], base_url: str) -> list[str]:
    """Requests that left our origin (http(s) and ws(s) on the same host:port)."""
    ours = urlsplit(base_url).netloc
    return [
        url
        for url in urls
        if not (urlsplit(url).scheme in {"data", "blob"} or urlsplit(url).netloc == ours)
    ]


def _headers_editor(page: Page) -> Locator:
    return page.locator(
        'section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) '
        ".CodeMirror"
    )


async def _open_graphiql(page: Page, base_url: str) -> None:
    await page.goto(f"{base_url}/graphql", wait_until="networkidle")
    await expect(page.locator(".graphiql-container")).to_be_visible(timeout=UI_TIMEOUT_MS)
    await expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible()


async def _run_query(page: Page, query: str) -> Locator:
    await page.locator(".graphiql-query-editor .CodeMirror").click()
    await page.keyboard.press("Control+A")
    # insert_text, like a paste: typing key by key would fight CodeMirror's
    # bracket auto-closing and the autocomplete popup.
    await page.keyboard.insert_text(query)
    # GraphiQL re-parses the query (and so decides HTTP vs. WebSocket) in a
    # 100 ms debounced handler that also saves it to localStorage; a person
    # never clicks that fast, a test does. Wait for the save, not a sleep.
    await page.wait_for_function("q => localStorage.getItem('graphiql:query') === q", arg=query)
    await page.locator("button.graphiql-execute-button").click()
    return page.locator('section.result-window[aria-label="Result Window"]')


async def _paste_key(page: Page, key: str) -> None:
    """Paste the key after "Bearer ": line 2 is `  "Authorization": "Bearer "`."""
    headers = _headers_editor(page)
    await headers.click()
    for press in ("Control+Home", "ArrowDown", "End", "ArrowLeft"):
        await page.keyboard.press(press)
    await page.keyboard.insert_text(key)
    await expect(headers).to_contain_text(f'"Bearer {key}"')


async def _local_storage(page: Page) -> dict[str, str]:
    stored: dict[str, str] = await page.evaluate("() => ({ ...window.localStorage })")
    return stored


async def test_graphiql_opens_with_an_example_query_and_the_headers_hint(
    chromium_executable: str,
    live_server: str,
    browser_page: Page,
    page_requests: list[str],
) -> None:
    page = browser_page
    await _open_graphiql(page, live_server)

    query_editor = page.locator(".graphiql-query-editor .CodeMirror")
    await expect(query_editor).to_contain_text("query FirstInvoices")
    await expect(query_editor).to_contain_text('Paste your API key after "Bearer "')
    # The headers editor is enabled, visible, and pre-filled for a Bearer key.
    await expect(
        page.locator('.graphiql-editor-tools button[data-name="headers"]')
    ).to_contain_class("active")
    await expect(_headers_editor(page)).to_contain_text('"Authorization": "Bearer "')

    # the example runs as it is, once the key is there
    await _paste_key(page, KEYS["read"])
    await page.locator("button.graphiql-execute-button").click()
    result = page.locator('section.result-window[aria-label="Result Window"]')
    await expect(result).to_contain_text('"name": "Navegador S.L."', timeout=UI_TIMEOUT_MS)
    await expect(result).to_contain_text('"totalCount"')

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS_DIR / "graphiql.png"))
    assert f"{live_server}{GRAPHIQL_STATIC_PREFIX}/graphiql.js?v=" in " ".join(page_requests)
    assert _foreign(page_requests, live_server) == []


async def test_graphiql_keeps_the_key_out_of_local_storage_by_default(
    chromium_executable: str, live_server: str, browser_page: Page
) -> None:
    page = browser_page
    await _open_graphiql(page, live_server)
    await _paste_key(page, KEYS["read"])
    result = await _run_query(page, "{ account { name taxId } }")
    await expect(result).to_contain_text('"name": "Navegador S.L."', timeout=UI_TIMEOUT_MS)
    # GraphiQL saves its tabs in a debounced handler: once the query is saved, so is the rest
    await page.wait_for_function("() => (localStorage.getItem('graphiql:tabState') || '') !== ''")
    await page.wait_for_timeout(600)

    stored = await _local_storage(page)
    assert stored, "GraphiQL stores its tabs and query"
    assert [k for k, v in stored.items() if KEYS["read"] in v] == []

    await page.reload(wait_until="networkidle")
    headers = _headers_editor(page)
    await expect(headers).to_contain_text('"Authorization": "Bearer "', timeout=UI_TIMEOUT_MS)
    await expect(headers).not_to_contain_text(KEYS["read"])


async def test_graphiql_remembers_the_key_when_the_user_opts_in(
    chromium_executable: str, live_server: str, browser_page: Page
) -> None:
    page = browser_page
    await _open_graphiql(page, live_server)
    remember = page.get_by_label("Remember my API key in this browser")
    await expect(remember).not_to_be_checked()
    await remember.check()
    await _paste_key(page, KEYS["read"])
    await page.wait_for_function(
        "key => (localStorage.getItem('graphiql:headers') || '').includes(key)", arg=KEYS["read"]
    )

    await page.reload(wait_until="networkidle")
    await expect(_headers_editor(page)).to_contain_text(
        f'"Bearer {KEYS["read"]}"', timeout=UI_TIMEOUT_MS
    )
    await expect(page.get_by_label("Remember my API key in this browser")).to_be_checked()

    # and opting out again forgets it
    await page.get_by_label("Remember my API key in this browser").uncheck()
    await page.wait_for_function(
        "key => !Object.values({ ...localStorage }).some(v => v.includes(key))",
        arg=KEYS["read"],
    )


async def test_graphiql_forgets_keys_an_earlier_version_stored(
    chromium_executable: str, live_server: str, browser_page: Page
) -> None:
    page = browser_page
    await _open_graphiql(page, live_server)
    history = [
        {
            "query": "{ account { name } }",
            "headers": f'{{"Authorization": "Bearer {KEYS["read"]}"}}',
        }
    ]
    await page.evaluate(
        "queries => localStorage.setItem('graphiql:queries', JSON.stringify({ queries }))",
        history,
    )

    await page.reload(wait_until="networkidle")
    await expect(page.locator(".graphiql-container")).to_be_visible(timeout=UI_TIMEOUT_MS)

    stored = await _local_storage(page)
    assert "graphiql:queries" in stored and "account" in stored["graphiql:queries"]
    assert [k for k, v in stored.items() if KEYS["read"] in v] == []


async def test_graphiql_runs_a_subscription(
    chromium_executable: str, live_server: str, browser_page: Page
) -> None:
    page = browser_page
    await _open_graphiql(page, live_server)
    await _paste_key(page, KEYS["read"])
    result = await _run_query(page, "subscription { invoiceEvents { kind invoiceId } }")
    # the toolkit opens the socket and subscribes; wait for it, then create an invoice
    await expect(page.locator("button.graphiql-execute-button")).to_have_attribute(
        "aria-label", re.compile("Stop"), timeout=UI_TIMEOUT_MS
    )
    await asyncio.sleep(0.5)
    create = """mutation { createInvoice(input: {lines: [
        {description: "Desde GraphiQL", quantity: "1", price: "10.00", vatRate: "21"}]})
        { invoice { uuid } errors { message } } }"""
    async with httpx.AsyncClient(base_url=live_server) as http:
        answer = await http.post(
            "/graphql", json={"query": create}, headers={"Authorization": f"Bearer {KEYS['write']}"}
        )
    uuid = answer.json()["data"]["createInvoice"]["invoice"]["uuid"]
    await expect(result).to_contain_text('"kind": "CREATED"', timeout=UI_TIMEOUT_MS)
    await expect(result).to_contain_text(uuid)


async def test_page_without_assets_says_run_make_assets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A fresh clone gets instructions, not a blank page, and the static mount 404s."""
    import invoicegraph.schema.graphiql as graphiql

    missing = tmp_path / "not-built"
    monkeypatch.setattr(graphiql, "GRAPHIQL_STATIC_DIR", missing)
    assert not graphiql.graphiql_assets_built()

    page = graphiql.render_graphiql_page("/graphql")
    assert "make assets" in page
    assert "<script" not in page

    # Mounted before the bundle exists: 404 (not 500), then served once built.
    app = Starlette(routes=[Mount(GRAPHIQL_STATIC_PREFIX, app=graphiql.graphiql_static_app())])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get(f"{GRAPHIQL_STATIC_PREFIX}/graphiql.js")).status_code == 404
        missing.mkdir()
        (missing / "graphiql.js").write_text("/* built */", encoding="utf-8")
        response = await client.get(f"{GRAPHIQL_STATIC_PREFIX}/graphiql.js")
        assert response.status_code == 200
        assert response.text == "/* built */"


def test_page_loads_only_our_bundle(graphiql_assets: Path) -> None:
    page = render_graphiql_page("/api/graphql")
    assert 'data-endpoint="/api/graphql"' in page
    assert f'src="{GRAPHIQL_STATIC_PREFIX}/graphiql.js?v=' in page
    assert f'href="{GRAPHIQL_STATIC_PREFIX}/graphiql.css?v=' in page
    assert "//" not in page.replace("<!--", "")  # no absolute or protocol-relative URL
