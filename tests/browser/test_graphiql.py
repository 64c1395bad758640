"""GraphiQL works fully offline: served by us, talks only to our origin.

A toy Strawberry app stands in for the real one: its ``whoami`` echoes the
Authorization header, so seeing the pasted key in the result pane proves the
headers editor's value reaches the server. The app hooks the self-hosted page
exactly as invoicegraph.schema.graphiql's docstring tells the real app to.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import strawberry
from playwright.async_api import Locator, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp
from strawberry.asgi import GraphQL

from invoicegraph.schema.graphiql import (
    GRAPHIQL_STATIC_PREFIX,
    graphiql_static_app,
    render_graphiql_page,
)

ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "artifacts"
API_KEY = "ig_test_4f2c9a7e1b"
UI_TIMEOUT_MS = 15_000


@strawberry.type
class Query:
    @strawberry.field
    def whoami(self, info: strawberry.Info) -> str | None:
        """Echo the Authorization header of this HTTP request."""
        request: Request = info.context["request"]
        return request.headers.get("authorization")


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def whoami_live(self, info: strawberry.Info) -> AsyncGenerator[str | None, None]:
        """Echo the Authorization the IDE sent in the WebSocket connection_init."""
        params = info.context.get("connection_params") or {}
        yield params.get("Authorization") if isinstance(params, dict) else None


class ToyGraphQL(GraphQL):
    """Serves the self-hosted GraphiQL instead of Strawberry's CDN page."""

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(render_graphiql_page(endpoint=request.url.path))


@pytest.fixture(scope="module")
def live_server_app() -> ASGIApp:
    graphql_app = ToyGraphQL(strawberry.Schema(query=Query, subscription=Subscription))
    return Starlette(
        routes=[
            Route("/graphql", graphql_app),
            WebSocketRoute("/graphql", graphql_app),
            Mount(GRAPHIQL_STATIC_PREFIX, app=graphiql_static_app(), name="graphiql"),
        ]
    )


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


async def test_graphiql_offline_headers_reach_server(
    chromium_executable: str,
    live_server: str,
    browser_page: Page,
    page_requests: list[str],
) -> None:
    page = browser_page
    await _open_graphiql(page, live_server)

    # The headers editor is enabled, visible, and pre-filled for a Bearer key.
    await expect(
        page.locator('.graphiql-editor-tools button[data-name="headers"]')
    ).to_contain_class("active")
    headers = _headers_editor(page)
    await expect(headers).to_be_visible()
    await expect(headers).to_contain_text('"Authorization": "Bearer "')

    # Paste the key after "Bearer ": line 2 is `  "Authorization": "Bearer "`.
    await headers.click()
    for key in ("Control+Home", "ArrowDown", "End", "ArrowLeft"):
        await page.keyboard.press(key)
    await page.keyboard.type(API_KEY)
    await expect(headers).to_contain_text(f'"Bearer {API_KEY}"')

    result = await _run_query(page, "{ whoami }")
    await expect(result).to_contain_text(f'"whoami": "Bearer {API_KEY}"', timeout=UI_TIMEOUT_MS)

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS_DIR / "graphiql.png"))

    # Subscriptions ride graphql-transport-ws on the same path (ws://, same
    # host:port), with the headers editor's JSON as connection_init payload.
    result = await _run_query(page, "subscription { whoamiLive }")
    await expect(result).to_contain_text(f'"whoamiLive": "Bearer {API_KEY}"', timeout=UI_TIMEOUT_MS)
    assert f"ws://{urlsplit(live_server).netloc}/graphql" in page_requests

    # shouldPersistHeaders: the key survives a reload.
    await page.reload(wait_until="networkidle")
    await expect(_headers_editor(page)).to_contain_text(
        f'"Bearer {API_KEY}"', timeout=UI_TIMEOUT_MS
    )

    assert f"{live_server}{GRAPHIQL_STATIC_PREFIX}/graphiql.js?v=" in " ".join(page_requests)
    assert _foreign(page_requests, live_server) == []


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
