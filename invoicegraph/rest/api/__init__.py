"""The Facturovia dialect, served under ``/api`` (seed ``000_…``): UUID ids, lists as
``{"data": [...], "next_cursor": …}``, a created invoice answered as itself and a
rectificative one as ``{"invoice": …}``. The route table below is the whole dialect."""

from __future__ import annotations

from starlette.routing import Route

from invoicegraph.rest.api import clients, exports, invoices, quotes
from invoicegraph.rest.api import models as m
from invoicegraph.rest.api import webhook_deliveries as sent
from invoicegraph.rest.api import webhook_endpoints as hooks
from invoicegraph.rest.api import webhook_models as wm
from invoicegraph.rest.api.dialect import DIALECT
from invoicegraph.rest.operation import Operation
from invoicegraph.rest.operation import routes as table_routes

PDF = ("application/pdf",)
E_INVOICES = ("application/xml", "application/pdf")
INVOICE = ("/id", "/invoices/{id}")
HOOK = ("/id", "/webhook-endpoints/{id}")
RECTIFICATIVE = ("/invoice/id", "/invoices/{id}")

OPERATIONS = [
    Operation("GET", "/invoices", invoices.list_invoices_route, m.list_of(m.ApiInvoice),
              query=m.ApiInvoiceQuery),
    Operation("POST", "/invoices", invoices.create_invoice_route, m.ApiInvoice, 201,
              body=m.ApiInvoiceInput, links=INVOICE),
    Operation("GET", "/invoices/{id}", invoices.get_invoice_route, m.ApiInvoice, etag=True),
    Operation("POST", "/invoices/{id}/issue", invoices.issue_invoice_route, m.ApiInvoice,
              body=m.ApiIssueInput, body_required=False, errors=(402, 409)),
    Operation("POST", "/invoices/{id}/correct", invoices.correct_invoice_route,
              m.ApiRectification, 201, body=m.ApiCorrectInput, body_required=False,
              errors=(402, 409), links=RECTIFICATIVE),
    Operation("POST", "/invoices/{id}/rectify", invoices.rectify_invoice_route,
              m.ApiRectification, 201, body=m.ApiRectifyInput, errors=(402, 409),
              links=RECTIFICATIVE),
    Operation("GET", "/invoices/{id}/pdf", invoices.invoice_pdf_route, PDF, errors=(409,)),
    Operation("GET", "/invoices/{id}/xml", invoices.invoice_xml_route, E_INVOICES,
              query=m.ApiXmlQuery, errors=(409,)),
    Operation("POST", "/invoices/{id}/void", invoices.void_invoice_route, m.ApiInvoice,
              body=m.ApiVoidInput, body_required=False, errors=(409,)),
    Operation("GET", "/clients", clients.list_clients_route, m.list_of(m.ApiClient),
              query=m.ApiClientQuery),
    Operation("POST", "/clients", clients.create_client_route, m.ApiClient, 201,
              body=m.ApiClientInput, links=("/id", "/clients/{id}")),
    Operation("POST", "/clients/find-or-create", clients.find_or_create_client_route,
              m.ApiFindOrCreateResult, 201, also=200, body=m.ApiFindOrCreateInput,
              links=("/client/id", "/clients/{id}")),
    Operation("GET", "/clients/{id}", clients.get_client_route, m.ApiClient, etag=True),
    Operation("GET", "/quotes", quotes.list_quotes_route, m.list_of(m.ApiQuote),
              query=m.ApiQuoteQuery),
    Operation("POST", "/quotes", quotes.create_quote_route, m.ApiQuote, 201,
              body=m.ApiQuoteInput, links=("/id", "/quotes/{id}")),
    Operation("GET", "/quotes/{id}", quotes.get_quote_route, m.ApiQuote, etag=True),
    Operation("GET", "/exports/register", exports.export_register_route, exports.FILES,
              query=exports.ApiExportQuery),
    Operation("GET", "/exports/invoices", exports.export_invoices_route, exports.FILES,
              query=exports.ApiExportQuery),
    Operation("GET", "/webhook-endpoints", hooks.list_webhook_endpoints_route,
              m.list_of(wm.ApiWebhookEndpoint), query=m.PageQuery),
    Operation("POST", "/webhook-endpoints", hooks.create_webhook_endpoint_route,
              wm.ApiWebhookEndpointWithSecret, 201, body=wm.ApiWebhookEndpointInput, admin=True,
              links=HOOK),
    Operation("GET", "/webhook-endpoints/{id}", hooks.get_webhook_endpoint_route,
              wm.ApiWebhookEndpoint, etag=True),
    Operation("PATCH", "/webhook-endpoints/{id}", hooks.update_webhook_endpoint_route,
              wm.ApiWebhookEndpoint, body=wm.ApiWebhookEndpointUpdate, admin=True, etag=True),
    Operation("DELETE", "/webhook-endpoints/{id}", hooks.delete_webhook_endpoint_route, None,
              204, admin=True),
    Operation("POST", "/webhook-endpoints/{id}/rotate-secret",
              hooks.rotate_webhook_endpoint_secret_route, wm.ApiWebhookEndpointWithSecret,
              body=wm.ApiRotateSecretInput, body_required=False, admin=True),
    Operation("GET", "/webhook-endpoints/{id}/deliveries", sent.list_webhook_deliveries_route,
              wm.ApiWebhookDeliveryList),
    Operation("GET", "/webhook-deliveries/{id}/attempts", sent.list_webhook_attempts_route,
              wm.ApiWebhookAttemptList),
    Operation("POST", "/webhook-deliveries/{id}/redeliver", sent.redeliver_webhook_route,
              wm.ApiWebhookDelivery, body=wm.ApiRedeliverInput, body_required=False,
              admin=True, errors=(409,)),
]  # fmt: skip


def routes() -> list[Route]:
    return table_routes(DIALECT, OPERATIONS)
