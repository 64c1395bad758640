"""Mutation payloads: the changed object and the typed errors of expected failures."""

from __future__ import annotations

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


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None
    errors: list[UserError]


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class ClientPayload:
    client: Client | None
    errors: list[UserError]


@strawberry.type
class FindOrCreateClientPayload:
    client: Client | None
    created: bool
    errors: list[UserError]


@strawberry.type
class QuotePayload:
    quote: Quote | None
    errors: list[UserError]


@strawberry.type
class ConvertQuotePayload:
    quote: Quote | None
    invoice: Invoice | None
    errors: list[UserError]


@strawberry.type
class ProductPayload:
    product: Product | None
    errors: list[UserError]


@strawberry.type
class TaxPayload:
    tax: Tax | None
    errors: list[UserError]


@strawberry.type
class SeriesPayload:
    series: Series | None
    errors: list[UserError]


@strawberry.type
class PaymentMethodPayload:
    payment_method: PaymentMethod | None
    errors: list[UserError]


@strawberry.type
class DueDateTermPayload:
    due_date_term: DueDateTerm | None
    errors: list[UserError]


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None
    secret: str | None = strawberry.field(
        description="The key text. Shown only in this answer; store it now."
    )
    errors: list[UserError]
