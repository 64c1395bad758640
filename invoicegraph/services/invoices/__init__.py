"""Invoice use cases: drafts, issuing, rectification, payments, listing."""

from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.invoices.drafts import (
    create_draft,
    delete_invoice,
    get_invoice,
    update_invoice,
)
from invoicegraph.services.invoices.inputs import InvoiceData, TextData
from invoicegraph.services.invoices.issuing import IssueOptions, issue_invoice
from invoicegraph.services.invoices.listing import InvoiceFilter, list_invoices
from invoicegraph.services.invoices.payments import mark_paid, unmark_paid
from invoicegraph.services.invoices.rectifying import RectifyOptions, rectify_invoice

__all__ = [
    "InvoiceData",
    "InvoiceFilter",
    "IssueOptions",
    "RectifyOptions",
    "TextData",
    "annul_invoice",
    "create_draft",
    "delete_invoice",
    "get_invoice",
    "issue_invoice",
    "list_invoices",
    "mark_paid",
    "rectify_invoice",
    "unmark_paid",
    "update_invoice",
]
