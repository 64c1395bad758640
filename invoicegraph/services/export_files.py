"""Export rows written as files while they are read: CSV chunk by chunk, XLSX through
openpyxl's write-only mode (rows go to a temporary file as they come; only the styles and the
shared strings stay in memory). Either way a page of invoices is encoded and let go before the
next one is read (``services.exports``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import IO, Any

from invoicegraph.domain.spanish_csv import BOM, csv_text, safe_text
from invoicegraph.domain.vat_register import Cell

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
CHUNK_BYTES = 64 * 1024
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "#,##0.00"

Pages = AsyncIterator[list[tuple[Cell, ...]]]


async def csv_chunks(pages: Pages) -> AsyncIterator[bytes]:
    """The CSV (byte-order mark, then the header and each page of rows) as byte chunks."""
    first = True
    async for rows in pages:
        text = csv_text(rows)
        yield ((BOM + text) if first else text).encode()
        first = False


def _xlsx_cells(sheet: Any, rows: Sequence[tuple[Cell, ...]]) -> None:
    from openpyxl.cell import WriteOnlyCell

    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, safe_text(value))
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = DATE_FORMAT
            elif isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value)
                if value.as_tuple().exponent == -2:
                    cell.number_format = MONEY_FORMAT
            else:
                cell = WriteOnlyCell(sheet, value)
            cells.append(cell)
        sheet.append(cells)


async def write_xlsx(pages: Pages, target: IO[bytes] | str, sheet_title: str) -> None:
    """The rows as one sheet of an XLSX workbook written to ``target`` (a path or a binary
    file). openpyxl's work runs in a thread, so the event loop keeps serving meanwhile."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    async for rows in pages:
        await asyncio.to_thread(_xlsx_cells, sheet, rows)
    await asyncio.to_thread(workbook.save, target)


async def xlsx_chunks(pages: Pages, sheet_title: str) -> AsyncIterator[bytes]:
    """The XLSX file as byte chunks: a zip's directory comes last, so the workbook is built in
    a temporary file (on disk, not in memory) and then read out."""
    with tempfile.TemporaryFile() as spool:
        await write_xlsx(pages, spool, sheet_title)
        spool.seek(0)
        while chunk := await asyncio.to_thread(spool.read, CHUNK_BYTES):
            yield chunk


def file_chunks(pages: Pages, fmt: str, sheet_title: str) -> AsyncIterator[bytes]:
    if fmt == "xlsx":
        return xlsx_chunks(pages, sheet_title)
    return csv_chunks(pages)
