"""Every table of invoicegraph. Importing this module registers them all on ``Base.metadata``."""

from invoicegraph.db import text_guard  # noqa: F401  (registers the text rule at flush)
from invoicegraph.db.base import Base
from invoicegraph.db.models.account import Account, ApiKey
from invoicegraph.db.models.catalog import (
    Client,
    DueDateTerm,
    PaymentMethod,
    Product,
    Series,
    Tax,
    TaxVersion,
)
from invoicegraph.db.models.event import Event
from invoicegraph.db.models.idempotency import IdempotencyRecord
from invoicegraph.db.models.invoice import Invoice, InvoiceDocumentFile, InvoiceLine, InvoiceLineTax
from invoicegraph.db.models.quote import Quote, QuoteLine, QuoteLineTax
from invoicegraph.db.models.verifactu import VerifactuRecord, VerifactuSubmission
from invoicegraph.db.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "Client",
    "DueDateTerm",
    "Event",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceDocumentFile",
    "InvoiceLine",
    "InvoiceLineTax",
    "PaymentMethod",
    "Product",
    "Quote",
    "QuoteLine",
    "QuoteLineTax",
    "Series",
    "Tax",
    "TaxVersion",
    "VerifactuRecord",
    "VerifactuSubmission",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
