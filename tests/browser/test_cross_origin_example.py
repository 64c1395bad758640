"""examples/browser from a second local origin, in Chromium, against a live server that
allows that origin (CORS_ALLOW_ORIGINS): a query, mutations with an Idempotency-Key (and
their replay, read from an exposed header), and a subscription over the WebSocket."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, expect
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from invoicegraph.app import create_app
from invoicegraph.db.engine import create_database
from invoicegraph.db.migrate import migrate
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from .conftest import REPO_ROOT, run_live_server

EXAMPLE_DIR = REPO_ROOT / "examples" / "browser"
UI_TIMEOUT_MS = 15_000


async def _write_key(url: str) -> str:
    database = create_database(url)
    try:
        await migrate(database)
        async with database.sessions() as session:
            account = await create_account(
                session,
                **ISSUER_ADDRESS,
                name="Tienda Web S.L.",
                tax_id=new_tax_id(),
                plan="professional",
            )
        async with database.sessions() as session:
            return (await create_key(session, account, access="write")).text
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def example_built() -> Path:
    proc = subprocess.run(
        ["bash", str(EXAMPLE_DIR / "build.sh")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"examples/browser/build.sh failed:\n{proc.stdout}\n{proc.stderr}")
    return EXAMPLE_DIR


@pytest.fixture(scope="module")
def example_origin(example_built: Path) -> Iterator[str]:
    """The built example served by a plain static server: the second origin."""
    static = Starlette(routes=[Mount("/", app=StaticFiles(directory=example_built, html=True))])
    with run_live_server(static) as url:
        yield url


@pytest.fixture(scope="module")
def api_and_key(
    example_origin: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('cors') / 'app.db'}"
    key = asyncio.run(_write_key(url))
    app = create_app(Settings(database_url=url, cors_allow_origins=example_origin))
    with run_live_server(app) as api:
        yield api, key


async def test_the_example_works_from_another_origin(
    chromium_executable: str,
    example_origin: str,
    api_and_key: tuple[str, str],
    browser_page: Page,
    page_requests: list[str],
) -> None:
    api, key = api_and_key
    assert urlsplit(api).netloc != urlsplit(example_origin).netloc
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    await page.goto(f"{example_origin}/", wait_until="networkidle")
    await page.fill("#api-url", api)
    await page.fill("#api-key", key)
    await page.click("#connect")
    # the query answered and the subscription's socket was acknowledged
    await expect(page.locator("#status")).to_have_text("live", timeout=UI_TIMEOUT_MS)
    await expect(page.locator("#invoices tr")).to_have_count(0)

    await page.click("#create-issue")
    log = page.locator("#log")
    await expect(log).to_contain_text("issued F1", timeout=UI_TIMEOUT_MS)
    created = (await log.locator("li").first.text_content()) or ""
    uuid = created.split()[1]
    events = page.locator("#events li")
    await expect(events).to_have_count(2, timeout=UI_TIMEOUT_MS)
    await expect(events.nth(0)).to_contain_text(f"CREATED {uuid}")
    await expect(events.nth(1)).to_contain_text(f"ISSUED {uuid}")
    row = page.locator(f'#invoices tr[data-uuid="{uuid}"]')
    await expect(row).to_contain_text("ISSUED", timeout=UI_TIMEOUT_MS)

    # the same Idempotency-Key again: the first answer, replayed, and no second invoice
    await page.click("#retry-create")
    await expect(log).to_contain_text(
        f"retried create: replayed, same invoice {uuid}", timeout=UI_TIMEOUT_MS
    )
    await expect(page.locator("#invoices tr")).to_have_count(1)

    assert errors == []
    assert [m for m in await _error_lines(page)] == []
    ours = {urlsplit(api).netloc, urlsplit(example_origin).netloc}
    assert {urlsplit(u).netloc for u in page_requests if u.startswith(("http", "ws"))} <= ours
    assert any(u.startswith(api.replace("http", "ws")) for u in page_requests)


async def _error_lines(page: Page) -> list[str]:
    texts: list[str] = await page.locator("#log li.error").all_text_contents()
    return texts
