"""``/v1/invoices``: create a proforma, list, get, PATCH and DELETE."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from invoicegraph.db.models import Invoice
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.v1 import invoice_context
from invoicegraph.rest.v1.invoice_input import invoice_data
from invoicegraph.rest.v1.pagination import envelope, page_params, query_fields
from invoicegraph.rest.v1.parse import Fields, body_object
from invoicegraph.rest.v1.shapes import KIND_OF_TYPE, invoice_full, invoice_summary
from invoicegraph.rest.v1.texts import render_texts, uses_variables
from invoicegraph.services import invoices
from invoicegraph.services.invoices import InvoiceData, InvoiceFilter
from invoicegraph.services.unset import is_set

ORDERABLE = (
    "id",
    "name",
    "date",
    "due_date",
    "total_before_taxes",
    "total_taxes",
    "total_with_taxes",
)
FIELDS = ", ".join(ORDERABLE)
MIN_SEARCH, MAX_SEARCH = 3, 255


async def answer(call: Call, invoice: Invoice, status: int = 200) -> Response:
    codes = await invoice_context.series_codes(call, [invoice])
    states = await invoice_context.e_invoicing(call, [invoice])
    shape = invoice_full(invoice, codes.get(invoice.series_id or 0), states.get(invoice.id))
    return call.json({"data": shape}, status)


async def create_invoice(call: Call) -> Response:
    """Create a proforma (draft) invoice."""
    data = invoice_data(body_object(call.body), creating=True)
    _render_texts(data, data.name if is_set(data.name) else None)
    async with call.session() as session:
        invoice = await invoices.create_draft(session, call.auth.account, data)
    return await answer(call, invoice, 201)


async def get_invoice(call: Call) -> Response:
    """A complete invoice."""
    ref = call.path_ref()
    async with call.session() as session:
        invoice = await invoices.get_invoice(session, call.auth.account, ref)
    return await answer(call, invoice)


async def update_invoice(call: Call) -> Response:
    """Change an invoice; an issued one only takes changes without fiscal meaning."""
    ref = call.path_ref()
    data = invoice_data(body_object(call.body), creating=False)
    texts = [t for name in ("intro_texts", "close_texts") for t in _sent_texts(data, name)]
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
    """Invoices, filtered and ordered, a Laravel page at a time."""
    fields = query_fields(call)
    params = page_params(fields)
    flt = _filter(fields)
    order_by, descending = _order(fields)
    fields.check()
    request = params.request(order_by, descending=descending)
    async with call.session() as session:
        page = await invoices.list_invoices(session, call.auth.account, request, flt)
    codes = await invoice_context.series_codes(call, page.items)
    states = await invoice_context.e_invoicing(call, page.items)
    data = [
        invoice_summary(invoice, codes.get(invoice.series_id or 0), states.get(invoice.id))
        for invoice in page.items
    ]
    return call.json(envelope(call, data, page, params))


def _sent_texts(data: InvoiceData, name: str) -> list[Any]:
    texts = getattr(data, name)
    return list(texts) if is_set(texts) else []


def _render_texts(data: InvoiceData, title: str | None) -> None:
    for name in ("intro_texts", "close_texts"):
        texts = getattr(data, name)
        if is_set(texts):
            setattr(data, name, render_texts(texts, document_title=title))


def _filter(fields: Fields) -> InvoiceFilter:
    type_id = fields.identifier("type_id")
    if is_set(type_id) and type_id not in KIND_OF_TYPE:
        fields.fail("type_id", "must be 1 (ordinary), 2 (proforma) or 3 (rectificative)")
    contact_id = fields.identifier("contact_id")
    serie_id = fields.identifier("serie_id")
    date_from = fields.date("from")
    date_to = fields.date("to")
    unpaid = fields.boolean("unpaid")
    search = fields.string("search", max_length=MAX_SEARCH)
    if is_set(search) and search is not None and len(search.strip()) < MIN_SEARCH:
        fields.fail("search", f"must be at least {MIN_SEARCH} characters", "too_short")
        search = None
    if (
        is_set(date_from)
        and is_set(date_to)
        and date_from is not None
        and date_to is not None
        and date_from > date_to
    ):
        fields.fail("from", "must be a date before or equal to to")
    return InvoiceFilter(
        kind=KIND_OF_TYPE.get(type_id) if isinstance(type_id, int) else None,
        client=contact_id if isinstance(contact_id, int) else None,
        series=serie_id if isinstance(serie_id, int) else None,
        date_from=date_from if is_set(date_from) else None,
        date_to=date_to if is_set(date_to) else None,
        unpaid=unpaid is True,
        search=search if isinstance(search, str) else None,
    )


def _order(fields: Fields) -> tuple[str, bool]:
    """``order=field,asc|desc`` (descending when the direction is left out)."""
    order = fields.string("order", max_length=64)
    if not isinstance(order, str):
        return "id", True
    name, comma, direction = order.partition(",")
    if name not in ORDERABLE or (comma and direction not in ("asc", "desc")):
        fields.fail("order", f"must be field,asc or field,desc with field one of {FIELDS}")
        return "id", True
    return name, direction != "asc"
