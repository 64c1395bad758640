"""``/v1/invoices``: create a proforma, list, get, PATCH and DELETE; and what an invoice's
answer needs beyond its own row: its series' code (``serie.name``) and its e-invoicing state,
both fetched once per answer, for a whole list page at a time, never once per invoice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from starlette.responses import Response

from invoicegraph.db.models import Invoice
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.v1.invoice_input import invoice_data
from invoicegraph.rest.v1.models import V1InvoiceQuery
from invoicegraph.rest.v1.pagination import envelope, page_request
from invoicegraph.rest.v1.shapes import KIND_OF_TYPE, invoice_full, invoice_summary
from invoicegraph.rest.v1.texts import render_texts, uses_variables
from invoicegraph.services import invoices
from invoicegraph.services.catalog import list_series
from invoicegraph.services.invoices import InvoiceData, InvoiceFilter
from invoicegraph.services.pagination import MAX_PAGE_SIZE, PageRequest
from invoicegraph.services.unset import is_set
from invoicegraph.services.verifactu.state import e_invoicing_states
from invoicegraph.sqlread import invoices as sql_invoices
from invoicegraph.sqlread import v1 as sql_v1

TEXTS = ("intro_texts", "close_texts")


async def series_codes(call: Call, shown: Sequence[Invoice]) -> dict[int, str]:
    """Code of every series the invoices name. An account has a handful of series, so one
    page of them (rarely two) answers a whole list."""
    wanted = {invoice.series_id for invoice in shown if invoice.series_id is not None}
    codes: dict[int, str] = {}
    offset = 0
    async with call.session() as session:
        while wanted - codes.keys():
            page = await list_series(
                session,
                call.auth.account,
                PageRequest(limit=MAX_PAGE_SIZE, offset=offset, descending=False, with_total=False),
            )
            codes.update({series.id: series.code for series in page.items})
            if not page.has_next:
                break
            offset += MAX_PAGE_SIZE
    return codes


async def e_invoicing(call: Call, shown: Sequence[Invoice]) -> dict[int, dict[str, Any]]:
    """The ``e_invoicing`` block of each issued invoice that has one (one call per answer)."""
    issued = [invoice.id for invoice in shown if invoice.status != "draft"]
    if not issued:
        return {}
    async with call.session() as session:
        states = await e_invoicing_states(session, call.auth.account, issued)
    return {invoice_id: state.as_block() for invoice_id, state in states.items()}


async def answer(call: Call, invoice: Invoice, status: int = 200) -> Response:
    codes = await series_codes(call, [invoice])
    states = await e_invoicing(call, [invoice])
    shape = invoice_full(invoice, codes.get(invoice.series_id or 0), states.get(invoice.id))
    return call.json({"data": shape}, status)


async def create_invoice(call: Call) -> Response:
    """Create a proforma (draft) invoice."""
    data = invoice_data(call.body)
    _render_texts(data, data.name if is_set(data.name) else None)
    async with call.session() as session:
        invoice = await invoices.create_draft(session, call.auth.account, data)
    return await answer(call, invoice, 201)


async def get_invoice(call: Call) -> Response:
    """A complete invoice."""
    ref = call.path_ref()
    async with call.session() as session:
        if call.sql_reads:
            document = await sql_invoices.invoice_document(
                session, call.auth.account, ref, sql_v1.invoice_full
            )
            return call.json({"data": orjson.Fragment(document)})
        invoice = await invoices.get_invoice(session, call.auth.account, ref)
    return await answer(call, invoice)


async def update_invoice(call: Call) -> Response:
    """Change an invoice; an issued one only takes changes without fiscal meaning."""
    ref = call.path_ref()
    if not call.body.model_fields_set:
        raise ValidationFailed.single("body", "at least one parameter must be sent", "required")
    data = invoice_data(call.body)
    texts = [t for name in TEXTS if is_set(sent := getattr(data, name)) for t in sent]
    title = data.name if is_set(data.name) else None
    if not is_set(data.name) and uses_variables(texts):
        async with call.session() as session:
            title = (await invoices.get_invoice(session, call.auth.account, ref)).name
    _render_texts(data, title)
    async with call.session() as session:
        invoice = await invoices.update_invoice(session, call.auth.account, ref, data)
    return await answer(call, invoice)


async def delete_invoice(call: Call) -> Response:
    """Delete a proforma, or the last issued invoice of its series (never with VERI*FACTU)."""
    ref = call.path_ref()
    async with call.session() as session:
        await invoices.delete_invoice(session, call.auth.account, ref)
    return Response(status_code=204)


async def list_invoices(call: Call) -> Response:
    """Invoices, filtered and ordered (``order=field,asc|desc``, descending by default), a
    Laravel page at a time. ``unpaid`` keeps unpaid ordinary invoices whatever ``type_id``."""
    query: V1InvoiceQuery = call.params
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise ValidationFailed.single("from", "must be a date before or equal to to")
    name, _, direction = (query.order or "id,desc").partition(",")
    flt = InvoiceFilter(
        kind=KIND_OF_TYPE.get(query.type_id) if query.type_id else None,
        client=query.contact_id,
        series=query.serie_id,
        date_from=query.date_from,
        date_to=query.date_to,
        unpaid=query.unpaid is True,
        search=query.search,
    )
    request = page_request(query, name, descending=direction != "asc")
    if call.sql_reads:
        async with call.session() as session:
            found = await sql_invoices.invoice_page(
                session, call.auth.account, request, flt, sql_v1.invoice_summary
            )
        return call.json(envelope(call, found.data, found, query, len(found.items)))
    async with call.session() as session:
        page = await invoices.list_invoices(session, call.auth.account, request, flt)
    codes = await series_codes(call, page.items)
    states = await e_invoicing(call, page.items)
    data = [
        invoice_summary(invoice, codes.get(invoice.series_id or 0), states.get(invoice.id))
        for invoice in page.items
    ]
    return call.json(envelope(call, data, page, query, len(data)))


def _render_texts(data: InvoiceData, title: str | None) -> None:
    for name in TEXTS:
        texts = getattr(data, name)
        if is_set(texts):
            setattr(data, name, render_texts(texts, document_title=title))
