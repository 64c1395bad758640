"""Rendering through the process pool: off the event loop, warm, and able to lose a worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from invoicegraph.pdf import pool
from invoicegraph.pdf.document import InvoiceDocument


@pytest.fixture(scope="module")
async def started_pool() -> AsyncIterator[None]:
    await pool.start_pool(workers=2)
    yield
    pool.shutdown_pool()


async def test_a_render_returns_pdf_bytes(
    started_pool: None, seed_invoice: InvoiceDocument
) -> None:
    pdf = await pool.render_pdf(seed_invoice)

    assert pdf.startswith(b"%PDF-")
    assert pool.pool_size() == 2


async def test_the_pdf_a_variant_is_passed_through(
    started_pool: None, seed_invoice: InvoiceDocument
) -> None:
    pdf = await pool.render_pdf(seed_invoice, variant="pdf/a-3b")

    catalog: Any = PdfReader(BytesIO(pdf)).trailer["/Root"]
    assert "/OutputIntents" in catalog


async def test_the_event_loop_keeps_running_while_pdfs_render(
    started_pool: None, long_invoice: InvoiceDocument
) -> None:
    gaps: list[float] = []

    async def tick() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    await asyncio.gather(*(pool.render_pdf(long_invoice) for _ in range(4)))
    elapsed = time.perf_counter() - started
    ticker.cancel()

    # Rendering on the loop would stall it for a whole render, half of this batch or more.
    assert len(gaps) > 10
    assert max(gaps) < elapsed / 4


async def test_a_killed_worker_is_replaced(
    started_pool: None, seed_invoice: InvoiceDocument
) -> None:
    loop = asyncio.get_running_loop()
    worker = await loop.run_in_executor(pool._get_pool(), os.getpid)
    os.kill(worker, signal.SIGKILL)
    await asyncio.sleep(0.2)

    pdf = await pool.render_pdf(seed_invoice)

    assert pdf.startswith(b"%PDF-")


def test_a_pool_needs_at_least_one_worker() -> None:
    with pytest.raises(ValueError, match="at least one worker"):
        pool.configure_pool(0)


_SERVER_SCRIPT = """
import asyncio, os
from invoicegraph.pdf import pool

async def main():
    await pool.start_pool(1)
    loop = asyncio.get_running_loop()
    print(await loop.run_in_executor(pool._get_pool(), os.getpid), flush=True)
    await asyncio.sleep(120)

asyncio.run(main())
"""


def _is_running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "State:\tZ" not in status.read()
    except FileNotFoundError:
        return False


def test_workers_leave_when_the_server_is_killed() -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        worker = int(server.stdout.readline())
        assert _is_running(worker)
    finally:
        server.kill()
        server.wait()

    deadline = time.monotonic() + 15
    while _is_running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _is_running(worker)
