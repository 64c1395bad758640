"""``kill -9`` of the server in the middle of load, then a restart.

Concurrent clients create and issue invoices through the real server (``invoicegraph serve``
on PostgreSQL) for two accounts, one with VERI*FACTU on. The server is SIGKILLed while
requests are in flight. After a restart: every invoice acknowledged with a 2xx exists as
acknowledged (lines, totals, number), nothing is half-written, every series is gapless, the
VERI*FACTU chain verifies, and the restarted server carries on numbering where the books are.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from .books import assert_books_hold
from .conftest import FaultDatabase, Tenant, invoice_body, make_tenant
from .server import start_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

CLIENTS = 12
KILL_AFTER_ISSUED = 24  # acknowledged issues before the kill
LOAD_SECONDS = 20  # at most, should the server be slow


@dataclass
class Acknowledged:
    """What the server answered with a 2xx, by invoice UUID."""

    created: dict[str, dict[str, Any]] = field(default_factory=dict)
    issued: dict[str, dict[str, Any]] = field(default_factory=dict)
    lost: int = 0  # requests the kill cut off
    refused: list[str] = field(default_factory=list)  # anything else: a failure


async def _client_loop(
    http: httpx.AsyncClient, tenants: list[Tenant], seen: Acknowledged, stop: asyncio.Event, n: int
) -> None:
    while not stop.is_set():
        tenant = tenants[n % len(tenants)]
        headers = {"Authorization": f"Bearer {tenant.key}"}
        try:
            created = await http.post(
                "/api/invoices", json=invoice_body(tenant, n), headers=headers
            )
            if created.status_code != 201:
                seen.refused.append(f"create {created.status_code} {created.text[:200]}")
                return
            invoice = created.json()
            seen.created[invoice["id"]] = invoice
            issued = await http.post(f"/api/invoices/{invoice['id']}/issue", headers=headers)
            if issued.status_code != 200:
                seen.refused.append(f"issue {issued.status_code} {issued.text[:200]}")
                return
            seen.issued[invoice["id"]] = issued.json()
        except httpx.TransportError:
            seen.lost += 1
            return
        n += CLIENTS


async def test_kill_9_mid_load_loses_nothing_acknowledged(
    fault_db: FaultDatabase, tmp_path: Path
) -> None:
    database = fault_db.database
    tenants = [
        await make_tenant(database, verifactu=True),
        await make_tenant(database, verifactu=False),
    ]
    server = await start_server(fault_db.url, tmp_path)
    seen = Acknowledged()
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
            loops = [
                asyncio.create_task(_client_loop(http, tenants, seen, stop, n))
                for n in range(CLIENTS)
            ]
            deadline = asyncio.get_running_loop().time() + LOAD_SECONDS
            while len(seen.issued) < KILL_AFTER_ISSUED:
                assert asyncio.get_running_loop().time() < deadline, server.log_tail()
                assert not seen.refused, seen.refused
                await asyncio.sleep(0.01)
            await asyncio.sleep(random.uniform(0, 0.03))  # somewhere inside a request
            server.kill9()
            stop.set()
            await asyncio.gather(*loops)
    finally:
        server.stop()
    assert not seen.refused, seen.refused
    assert seen.lost > 0, "the kill should have cut requests off"

    books = {tenant.key: await assert_books_hold(database, tenant.account) for tenant in tenants}
    stored = {uuid: row for b in books.values() for uuid, row in b.invoices.items()}
    assert set(seen.created) <= set(stored), set(seen.created) - set(stored)
    _check_acknowledged(seen, stored)

    restarted = await start_server(fault_db.url, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=restarted.url, timeout=30) as http:
            for tenant in tenants:
                headers = {"Authorization": f"Bearer {tenant.key}"}
                created = await http.post(
                    "/api/invoices", json=invoice_body(tenant, 0), headers=headers
                )
                assert created.status_code == 201, created.text
                issued = await http.post(
                    f"/api/invoices/{created.json()['id']}/issue", headers=headers
                )
                assert issued.status_code == 200, issued.text
                # the restarted server goes on from the books: the number after the last
                after = await assert_books_hold(database, tenant.account)
                row = after.invoices[created.json()["id"]]
                assert row.series_id is not None
                assert row.number == books[tenant.key].last_numbers[row.series_id] + 1
                assert issued.json()["number"] == row.number
    finally:
        restarted.stop()


def _check_acknowledged(seen: Acknowledged, stored: dict[str, Any]) -> None:
    for uuid, answer in seen.created.items():
        invoice = stored[uuid]
        assert len(invoice.lines) == len(answer["items"]) == 2, uuid
        assert invoice.total_with_taxes == Decimal(str(answer["total"])), uuid
        issued = seen.issued.get(uuid)
        if issued is not None:
            assert invoice.status == "issued", uuid
            assert (invoice.number, invoice.full_number) == (
                issued["number"],
                issued["full_number"],
            ), uuid
