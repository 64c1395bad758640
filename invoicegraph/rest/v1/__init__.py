"""The Orzame dialect, served under ``/v1`` (seed ``001_…``): integer ids, ``{"data": …}``
envelopes with Laravel-style ``links``/``meta`` pagination and Laravel's 422 errors."""

from __future__ import annotations

from starlette.routing import Route

from invoicegraph.rest.v1 import catalog, contacts, info, invoice_actions, invoices
from invoicegraph.rest.v1.dialect import DIALECT


def routes() -> list[Route]:
    route = DIALECT.route
    return [
        route("/info", info.info, ["GET"]),
        route("/invoices", invoices.list_invoices, ["GET"]),
        route("/invoices", invoices.create_invoice, ["POST"], write=True),
        route("/invoices/{id}", invoices.get_invoice, ["GET"]),
        route("/invoices/{id}", invoices.update_invoice, ["PATCH"], write=True),
        route("/invoices/{id}", invoices.delete_invoice, ["DELETE"], write=True),
        route("/invoices/{id}/download", invoice_actions.download_invoice, ["GET"]),
        route("/invoices/{id}/issue", invoice_actions.issue_invoice, ["POST"], write=True),
        route("/invoices/{id}/rectify", invoice_actions.rectify_invoice, ["POST"], write=True),
        route("/invoices/{id}/annul", invoice_actions.annul_invoice, ["POST"], write=True),
        route("/contacts", contacts.list_contacts, ["GET"]),
        route("/contacts", contacts.create_contact, ["POST"], write=True),
        route("/contacts/{id}", contacts.get_contact, ["GET"]),
        route("/products", catalog.list_products, ["GET"]),
        route("/products/{id}", catalog.get_product, ["GET"]),
        route("/taxes", catalog.list_taxes, ["GET"]),
        route("/taxes/{id}", catalog.get_tax, ["GET"]),
        route("/series", catalog.list_series, ["GET"]),
        route("/series/{id}", catalog.get_series, ["GET"]),
        route("/payment-methods", catalog.list_payment_methods, ["GET"]),
        route("/payment-methods/{id}", catalog.get_payment_method, ["GET"]),
        route("/due-dates", catalog.list_due_dates, ["GET"]),
        route("/due-dates/{id}", catalog.get_due_date, ["GET"]),
    ]
