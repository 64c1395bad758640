"""Cells as Spanish spreadsheets read them: ``;`` between fields, a decimal comma and no
thousands separator (1234,56), dates as dd/mm/yyyy, CRLF line ends, UTF-8 with a byte-order
mark (without it, Excel reads the file as Windows-1252 and mangles «Expedición»).

A text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return: a client named ``=HYPERLINK(…)``) is written with a leading
apostrophe, the neutralisation OWASP recommends for CSV injection; the XLSX writer applies the
same rule so both files carry the same texts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from invoicegraph.domain.vat_register import Cell

BOM = "\ufeff"
DELIMITER = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """The text, neutralised when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def decimal_text(value: Decimal) -> str:
    """1234,56: the value's own digits (money has two decimals, rates come normalised: 21, 5,2)."""
    return format(value, "f").replace(".", ",")


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "S" if value else "N"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    return safe_text(value)


def csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    """Rows (a header is a row of texts) as CSV text, without the byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell_text(value) for value in row])
    return buffer.getvalue()
