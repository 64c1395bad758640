"""``/docs`` in a real Chromium: Redoc (our bundle, nothing from a CDN) renders the generated
OpenAPI document, and a newcomer sees the fields to send to POST /api/invoices and POST
/v1/invoices."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page
from starlette.types import ASGIApp

from invoicegraph.app import create_app
from invoicegraph.rest.openapi import DOCS_STATIC
from invoicegraph.settings import Settings

from .conftest import REPO_ROOT

API_FIELDS = ("client_id", "invoice_date", "due_date", "currency", "external_reference", "items")
V1_FIELDS = ("contact_id", "due_date_id", "payment_method_id", "lang", "money_format", "lines")


@pytest.fixture(scope="module")
def live_server_app(tmp_path_factory: pytest.TempPathFactory) -> ASGIApp:
    subprocess.run(["bash", str(REPO_ROOT / "scripts" / "build_docs.sh")], check=True, timeout=600)
    assert (DOCS_STATIC / "redoc.standalone.js").exists()
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('docs') / 'app.db'}"
    return create_app(Settings(database_url=url))


async def _operation_text(page: Page, operation_id: str) -> str:
    section = page.locator(f'[id="tag/{operation_id.split("_")[0]}/operation/{operation_id}"]')
    await section.wait_for(timeout=30_000)
    return await section.inner_text()


async def test_the_docs_show_the_fields_of_both_invoice_creates(
    live_server: str, browser_page: Page, page_requests: list[str]
) -> None:
    await browser_page.goto(f"{live_server}/docs")

    api_create = await _operation_text(browser_page, "api_create_invoice")
    v1_create = await _operation_text(browser_page, "v1_create_invoice")

    assert all(name in api_create for name in API_FIELDS), api_create[:2000]
    assert all(name in v1_create for name in V1_FIELDS), v1_create[:2000]
    assert "$ref" not in api_create + v1_create
    ours = urlsplit(live_server).netloc
    assert [url for url in page_requests if urlsplit(url).netloc not in (ours, "")] == []
    assert f"{live_server}/openapi.json" in page_requests


def test_the_page_loads_only_our_bundle() -> None:
    from invoicegraph.rest.openapi import DOCS_PAGE

    assert 'src="/docs/static/redoc.standalone.js"' in DOCS_PAGE
    assert "http" not in DOCS_PAGE.lower().replace("http-equiv", "")
    assert Path(DOCS_STATIC).name == "docs"
