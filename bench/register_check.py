"""The VAT register of the bench data set (``bench.data.make_fixture``: invoices of 5 lines
with IVA and IRPF), exported as CSV and XLSX through the service the faces use, and checked:
the file's own column sums equal the rows' totals, which equal the invoices' stored totals,
which equal what PostgreSQL sums over the invoices table. Prints the figures, the time of each
export against a baseline measured in the same run (the same invoices' totals read with plain
asyncpg and written as CSV: the floor of any export), and the peak memory (tracemalloc's peak
of Python allocations during a second, traced pass).

    .venv/bin/python -m bench.register_check [--invoices 500]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import tempfile
import time
import tracemalloc
from decimal import Decimal

import asyncpg

from bench import common
from bench.data import make_fixture
from invoicegraph.db.engine import create_database
from invoicegraph.db.models import Account
from invoicegraph.domain.vat_register import REGISTER_COLUMNS, InvoiceTotals, RegisterTotals
from invoicegraph.services.export_files import csv_chunks, write_xlsx
from invoicegraph.services.exports import (
    export_pages,
    export_range,
    issued_invoices,
    register_pages,
)

DATABASE = "invoicegraph_bench_register"
COLUMNS = ("Base Imponible", "Cuota IVA Repercutida", "Cuota Recargo eq.")
COLUMNS += ("Importe Retenido del IRPF", "Total Factura")


def _column_sums(path: str) -> tuple[int, dict[str, Decimal]]:
    """The CSV read back as an accountant's spreadsheet would: rows and column sums."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        assert header == list(REGISTER_COLUMNS), header
        index = {name: header.index(name) for name in COLUMNS}
        sums = dict.fromkeys(COLUMNS, Decimal(0))
        rows = 0
        for row in reader:
            rows += 1
            for name, at in index.items():
                if row[at]:
                    sums[name] += Decimal(row[at].replace(",", "."))
    return rows, sums


async def _baseline(url: str, account_id: int, path: str) -> float:
    """The invoices' totals straight from PostgreSQL into a CSV: what no export can beat."""
    started = time.perf_counter()
    connection = await asyncpg.connect(url)
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:  # noqa: ASYNC230 (nothing else runs)
            writer = csv.writer(handle, delimiter=";")
            async with connection.transaction():
                async for record in connection.cursor(
                    "SELECT full_number, date, recipient_name, recipient_tax_id,"
                    " total_before_taxes, total_vat, total_withholding, total_with_taxes"
                    " FROM invoices WHERE account_id = $1 AND status = 'issued'"
                    " ORDER BY date, id",
                    account_id,
                    prefetch=500,
                ):
                    writer.writerow([str(v).replace(".", ",") for v in record.values()])
    finally:
        await connection.close()
    return time.perf_counter() - started


async def _database_sums(url: str, account_id: int) -> tuple[int, tuple[Decimal, ...]]:
    connection = await asyncpg.connect(url)
    try:
        row = await connection.fetchrow(
            "SELECT count(*), sum(total_before_taxes), sum(total_vat), -sum(total_withholding),"
            " sum(total_with_taxes) FROM invoices WHERE account_id = $1 AND status = 'issued'",
            account_id,
        )
    finally:
        await connection.close()
    assert row is not None
    return int(row[0]), tuple(Decimal(v) for v in row[1:])


