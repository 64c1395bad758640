"""The Orzame dialect, served under ``/v1`` (seed ``001_…``): integer ids, ``{"data": …}``
envelopes with Laravel-style ``links``/``meta`` pagination and Laravel's 422 errors. The route
table below is the whole dialect: each operation with its models in and out."""

from __future__ import annotations

from starlette.routing import Route

from invoicegraph.rest.endpoint import Handler
from invoicegraph.rest.fields import Answer, Query
from invoicegraph.rest.operation import Operation
from invoicegraph.rest.operation import routes as table_routes
from invoicegraph.rest.v1 import catalog, contacts, info, invoice_actions, invoices
from invoicegraph.rest.v1 import models as m
from invoicegraph.rest.v1.dialect import DIALECT

PDF = ("application/pdf",)
NEW_INVOICE = ("/data/id", "/invoices/{id}")


def _catalogue(
    path: str,
    item: type[Answer],
    lister: Handler,
    getter: Handler,
    query: type[Query] = m.V1PageQuery,
) -> list[Operation]:
    return [
        Operation("GET", path, lister, m.page_of(item), query=query),
        Operation("GET", f"{path}/{{id}}", getter, m.data_of(item)),
    ]


OPERATIONS = [
    Operation("GET", "/info", info.info, m.data_of(m.V1Info)),
    Operation("GET", "/invoices", invoices.list_invoices, m.page_of(m.V1InvoiceSummary),
              query=m.V1InvoiceQuery),
    Operation("POST", "/invoices", invoices.create_invoice, m.data_of(m.V1Invoice), 201,
              body=m.V1InvoiceCreate, links=NEW_INVOICE),
    Operation("GET", "/invoices/{id}", invoices.get_invoice, m.data_of(m.V1Invoice), etag=True),
    Operation("PATCH", "/invoices/{id}", invoices.update_invoice, m.data_of(m.V1Invoice),
              body=m.V1InvoiceUpdate, etag=True, errors=(409,)),
    Operation("DELETE", "/invoices/{id}", invoices.delete_invoice, None, 204, errors=(409,)),
    Operation("GET", "/invoices/{id}/download", invoice_actions.download_invoice, PDF),
    Operation("POST", "/invoices/{id}/issue", invoice_actions.issue_invoice,
              m.data_of(m.V1Issued), 201, body=m.V1IssueInput, errors=(402,),
              links=("/data/issue_invoice_id", "/invoices/{id}")),
    Operation("POST", "/invoices/{id}/rectify", invoice_actions.rectify_invoice,
              m.data_of(m.V1Rectified), 201, body=m.V1RectifyInput, errors=(402,),
              links=("/data/rectification_invoice_id", "/invoices/{id}")),
    Operation("POST", "/invoices/{id}/annul", invoice_actions.annul_invoice,
              m.data_of(m.V1Annulled), body=m.V1AnnulInput, body_required=False),
    Operation("GET", "/contacts", contacts.list_contacts, m.page_of(m.V1Contact),
              query=m.V1SearchQuery),
    Operation("POST", "/contacts", contacts.create_contact, m.data_of(m.V1Contact), 201,
              body=m.V1ContactInput, links=("/data/id", "/contacts/{id}")),
    Operation("GET", "/contacts/{id}", contacts.get_contact, m.data_of(m.V1Contact), etag=True),
    *_catalogue("/products", m.V1Product, catalog.list_products, catalog.get_product,
                m.V1SearchQuery),
    *_catalogue("/taxes", m.V1Tax, catalog.list_taxes, catalog.get_tax),
    *_catalogue("/series", m.V1Series, catalog.list_series, catalog.get_series),
    *_catalogue("/payment-methods", m.V1PaymentMethod, catalog.list_payment_methods,
                catalog.get_payment_method),
    *_catalogue("/due-dates", m.V1DueDate, catalog.list_due_dates, catalog.get_due_date),
]  # fmt: skip


def routes() -> list[Route]:
    return table_routes(DIALECT, OPERATIONS)
