"""A large range streams: the memory an export takes (tracemalloc's peak while it runs) is set
by its page, not by how many invoices the range holds."""

from __future__ import annotations

import datetime as dt
import tracemalloc

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.vat_register import RegisterTotals
from invoicegraph.services.export_files import file_chunks
from invoicegraph.services.exports import export_pages, export_range, register_pages

from ..invoices.conftest import Catalogue
from ..invoices.helpers import line, new_issued
from .books import copy_issued
from .conftest import today

MANY = 1200
FEW = 100


async def _peak(database: Database, account: Account, fmt: str) -> tuple[int, int]:
    """(peak bytes allocated while exporting, bytes written)."""
    span = export_range(dt.date(today().year, 1, 1), today(), today=today())
    written = 0
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        async for chunk in file_chunks(export_pages(database, account, "register", span), fmt, "r"):
            written += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, written


async def test_the_memory_of_an_export_does_not_grow_with_its_range(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    c = catalogue
    lines = [
        line(c, "Consultoría", "3", "1234.50", taxes=("IVA (21%)", "IRPF (-15%)")),
        line(c, "Libros", "2", "19.99", taxes=("IVA (4%)",)),
    ]
    template = await new_issued(database, account, c, lines)
    await copy_issued(database, account, template, FEW)
    for fmt in ("csv", "xlsx"):
        await _peak(database, account, fmt)  # warm: compiled statements, imports, caches
    small = {fmt: await _peak(database, account, fmt) for fmt in ("csv", "xlsx")}
    await copy_issued(database, account, template, MANY, after=FEW)
    for fmt in ("csv", "xlsx"):
        # warm again: what a first run of many pages allocates once (a pooled connection
        # opened, its statement cache, compiled cursor statements) is not the export's memory
        await _peak(database, account, fmt)
    large = {fmt: await _peak(database, account, fmt) for fmt in ("csv", "xlsx")}
    for fmt in ("csv", "xlsx"):
        (small_peak, small_bytes), (large_peak, large_bytes) = small[fmt], large[fmt]
        assert large_bytes > 8 * small_bytes, fmt
        # 12 times the invoices (2 rows each), at most 3 times the memory: an export holding
        # its range would take about 12 times. (Measured on PostgreSQL: 1.5-1.8 times, some
        # 0.5-1 MiB that a long run adds beside its page; SQLite: about 1 time.)
        assert large_peak < 3 * small_peak, (fmt, small_peak, large_peak)
    totals = RegisterTotals()
    span = export_range(dt.date(today().year, 1, 1), today(), today=today())
    async for rows in register_pages(database, account, span):
        for row in rows:
            totals.add_row(row)
    assert totals.invoices == 1 + FEW + MANY