async def measure(invoices: int = 500, database_name: str = DATABASE) -> common.Section:
    title = (
        f"register_check — the VAT register of {invoices} bench invoices (bench/register_check.py)"
    )
    with common.stage("register data"):
        url = await common.recreate_database(database_name)
        common.migrate(url)
        fixture = await make_fixture(url, clients=20, issued_invoices=invoices)
    database = create_database(url, pool_size=2)
    lines: list[str] = []
    try:
        async with database.sessions() as session:
            account = await session.get(Account, fixture.account_id)
        assert account is not None
        today = dt.date.today()
        span = export_range(today.replace(month=1, day=1), today, today=today)
        work = tempfile.mkdtemp(prefix="register-")
        csv_path, xlsx_path = os.path.join(work, "libro.csv"), os.path.join(work, "libro.xlsx")
        base_path = os.path.join(work, "baseline.csv")
        with common.stage("register_check: exports"):
            await _baseline(url, fixture.account_id, base_path)  # warm
            baseline = min([await _baseline(url, fixture.account_id, base_path) for _ in range(3)])
            async for _ in csv_chunks(export_pages(database, account, "register", span)):
                pass  # warm: compiled statements, pooled connections
            times: dict[str, float] = {}
            for fmt, path in (("csv", csv_path), ("xlsx", xlsx_path)):
                started = time.perf_counter()
                pages = export_pages(database, account, "register", span)
                if fmt == "csv":
                    with open(path, "wb") as handle:  # noqa: ASYNC230
                        async for chunk in csv_chunks(pages):
                            handle.write(chunk)
                else:
                    await write_xlsx(pages, path, "EXPEDIDAS_INGRESOS")
                times[fmt] = time.perf_counter() - started
            peaks: dict[str, int] = {}
            for fmt in ("csv", "xlsx"):
                tracemalloc.start()
                pages = export_pages(database, account, "register", span)
                if fmt == "csv":
                    async for _ in csv_chunks(pages):
                        pass
                else:
                    await write_xlsx(pages, io.BytesIO(), "EXPEDIDAS_INGRESOS")
                peaks[fmt] = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
        rows_total, stated = RegisterTotals(), InvoiceTotals()
        async for page in register_pages(database, account, span):
            for row in page:
                rows_total.add_row(row)
        async for page_of_invoices in issued_invoices(database, account, span):
            for invoice in page_of_invoices:
                stated.add(invoice)
        file_rows, sums = _column_sums(csv_path)
        counted, in_database = await _database_sums(url, fixture.account_id)
        in_file = (
            sums["Base Imponible"],
            sums["Cuota IVA Repercutida"] + sums["Cuota Recargo eq."],
            sums["Importe Retenido del IRPF"],
            sums["Total Factura"],
        )
        checks = {
            "file rows = register rows": file_rows == rows_total.rows,
            "file sums = register rows' totals": in_file == rows_total.figures(),
            "register = invoices' stored totals": rows_total.figures() == stated.figures(),
            "invoices = PostgreSQL's sums": stated.figures() == in_database,
            "every invoice is in it": rows_total.invoices == stated.invoices == counted == invoices,
        }
        base, vat, withheld, total = rows_total.figures()
        lines += [
            f"{rows_total.invoices} invoices, {rows_total.rows} rows; base {base}, IVA {vat}, "
            f"IRPF withheld {withheld}, total {total} (EUR)",
            "",
            common.table(
                ["export", "seconds", "÷ baseline", "invoices/s", "file KiB", "peak MiB (traced)"],
                [
                    [
                        fmt,
                        f"{times[fmt]:.2f}",
                        f"{times[fmt] / baseline:.1f}×",
                        f"{invoices / times[fmt]:.0f}",
                        f"{os.path.getsize(path) / 1024:.0f}",  # noqa: ASYNC240
                        f"{peaks[fmt] / 2**20:.1f}",
                    ]
                    for fmt, path in (("csv", csv_path), ("xlsx", xlsx_path))
                ]
                + [["baseline (asyncpg → csv)", f"{baseline:.2f}", "1.0×", "", "", ""]],
            ),
            "",
            *(f"- {'OK' if ok else 'FAILED'}: {name}" for name, ok in checks.items()),
        ]
        if not all(checks.values()):
            lines.append("THE REGISTER DOES NOT VALIDATE")
    finally:
        await database.dispose()
        await common.drop_database(database_name)
    return common.Section(title, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--invoices", type=int, default=500)
    args = parser.parse_args()

    async def go() -> None:
        section = await measure(args.invoices)
        print(section.text(), flush=True)
        if any(line.startswith("- FAILED") for line in section.lines):
            raise SystemExit(1)

    common.run(go)


if __name__ == "__main__":
    main()
