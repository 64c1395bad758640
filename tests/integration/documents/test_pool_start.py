"""When the PDF processes start is a setting: before the server answers (PDF_WARM_ON_START
true, the default) or on the first PDF (false); either way the pool's memory can be read, and
/metrics shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import create_database
from invoicegraph.http.metrics import PDF_POOL_MEMORY, PDF_POOL_PROCESSES
from invoicegraph.pdf import pool
from invoicegraph.pdf.sample import sample_document
from invoicegraph.settings import Settings

MIB = 1024 * 1024


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'pool.db'}"


async def test_warm_on_start_has_every_worker_up_before_the_app_serves(sqlite_url: str) -> None:
    pool.shutdown_pool()
    settings = Settings(database_url=sqlite_url, pdf_workers=1, pdf_warm_on_start=True)
    app = create_app(settings, database=create_database(sqlite_url))

    async with app.router.lifespan_context(app):
        # uvicorn accepts connections only after the lifespan start-up returns
        assert pool.is_started()
        [pid] = pool.worker_pids()
        memory = pool.worker_memory()
        assert set(memory) == {pid}
        assert memory[pid] > 20 * MIB  # weasyprint, fonts and the parsed stylesheets
        # and /metrics has it from the start, before any PDF
        assert PDF_POOL_PROCESSES._value.get() == 1  # type: ignore[attr-defined]
        assert PDF_POOL_MEMORY._value.get() > 20 * MIB  # type: ignore[attr-defined]
    assert not pool.is_started()  # shut down with the app
    assert PDF_POOL_PROCESSES._value.get() == 0  # type: ignore[attr-defined]
    assert PDF_POOL_MEMORY._value.get() == 0  # type: ignore[attr-defined]


async def test_without_warm_on_start_the_first_pdf_starts_the_pool(sqlite_url: str) -> None:
    pool.shutdown_pool()
    settings = Settings(database_url=sqlite_url, pdf_workers=1, pdf_warm_on_start=False)
    app = create_app(settings, database=create_database(sqlite_url))

    async with app.router.lifespan_context(app):
        assert not pool.is_started()
        assert pool.worker_pids() == ()
        assert pool.worker_memory() == {}
        assert PDF_POOL_PROCESSES._value.get() == 0  # type: ignore[attr-defined]

        pdf = await pool.render_pdf(sample_document())
        assert PDF_POOL_PROCESSES._value.get() == 1  # type: ignore[attr-defined]
        assert PDF_POOL_MEMORY._value.get() > 20 * MIB  # type: ignore[attr-defined]

        assert pdf.startswith(b"%PDF-")
        assert len(pool.worker_pids()) == 1
    assert not pool.is_started()
