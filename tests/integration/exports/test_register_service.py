"""The register and the plain export read through the service, on both engines: totals equal
the invoices', rectificatives name their original, the XLSX holds the CSV's rows, and another
account (or the sandbox) sees nothing of this one's."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.invoice_export import INVOICE_COLUMNS
from invoicegraph.domain.spanish_csv import cell_text
from invoicegraph.domain.vat_register import REGISTER_COLUMNS, InvoiceTotals, RegisterTotals
from invoicegraph.services.accounts import sandbox_of
from invoicegraph.services.export_files import csv_chunks, xlsx_chunks
from invoicegraph.services.exports import (
    MAX_RANGE_DAYS,
    export_pages,
    export_range,
    issued_invoices,
    register_pages,
)
from invoicegraph.services.invoices import get_invoice

from .conftest import Book, today, xlsx_rows


def this_year() -> object:
    day = today()
    return export_range(dt.date(day.year, 1, 1), day, today=day)


async def _csv(database: Database, account: Account, kind: str) -> list[list[str]]:
    chunks = [c async for c in csv_chunks(export_pages(database, account, kind, this_year()))]
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


async def test_register_totals_equal_the_sum_of_the_invoices(
    database: Database, account: Account, book: Book
) -> None:
    exported, stated = RegisterTotals(), InvoiceTotals()
    async for rows in register_pages(database, account, this_year(), page_size=2):
        for row in rows:
            exported.add_row(row)
    async for invoices in issued_invoices(database, account, this_year()):
        for invoice in invoices:
            stated.add(invoice)
    assert stated.invoices == len(book.ordinary) + len(book.rectificatives)  # not the annulled
    assert exported.invoices == stated.invoices
    assert exported.figures() == stated.figures()
    # and those are the invoices as the API reads them
    totals = Decimal(0)
    async with database.sessions() as session:
        for ref in book.ordinary + book.rectificatives:
            totals += (await get_invoice(session, account, ref)).total_with_taxes
    assert exported.total == totals
    # 5 rates on the first invoice (21 % with IRPF, 4 %, 10 %, 21 % with surcharge, 0 %)
    assert exported.rows == 5 + 1 + 1 + 1 + 1


async def test_rectificative_rows_carry_their_original(
    database: Database, account: Account, book: Book
) -> None:
    rows = await _csv(database, account, "register")
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert header == list(REGISTER_COLUMNS)
    async with database.sessions() as session:
        original = await get_invoice(session, account, book.original)
    rectifying = [r for r in body if r["Tipo de Factura"].startswith("R")]
    assert {r["Tipo de Factura"] for r in rectifying} == {"R1", "R2"}
    partial = [r for r in rectifying if r["Tipo de Factura"] == "R1"]
    assert partial and all(
        r["Factura Rectificada: Número"] == original.full_number for r in partial
    )
    assert all(r["Factura Rectificada: Serie"] == "F" for r in rectifying)
    assert all(r["Tipo de Rectificación"] == "I" for r in rectifying)
    assert all(
        r["Factura Rectificada: Fecha Expedición"] == original.date.strftime("%d/%m/%Y")
        for r in partial
    )
    assert all(r["Base Imponible"].startswith("-") for r in rectifying)
    ordinary = [r for r in body if r["Tipo de Factura"] == "F1"]
    assert all(r["Factura Rectificada: Número"] == "" for r in ordinary)
    # the one paid invoice states its payment once; a text a spreadsheet would run is inert
    assert sum(1 for r in body if r["Cobro: Fecha"]) == 1
    assert {r["Referencia Externa"] for r in body} >= {"'=ORDER-1"}


async def test_the_xlsx_holds_the_rows_of_the_csv(
    database: Database, account: Account, book: Book
) -> None:
    for kind in ("register", "invoices"):
        expected = await _csv(database, account, kind)
        pages = export_pages(database, account, kind, this_year())
        content = b"".join([c async for c in xlsx_chunks(pages, kind)])
        found = xlsx_rows(content)
        assert len(found) == len(expected) > 1, kind
        for got, want in zip(found, expected, strict=True):
            got = got + [None] * (len(want) - len(got))  # empty cells at the end are not stored
            assert [_same(g, w) for g, w in zip(got, want, strict=True)] == [True] * len(want), (
                kind,
                got,
                want,
            )


def _same(value: object, text: str) -> bool:
    """A cell read back from the XLSX is what the CSV says: numbers as numbers (1234.5 is
    1234,50), dates as dates, texts as texts."""
    if value is None:
        return text == ""
    if isinstance(value, dt.datetime):
        return cell_text(value.date()) == text
    if isinstance(value, int | float):
        return Decimal(repr(value)) == Decimal(text.replace(",", "."))
    return cell_text(value) == text  # type: ignore[arg-type]


async def test_the_plain_export_lists_every_issued_invoice_with_its_totals(
    database: Database, account: Account, book: Book
) -> None:
    rows = await _csv(database, account, "invoices")
    assert rows[0] == list(INVOICE_COLUMNS)
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert len(body) == len(book.ordinary) + len(book.rectificatives) + 1
    assert sorted(r["Estado"] for r in body).count("anulada") == 1
    async with database.sessions() as session:
        first = await get_invoice(session, account, book.ordinary[0])
    [row] = [r for r in body if r["Número"] == first.full_number]
    assert row["Total Factura"] == str(first.total_with_taxes).replace(".", ",")
    assert row["Base Imponible"] == str(first.total_before_taxes).replace(".", ",")
    assert row["Cliente"] == "Acme S.L."


async def test_another_account_and_the_sandbox_see_nothing(
    database: Database, account: Account, other_account: Account, book: Book
) -> None:
    async with database.sessions() as session:
        sandbox = await sandbox_of(session, account)
    for someone in (other_account, sandbox):
        for kind in ("register", "invoices"):
            rows = await _csv(database, someone, kind)
            assert len(rows) == 1, (kind, rows[1:])


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 1), "from"),
        (dt.date(2024, 1, 1), dt.date(2025, 1, 2), "to"),
    ],
)
def test_a_bad_range_names_the_parameter(start: dt.date, end: dt.date, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        export_range(start, end, today=dt.date(2026, 6, 1))
    assert [f.field for f in caught.value.fields] == [field]


def test_the_default_range_is_this_quarter_so_far() -> None:
    span = export_range(None, None, today=dt.date(2026, 5, 14))
    assert (span.start, span.end) == (dt.date(2026, 4, 1), dt.date(2026, 5, 14))
    leap = export_range(dt.date(2024, 1, 1), dt.date(2024, 12, 31), today=dt.date(2026, 1, 1))
    assert (leap.end - leap.start).days + 1 == MAX_RANGE_DAYS
