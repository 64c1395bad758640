"""Mutation payloads: the changed object and the typed errors of expected failures."""

from __future__ import annotations

from typing import Any

import strawberry

from invoicegraph.schema.catalog_types import (
    ApiKey,
    Client,
    DueDateTerm,
    PaymentMethod,
    Product,
    Quote,
    Series,
    Tax,
)
from invoicegraph.schema.errors import UserError
from invoicegraph.schema.invoice_types import Invoice

ERRORS = "Why the input was refused; empty on success."


def _d(description: str) -> Any:
    return strawberry.field(description=description)


@strawberry.type(description="The answer of an invoice mutation.")
class InvoicePayload:
    invoice: Invoice | None = _d("The invoice as it is now; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of a deletion.")
class DeletePayload:
    deleted_id: strawberry.ID | None = _d("The id deleted; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of a client mutation.")
class ClientPayload:
    client: Client | None = _d("The client as it is now; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of findOrCreateClient.")
class FindOrCreateClientPayload:
    client: Client | None = _d("The client found or created.")
    created: bool = _d("True when it was created now.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of a quote mutation.")
class QuotePayload:
    quote: Quote | None = _d("The quote as it is now; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of convertQuoteToInvoice.")
class ConvertQuotePayload:
    quote: Quote | None = _d("The quote, now CONVERTED.")
    invoice: Invoice | None = _d("The draft invoice created from it.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of a product mutation.")
class ProductPayload:
    product: Product | None = _d("The product as it is now; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of a tax mutation.")
class TaxPayload:
    tax: Tax | None = _d("The tax with its current rate; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of a series mutation.")
class SeriesPayload:
    series: Series | None = _d("The series as it is now; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of a payment method mutation.")
class PaymentMethodPayload:
    payment_method: PaymentMethod | None = _d("The payment method; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of a due-date term mutation.")
class DueDateTermPayload:
    due_date_term: DueDateTerm | None = _d("The due-date term; null when refused.")
    errors: list[UserError] = _d(ERRORS)


@strawberry.type(description="The answer of an API key mutation.")
class ApiKeyPayload:
    api_key: ApiKey | None = _d("The key; null when refused.")
    secret: str | None = strawberry.field(
        description="The key text. Shown only in this answer; store it now."
    )
    errors: list[UserError] = _d(ERRORS)
