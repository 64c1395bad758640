"""A transaction killed between number allocation and commit leaves no gap.

Issuing on a VERI*FACTU account allocates the number (the series row is updated and locked)
and then waits for the account's chain lock. A test session holding that lock stops the issue
right there, with its number allocated and not committed. Then the transaction dies: its
PostgreSQL backend is terminated, its task is cancelled, or its server is SIGKILLed. The next
issue must take the very same number, and the books must hold.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import select

from invoicegraph.app import create_app
from invoicegraph.db.models import Invoice, Series
from invoicegraph.http_errors import DATABASE_DOWN_MESSAGE
from invoicegraph.services.invoices import issue_invoice
from invoicegraph.settings import Settings

from ...conftest import _asyncpg_dsn
from .books import assert_books_hold
from .conftest import FaultDatabase, Tenant, invoice_body, make_tenant
from .server import start_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

WAIT_SECONDS = 30


@asynccontextmanager
async def chain_lock_held(fault_db: FaultDatabase, tenant: Tenant) -> AsyncIterator[None]:
    """Hold the account row the way ``lock_chain`` takes it, until the block ends."""
    connection = await asyncpg.connect(_asyncpg_dsn(fault_db.url))
    try:
        async with connection.transaction():
            await connection.execute(
                "SELECT id FROM accounts WHERE id = $1 FOR NO KEY UPDATE", tenant.account.id
            )
            yield
    finally:
        await connection.close()


async def allocated_and_waiting(fault_db: FaultDatabase) -> int:
    """The backend pid of the issue that has updated the series (allocated its number) and
    now waits for the chain lock."""
    connection = await asyncpg.connect(_asyncpg_dsn(fault_db.url))
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            pid = await connection.fetchval(
                """SELECT a.pid FROM pg_stat_activity a
                   JOIN pg_locks l ON l.pid = a.pid
                   JOIN pg_class c ON c.oid = l.relation
                   WHERE a.datname = current_database() AND a.wait_event_type = 'Lock'
                     AND c.relname = 'series' AND l.mode = 'RowExclusiveLock' AND l.granted"""
            )
            if pid is not None:
                return int(pid)
            await asyncio.sleep(0.02)
    finally:
        await connection.close()
    raise AssertionError("no issue got to wait between allocation and commit")


async def backend_gone(fault_db: FaultDatabase, pid: int) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(fault_db.url))
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid
        ):
            assert time.monotonic() < deadline, f"backend {pid} still there"
            await asyncio.sleep(0.02)
    finally:
        await connection.close()


async def _draft_and_next_number(
    fault_db: FaultDatabase, http: httpx.AsyncClient, tenant: Tenant
) -> tuple[str, int]:
    """A new draft, and the number the series will give next."""
    created = await http.post("/api/invoices", json=invoice_body(tenant, 1), headers=_auth(tenant))
    assert created.status_code == 201, created.text
    async with fault_db.database.sessions() as session, session.begin():
        last = await session.scalar(
            select(Series.last_number).where(
                Series.account_id == tenant.account.id, Series.code == "F"
            )
        )
    assert last is not None
    return created.json()["id"], last + 1


def _auth(tenant: Tenant) -> dict[str, str]:
    return {"Authorization": f"Bearer {tenant.key}"}


async def _issue_takes(http: httpx.AsyncClient, tenant: Tenant, uuid: str, number: int) -> None:
    issued = await http.post(f"/api/invoices/{uuid}/issue", headers=_auth(tenant))
    assert issued.status_code == 200, issued.text
    assert issued.json()["number"] == number


@pytest.fixture
async def app_http(fault_db: FaultDatabase) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(rate_limit_per_minute=0), database=fault_db.database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://faults.test",
        timeout=60,
    ) as http:
        yield http


async def test_a_terminated_backend_gives_its_number_back(
    fault_db: FaultDatabase, app_http: httpx.AsyncClient
) -> None:
    tenant = await make_tenant(fault_db.database, verifactu=True)
    uuid, number = await _draft_and_next_number(fault_db, app_http, tenant)
    async with chain_lock_held(fault_db, tenant):
        attempt = asyncio.create_task(
            app_http.post(f"/api/invoices/{uuid}/issue", headers=_auth(tenant))
        )
        pid = await allocated_and_waiting(fault_db)
        admin = await asyncpg.connect(_asyncpg_dsn(fault_db.url))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        answer = await attempt
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["message"] == DATABASE_DOWN_MESSAGE
    await _issue_takes(app_http, tenant, uuid, number)
    await assert_books_hold(fault_db.database, tenant.account)


async def test_a_cancelled_issue_gives_its_number_back(
    fault_db: FaultDatabase, app_http: httpx.AsyncClient
) -> None:
    tenant = await make_tenant(fault_db.database, verifactu=True)
    uuid, number = await _draft_and_next_number(fault_db, app_http, tenant)
    database = fault_db.database
    async with database.sessions() as session:
        draft_id = await session.scalar(select(Invoice.id).where(Invoice.uuid == uuid))
    assert draft_id is not None

    async def issue() -> None:
        async with database.sessions() as session:
            await issue_invoice(session, tenant.account, draft_id)

    async with chain_lock_held(fault_db, tenant):
        attempt = asyncio.create_task(issue())
        pid = await allocated_and_waiting(fault_db)
        attempt.cancel()
        with pytest.raises(asyncio.CancelledError):
            await attempt
    await backend_gone_or_idle(fault_db, pid)
    await _issue_takes(app_http, tenant, uuid, number)
    await assert_books_hold(database, tenant.account)


async def backend_gone_or_idle(fault_db: FaultDatabase, pid: int) -> None:
    """The cancelled session's backend ended its transaction (closed, or back in the pool)."""
    connection = await asyncpg.connect(_asyncpg_dsn(fault_db.url))
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state <> 'idle'", pid
        ):
            assert time.monotonic() < deadline, f"backend {pid} still in its transaction"
            await asyncio.sleep(0.02)
    finally:
        await connection.close()


async def test_a_server_killed_mid_issue_gives_its_number_back(
    fault_db: FaultDatabase, tmp_path: Path
) -> None:
    tenant = await make_tenant(fault_db.database, verifactu=True)
    server = await start_server(fault_db.url, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            uuid, number = await _draft_and_next_number(fault_db, http, tenant)
            async with chain_lock_held(fault_db, tenant):
                attempt = asyncio.create_task(
                    http.post(f"/api/invoices/{uuid}/issue", headers=_auth(tenant))
                )
                pid = await allocated_and_waiting(fault_db)
                server.kill9()
                with pytest.raises(httpx.TransportError):
                    await attempt
            # the orphaned backend gets its lock, finds its client gone, and rolls back
            await backend_gone(fault_db, pid)
    finally:
        server.stop()
    restarted = await start_server(fault_db.url, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=restarted.url, timeout=60) as http:
            await _issue_takes(http, tenant, uuid, number)
    finally:
        restarted.stop()
    await assert_books_hold(fault_db.database, tenant.account)
