"""Rendering runs off the event loop: /health keeps answering within 100 ms while 10 PDFs
render in the process pool of a real server process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from decimal import Decimal

import httpx

from invoicegraph.db.engine import Database
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceData, create_draft, issue_invoice
from invoicegraph.services.lines import LineData
from tests.parties import CLIENT_ADDRESS, ISSUER_ADDRESS
from tests.tax_ids import new_tax_id


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_health_answers_within_100_ms_while_10_pdfs_render(
    postgresql_database: Database,
) -> None:
    database = postgresql_database
    async with database.sessions() as session:
        account = await create_account(
            session, **ISSUER_ADDRESS, name="Render S.L.", tax_id=new_tax_id(), plan="professional"
        )
    async with database.sessions() as session:
        client = await create_client(
            session, account, ClientInput(**CLIENT_ADDRESS, name="Cliente", tax_id="B27346063")
        )
    ids = []
    for i in range(10):
        lines = [
            LineData(
                description=f"Línea {j}",
                quantity=Decimal(j + 1),
                price=Decimal("12.5"),
                vat_rate=Decimal(21),
            )
            for j in range(5 + i)
        ]
        async with database.sessions() as session:
            draft = await create_draft(session, account, InvoiceData(client=client.id, lines=lines))
        async with database.sessions() as session:
            ids.append(str((await issue_invoice(session, account, draft.id)).uuid))
    async with database.sessions() as session:
        key = (await create_key(session, account, access="read")).text

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "PDF_WORKERS": "1",  # leaves the other core to the event loop on a 2-core machine
        "PDF_WARM_ON_START": "true",
    }
    server = subprocess.Popen(  # noqa: ASYNC220 - starts, does not wait
        [sys.executable, "-m", "invoicegraph", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                await asyncio.sleep(0.2)
            # PDF_WARM_ON_START: /health answers only once the PDF worker is warm
            renders = [asyncio.create_task(http.get(f"/api/invoices/{uuid}/pdf")) for uuid in ids]
            latencies = []
            while not all(task.done() for task in renders):
                started = time.perf_counter()
                response = await http.get("/health")
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200
                await asyncio.sleep(0.02)
            answers = [task.result() for task in renders]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert all(a.status_code == 200 and a.content.startswith(b"%PDF") for a in answers)
    assert len(latencies) >= 5, "the renders finished before health could be measured"
    latencies.sort()
    p90 = latencies[int(len(latencies) * 0.9) - 1]
    assert statistics.median(latencies) < 0.1 and p90 < 0.1, (
        f"/health during rendering: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p90 {p90 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms over {len(latencies)} calls"
    )
