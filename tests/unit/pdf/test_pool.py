"""Rendering through the process pool: off the event loop, warm, and able to lose a worker."""

from __future__ import annotations

import asyncio
import os
import signal
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
