"""``/api/exports``: the VAT register (*libro registro de facturas expedidas*) and the plain
list of invoices of a date range, as CSV (Spanish conventions) or XLSX, streamed as they are
read (``services.exports``). Exports are reads: a read key may download them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from invoicegraph.db.base import utcnow
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import DomainError
from invoicegraph.rest.api.dialect import DIALECT
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.fields import Date, Query
from invoicegraph.services.export_files import (
    CSV_MEDIA_TYPE,
    MEDIA_TYPES,
    XLSX_MEDIA_TYPE,
    file_chunks,
)
from invoicegraph.services.export_links import open_link
from invoicegraph.services.exports import (
    MAX_RANGE_DAYS,
    ExportRange,
    account_today,
    export_pages,
    export_range,
    file_name,
)

FILES = (CSV_MEDIA_TYPE.split(";")[0], XLSX_MEDIA_TYPE)
SHEETS = {"register": "EXPEDIDAS_INGRESOS", "invoices": "FACTURAS"}


class ApiExportQuery(Query):
    from_: Date | None = Field(
        None,
        alias="from",
        description="First issue date (yyyy-mm-dd), included; default: the first day of "
        "the quarter of `to`",
    )
    to: Date | None = Field(
        None,
        description=f"Last issue date (yyyy-mm-dd), included; default: today. At most "
        f"{MAX_RANGE_DAYS} days after `from`",
    )
    format: Literal["csv", "xlsx"] = Field(
        "csv", description="csv (`;`, decimal comma, dd/mm/yyyy, UTF-8 with BOM) or xlsx"
    )


def stream(call: Call, kind: str) -> Response:
    """The export the query asks for, as a download: checked first (a bad range is a 422
    before any byte goes), then read and written a page at a time while it is sent."""
    query: ApiExportQuery = call.params
    account = call.auth.account
    span = export_range(query.from_, query.to, today=account_today(account))
    return export_response(call.request, call.database, account, kind, span, query.format)


def export_response(
    request: Request, database: Database, account: Account, kind: str, span: ExportRange, fmt: str
) -> Response:
    """The streamed answer of an export (the /api routes and the signed download link). A HEAD
    gets the headers only: the export is not read (the server would read it all to send
    nothing)."""
    headers = {
        "Content-Disposition": f'attachment; filename="{file_name(kind, span, fmt)}"',
        "Cache-Control": "no-store",
    }
    if request.method == "HEAD":
        response = Response(media_type=MEDIA_TYPES[fmt], headers=headers)
        del response.headers["content-length"]  # unknown until the export is read
        return response
    pages = export_pages(database, account, kind, span)
    return StreamingResponse(
        file_chunks(pages, fmt, SHEETS[kind]), media_type=MEDIA_TYPES[fmt], headers=headers
    )


async def export_download(request: Request) -> Response:
    """``GET /exports/download?token=…``: the export a signed link names (GraphQL's
    ``exportDownload``), with no API key; 403 when the link is altered, expired or its key
    revoked."""
    database: Database = request.app.state.database
    try:
        async with database.sessions() as session:
            account, link = await open_link(
                session, request.query_params.get("token", ""), now=utcnow()
            )
    except DomainError as exc:
        return DIALECT.error(exc)
    return export_response(request, database, account, link.kind, link.span, link.fmt)


async def export_register_route(call: Call) -> Response:
    """The register of invoices issued (*libro registro de facturas expedidas*).

    One row per issued invoice and tax rate, in the column layout the tax agency publishes for
    VAT registers (36 columns), then the series, number, date and rectification type of the
    invoice a rectificative corrects. Annulled invoices are not in it. Amounts in euros."""
    return stream(call, "register")


async def export_invoices_route(call: Call) -> Response:
    """The invoices issued in the range, one row each: base, IVA, surcharge, IRPF withheld,
    total, status (annulled ones too), client, in the invoice's currency."""
    return stream(call, "invoices")
