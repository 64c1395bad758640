"""``/api/invoices``: list, create a draft, fetch one, issue it in place, its PDF, and the
rectificative invoices (``correct`` negates every line, ``rectify`` the items named)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from starlette.responses import Response

from invoicegraph.db.models import Invoice
from invoicegraph.rest.api import parse
from invoicegraph.rest.api.fieldnames import dialect_names
from invoicegraph.rest.api.models import ApiInvoice, ApiInvoiceQuery
from invoicegraph.rest.api.shapes import cursor_page, invoice_json
from invoicegraph.rest.endpoint import Call, file_response
from invoicegraph.services.invoices import (
    InvoiceFilter,
    IssueOptions,
    create_draft,
    get_invoice,
    issue_invoice,
    list_invoices,
    rectify_invoice,
)
from invoicegraph.services.public_ids import invoice_public_ids
from invoicegraph.services.verifactu.state import EInvoicing, e_invoicing_states
from invoicegraph.sqlread import api as sql_api
from invoicegraph.sqlread import invoices as sql_invoices


async def _e_invoicing(call: Call, invoices: Sequence[Invoice]) -> dict[int, EInvoicing]:
    """The VERI*FACTU state of the issued ones (a draft has none)."""
    ids = [invoice.id for invoice in invoices if invoice.status != "draft"]
    if not ids:
        return {}
    async with call.session() as session:
        return dict(await e_invoicing_states(session, call.auth.account, ids))


async def _shaped(call: Call, invoices: Sequence[Invoice]) -> list[ApiInvoice]:
    async with call.session() as session:
        ids = await invoice_public_ids(session, call.auth.account, invoices)
    states = await _e_invoicing(call, invoices)
    return [invoice_json(invoice, ids, states.get(invoice.id)) for invoice in invoices]


async def list_invoices_route(call: Call) -> Response:
    """List invoices with their items, newest first. ``?external_reference=`` matches
    exactly; ``?status=`` and ``?client_id=`` narrow further."""
    query: ApiInvoiceQuery = call.params
    page = parse.page_request(query.limit, query.cursor)
    flt = InvoiceFilter(
        external_reference=query.external_reference, status=query.status, client=query.client_id
    )
    async with call.session() as session:
        if call.sql_reads:
            built = await sql_invoices.invoice_page(
                session, call.auth.account, page, flt, sql_api.invoice
            )
            return call.json(cursor_page(built.data, built))
        found = await list_invoices(session, call.auth.account, page, flt, with_lines=True)
    return call.json(cursor_page(await _shaped(call, found.items), found))


async def create_invoice_route(call: Call) -> Response:
    """Create a draft; answers the invoice itself (not wrapped) with 201."""
    data = parse.invoice_data(call.body)
    with dialect_names():
        async with call.session() as session:
            invoice = await create_draft(session, call.auth.account, data)
    [shaped] = await _shaped(call, [invoice])
    return call.json(shaped, 201)


async def get_invoice_route(call: Call) -> Response:
    """Get a single invoice with line items."""
    ref = call.path_ref()
    async with call.session() as session:
        if call.sql_reads:
            document = await sql_invoices.invoice_document(
                session, call.auth.account, ref, sql_api.invoice
            )
            return call.json(orjson.Fragment(document))
        invoice = await get_invoice(session, call.auth.account, ref)
    [shaped] = await _shaped(call, [invoice])
    return call.json(shaped)


async def issue_invoice_route(call: Call) -> Response:
    """Issue the draft in place (same id, status ``issued``, next number of its series).
    The body may be empty; ``serie_id`` and ``invoice_date`` are optional."""
    ref = call.path_ref()
    options = IssueOptions(series=call.body.serie_id, date=call.body.invoice_date)
    with dialect_names():
        async with call.session() as session:
            invoice = await issue_invoice(session, call.auth.account, ref, options)
    [shaped] = await _shaped(call, [invoice])
    return call.json(shaped)


async def _rectify(call: Call) -> Response:
    ref = call.path_ref()
    options = parse.rectify_options(call.body)
    with dialect_names():
        async with call.session() as session:
            invoice = await rectify_invoice(session, call.auth.account, ref, options)
    [shaped] = await _shaped(call, [invoice])
    return call.json({"invoice": shaped}, 201)


async def correct_invoice_route(call: Call) -> Response:
    """A draft rectificative invoice negating everything the original still has."""
    return await _rectify(call)


async def rectify_invoice_route(call: Call) -> Response:
    """A draft rectificative invoice negating only the items named (positive quantities,
    matched by reference, else by description, capped by what is left to rectify)."""
    return await _rectify(call)


async def invoice_pdf_route(call: Call) -> Response:
    """The PDF of an issued invoice; 409 for a draft."""
    from invoicegraph.services.documents import invoice_pdf

    ref = call.path_ref()
    async with call.session() as session:
        content = await invoice_pdf(session, call.auth.account, ref, allow_draft=False)
    return file_response(content, "application/pdf", f"invoice-{ref}.pdf")


async def invoice_xml_route(call: Call) -> Response:
    """The structured e-invoice of an issued invoice: ``?format=facturx`` (EN 16931 CII, the
    default), ``ubl`` (PEPPOL BIS 3), ``facturae`` (3.2.2, unsigned) or ``facturx-pdf`` (the
    PDF/A-3 with the CII embedded); 409 for a draft."""
    from invoicegraph.services.documents import invoice_einvoice

    ref = call.path_ref()
    fmt = call.params.format
    async with call.session() as session:
        content, media_type = await invoice_einvoice(session, call.auth.account, ref, fmt)
    extension = "pdf" if media_type == "application/pdf" else "xml"
    return file_response(content, media_type, f"invoice-{ref}-{fmt}.{extension}")


async def void_invoice_route(call: Call) -> Response:
    """Annul an issued invoice issued by mistake (status ``annulled``; its number stays
    used). An optional ``reason`` is kept with the cancellation record."""
    from invoicegraph.services.invoices.annulling import annul_invoice

    ref = call.path_ref()
    async with call.session() as session:
        invoice = await annul_invoice(session, call.auth.account, ref, call.body.reason)
    [shaped] = await _shaped(call, [invoice])
    return call.json(shaped)
