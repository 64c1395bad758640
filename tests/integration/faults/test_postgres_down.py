"""PostgreSQL stops under load: the server answers 503 with a clear message (never a 500,
never a traceback) and recovers by itself, without a restart, when PostgreSQL is back.

The server runs on a PostgreSQL instance of the test's own, so stopping it disturbs nobody.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import create_database
from invoicegraph.db.migrate import migrate
from invoicegraph.http_errors import DATABASE_DOWN_MESSAGE
from invoicegraph.settings import Settings

from .conftest import Tenant, invoice_body, make_tenant
from .private_postgres import PrivatePostgres
from .server import Server, start_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

RECOVERY_SECONDS = 30
CLIENTS = 6


@dataclass
class Answers:
    statuses: list[int] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # anything but a 2xx or a clean 503


@pytest.fixture(scope="module")
def instance() -> Iterator[PrivatePostgres]:
    created = PrivatePostgres()
    try:
        created.init()
        yield created
    finally:
        created.destroy()


@pytest.fixture
async def private_pg(instance: PrivatePostgres) -> PrivatePostgres:
    """The module's instance, running (a test may leave it stopped)."""
    if not instance.running():
        instance.start()
    return instance


@pytest.fixture
async def tenant(private_pg: PrivatePostgres) -> AsyncIterator[Tenant]:
    database = create_database(private_pg.url, pool_size=2)
    try:
        await migrate(database)
        yield await make_tenant(database, verifactu=False)
    finally:
        await database.dispose()


def clean_503(response: httpx.Response, path: str) -> str | None:
    """Why ``response`` is not the clear 503 a client can act on (None when it is)."""
    if "Traceback" in response.text or "asyncpg" in response.text:
        return f"{path}: internals in the answer: {response.text[:300]}"
    if not response.headers.get("content-type", "").startswith("application/json"):
        return f"{path}: not JSON: {response.text[:300]}"
    body = response.json()
    if path == "/health":  # its own contract, for load balancers
        body.pop("request_id", None)  # every error answer names its request
        return None if body == {"status": "unavailable", "database": "unreachable"} else str(body)
    message = (body.get("error") or {}).get("message") if "error" in body else body.get("message")
    if path == "/graphql" and "errors" in body:
        message = body["errors"][0]["message"]
    if message != DATABASE_DOWN_MESSAGE:
        return f"{path}: unclear message {response.text[:300]}"
    if response.headers.get("retry-after") is None:
        return f"{path}: no Retry-After"
    return None


def requests_for(
    tenant: Tenant,
) -> list[tuple[str, Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]]]:
    auth = {"Authorization": f"Bearer {tenant.key}"}
    return [
        ("/health", lambda http: http.get("/health")),
        ("/api/invoices", lambda http: http.get("/api/invoices", headers=auth)),
        ("/api/invoices POST", lambda http: http.post("/api/invoices", json=invoice_body(tenant, 1), headers=auth)),
        ("/v1/invoices", lambda http: http.get("/v1/invoices", headers=auth)),
        ("/graphql", lambda http: http.post("/graphql", json={"query": "{ account { name } }"}, headers=auth)),
    ]  # fmt: skip


async def _load(
    http: httpx.AsyncClient, tenant: Tenant, answers: Answers, stop: asyncio.Event, n: int
) -> None:
    calls = requests_for(tenant)
    while not stop.is_set():
        path, call = calls[n % len(calls)]
        n += 1
        try:
            response = await call(http)
        except httpx.TransportError as exc:
            answers.wrong.append(f"{path}: no answer: {exc!r}")
            continue
        answers.statuses.append(response.status_code)
        if response.status_code == 503:
            reason = clean_503(response, path.split(" ")[0])
            if reason:
                answers.wrong.append(reason)
        elif not 200 <= response.status_code < 300:
            answers.wrong.append(f"{path}: {response.status_code} {response.text[:300]}")


async def _until_ok(server: Server, tenant: Tenant) -> float:
    """Seconds until every kind of request is answered 2xx again."""
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        for path, call in requests_for(tenant):
            while True:
                response = await call(http)
                if 200 <= response.status_code < 300:
                    break
                assert response.status_code == 503, (path, response.status_code, response.text)
                assert time.monotonic() - started < RECOVERY_SECONDS, server.log_tail()
                await asyncio.sleep(0.2)
    return time.monotonic() - started


async def test_postgres_down_is_503_and_the_server_recovers_by_itself(
    private_pg: PrivatePostgres, tenant: Tenant, tmp_path: Path
) -> None:
    server = await start_server(private_pg.url, tmp_path)
    answers = Answers()
    stop = asyncio.Event()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            loops = [
                asyncio.create_task(_load(http, tenant, answers, stop, n)) for n in range(CLIENTS)
            ]
            for _ in range(600):  # a few answers of every kind first (at most 30 s)
                if len(answers.statuses) >= 4 * CLIENTS or answers.wrong:
                    break
                await asyncio.sleep(0.05)
            assert set(answers.statuses) <= {200, 201} and not answers.wrong, answers
            private_pg.stop("fast")
            down_from = len(answers.statuses)
            await asyncio.sleep(1.5)
            stop.set()
            await asyncio.gather(*loops)
            assert 503 in answers.statuses[down_from:], answers.statuses[down_from:]
            assert answers.wrong == [], answers.wrong[:10]
            # one of each, answered while PostgreSQL is down
            for path, call in requests_for(tenant):
                response = await call(http)
                assert response.status_code == 503, (path, response.text)
                assert clean_503(response, path.split(" ")[0]) is None
        private_pg.start()
        await _until_ok(server, tenant)
        assert server.process.poll() is None, "the server must not have restarted"
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            auth = {"Authorization": f"Bearer {tenant.key}"}
            created = await http.post("/api/invoices", json=invoice_body(tenant, 2), headers=auth)
            assert created.status_code == 201, created.text
            issued = await http.post(f"/api/invoices/{created.json()['id']}/issue", headers=auth)
            assert issued.status_code == 200, issued.text
    finally:
        server.stop()
    # an error escaping to uvicorn means a traceback per request and a dropped connection
    log = server.log.read_text(errors="replace")
    assert "Exception in ASGI application" not in log, log[-3000:]


async def test_postgres_shutting_down_is_503_not_500(
    private_pg: PrivatePostgres, tenant: Tenant
) -> None:
    """While PostgreSQL shuts down (or starts up) it refuses new connections with SQLSTATE
    57P03 rather than closing the port: that is the database being unavailable too."""
    app = create_app(Settings(), database=create_database(private_pg.url, pool_size=1))
    holder = await asyncpg.connect(private_pg.url)  # a smart shutdown waits for it
    try:
        private_pg.stop("smart", wait=False)
        with pytest.raises(asyncpg.CannotConnectNowError):
            for _ in range(100):  # until the postmaster has taken the stop request
                await (await asyncpg.connect(private_pg.url)).close()
                await asyncio.sleep(0.05)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://faults.test",
        ) as http:
            for path, call in requests_for(tenant):
                if path == "/api/invoices POST":
                    continue
                response = await call(http)
                assert response.status_code == 503, (path, response.status_code, response.text)
                assert clean_503(response, path) is None
    finally:
        await holder.close()
        await app.state.database.dispose()
