"""``/v1/invoices/{id}/issue``, ``/rectify`` and ``/download``.

Orzame issues a *new* invoice from the proforma (kept unless ``delete_proforma``) and
rectifies an issued invoice with a new rectificative issued at once; both answer the new id
and its ``e_invoicing`` state.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from invoicegraph.db.models import Invoice
from invoicegraph.domain.rectification import LineCorrection
from invoicegraph.rest.endpoint import Call, file_response
from invoicegraph.rest.fields import rectification_kind
from invoicegraph.rest.v1.invoices import e_invoicing
from invoicegraph.rest.v1.models import V1Annulled, V1Issued, V1Rectified
from invoicegraph.services import invoices
from invoicegraph.services.invoices import IssueOptions, RectifyOptions
from invoicegraph.services.unset import is_set


async def _outcome(call: Call, model: Any, invoice: Invoice, status: int = 200) -> Response:
    """``{"data": model}``: the invoice's id under the model's first field, and its state."""
    states = await e_invoicing(call, [invoice])
    id_field = next(iter(model.model_fields))
    return call.json(
        {"data": model(**{id_field: invoice.id}, e_invoicing=states.get(invoice.id))}, status
    )


async def issue_invoice(call: Call) -> Response:
    """Issue a final invoice from a proforma."""
    ref = call.path_ref()
    body = call.body
    options = IssueOptions(
        series=body.serie_id,
        date=body.date,
        as_new=True,
        delete_proforma=body.delete_proforma is True,
    )
    async with call.session() as session:
        issued = await invoices.issue_invoice(session, call.auth.account, ref, options)
    return await _outcome(call, V1Issued, issued, 201)


async def rectify_invoice(call: Call) -> Response:
    """Rectify an issued invoice with a new rectificative invoice, issued at once: in full, or
    stating corrected lines by differences or by substitution."""
    ref = call.path_ref()
    body = call.body
    sent = body.maybe("corrections")
    corrections = [LineCorrection(**line.sent()) for line in sent or []] if is_set(sent) else None
    options = RectifyOptions(
        corrections=corrections,
        kind=rectification_kind(body),
        issue=IssueOptions(series=body.serie_id, date=body.date),
    )
    async with call.session() as session:
        rectificative = await invoices.rectify_invoice(session, call.auth.account, ref, options)
    return await _outcome(call, V1Rectified, rectificative, 201)


async def annul_invoice(call: Call) -> Response:
    """Annul an invoice issued by mistake (not in the Orzame document: what a VERI*FACTU user
    needs, since issued invoices cannot be deleted there)."""
    ref = call.path_ref()
    async with call.session() as session:
        annulled = await invoices.annul_invoice(session, call.auth.account, ref, call.body.reason)
    return await _outcome(call, V1Annulled, annulled)


async def download_invoice(call: Call) -> Response:
    """The invoice as a PDF; a proforma downloads as a preview."""
    # rendering pulls in weasyprint: only a download pays for importing it
    from invoicegraph.services.documents import invoice_pdf

    ref = call.path_ref()
    async with call.session() as session:
        pdf = await invoice_pdf(session, call.auth.account, ref, allow_draft=True)
    return file_response(pdf, "application/pdf", f"invoice-{ref}.pdf", save=True)
