"""The object a webhook event carries, as the ``/api`` face shows it (the same JSON a GET
of it answers). Injected into the delivery worker by whoever starts it (``serve``, the CLI):
services never import a face."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.base import utcnow
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import NotFound
from invoicegraph.http.jsonio import dumps
from invoicegraph.rest.api.shapes import client_json, invoice_json, quote_json
from invoicegraph.rest.api.webhook_endpoints import webhook_endpoint_json
from invoicegraph.services.clients import get_client
from invoicegraph.services.invoices import get_invoice
from invoicegraph.services.public_ids import invoice_public_ids, quote_public_ids
from invoicegraph.services.quotes import get_quote
from invoicegraph.services.verifactu.state import e_invoicing_states
from invoicegraph.services.webhook_endpoints import get_endpoint

INVOICE_KINDS = ("invoice", "verifactu")  # a VERI*FACTU verdict is about an invoice


async def api_object(
    session: AsyncSession, account: Account, kind: str, object_id: int
) -> bytes | None:
    """The object's ``/api`` JSON, or ``None`` when it is gone (or no face shows it)."""
    try:
        if kind in INVOICE_KINDS:
            invoice = await get_invoice(session, account, object_id)
            ids = await invoice_public_ids(session, account, [invoice])
            states = await e_invoicing_states(session, account, [invoice.id])
            return dumps(invoice_json(invoice, ids, states.get(invoice.id)))
        if kind == "quote":
            quote = await get_quote(session, account, object_id)
            return dumps(quote_json(quote, await quote_public_ids(session, account, [quote])))
        if kind == "client":
            return dumps(client_json(await get_client(session, account, object_id)))
        if kind == "webhook_endpoint":
            endpoint = await get_endpoint(session, account, object_id)
            return dumps(webhook_endpoint_json(endpoint, utcnow()))
    except NotFound:
        return None
    return None
