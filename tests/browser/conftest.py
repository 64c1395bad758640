"""Fixtures for real-browser tests: a live uvicorn server and Debian's Chromium.

Reusable by any browser test module. A module supplies the ASGI app to serve by
defining a ``live_server_app`` fixture (module scope); ``live_server`` then runs
it on a free loopback port and yields the base URL. Today the GraphiQL test
serves a toy app; swapping in the real one is a one-line change to that
fixture (or a ``live_server_app`` defined here for every module).

Chromium is Debian's package (``apt-get install -y chromium``), driven by
Playwright for Python via ``executable_path``; ``playwright install`` would
download a browser build, which this project's machines cannot do. Without
``/usr/bin/chromium`` the tests skip, except under ``CI=true`` where a missing
browser is a broken environment and must fail.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from starlette.types import ASGIApp

from invoicegraph.schema.graphiql import GRAPHIQL_STATIC_DIR, graphiql_assets_built

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "artifacts"
BUILD_GRAPHIQL_SCRIPT = REPO_ROOT / "scripts" / "build_graphiql.sh"

# Debian's package path; overridable for other distros (chromium-browser).
CHROMIUM_PATH = os.environ.get("INVOICEGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_SERVER_START_TIMEOUT_S = 15.0
_BUILD_TIMEOUT_S = 600


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@contextlib.contextmanager
def run_live_server(app: ASGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yield its base URL.

    The socket is bound (port 0) before uvicorn starts and handed to it, so
    there is no window in which another process can grab the chosen port.
    uvicorn skips signal handlers off the main thread, and ``should_exit`` is
    its documented graceful stop, so the thread ends cleanly on exit.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port: int = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="auto", ws="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + _SERVER_START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn exited during startup (see log above)")
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start within {_SERVER_START_TIMEOUT_S}s")
            time.sleep(0.02)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=_SERVER_START_TIMEOUT_S)
        sock.close()


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path to Debian's Chromium; skip (or fail under CI=true) when absent."""
    if os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK):
        return CHROMIUM_PATH
    reason = (
        f"{CHROMIUM_PATH} not found: browser tests need Debian's chromium "
        "(apt-get install -y chromium)"
    )
    if _in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def graphiql_assets() -> Path:
    """Build the GraphiQL bundle (a no-op when current) so a fresh clone works."""
    proc = subprocess.run(
        ["bash", str(BUILD_GRAPHIQL_SCRIPT)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=_BUILD_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0 or not graphiql_assets_built():
        pytest.fail(
            f"{BUILD_GRAPHIQL_SCRIPT.name} failed (exit {proc.returncode}):\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}",
            pytrace=False,
        )
    return GRAPHIQL_STATIC_DIR


@pytest.fixture(scope="module")
def live_server(live_server_app: ASGIApp, graphiql_assets: Path) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT``) of ``live_server_app`` served by uvicorn.

    Depends on ``graphiql_assets`` because any page of ours may embed the IDE.
    """
    with run_live_server(live_server_app) as url:
        yield url


@pytest.fixture(scope="session")
async def chromium(chromium_executable: str) -> AsyncIterator[Browser]:
    """One headless Chromium per session; contexts isolate the tests.

    Playwright's async API on pytest-asyncio's session loop, not the sync API:
    the sync API marks its own event loop as running for as long as it is
    open, so every async test collected after the first browser test would
    fail with "Runner.run() cannot be called from a running event loop".
    """
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def browser_context(chromium: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh context (empty localStorage, cookies) per test."""
    context = await chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        yield context
    finally:
        await context.close()


@pytest.fixture
def page_requests() -> list[str]:
    """URLs of every request and WebSocket the test's page opened, in order."""
    return []


@pytest.fixture
async def browser_page(browser_context: BrowserContext, page_requests: list[str]) -> Page:
    """A page whose requests (HTTP and WebSocket) are recorded in ``page_requests``.

    Recording is on the context so requests from workers and popups count too.
    """
    browser_context.on("request", lambda request: page_requests.append(request.url))
    page = await browser_context.new_page()
    page.on("websocket", lambda ws: page_requests.append(ws.url))
    return page
