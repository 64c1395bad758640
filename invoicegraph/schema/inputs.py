"""GraphQL input types. Optional fields default to UNSET so an update can tell "not sent"
from an explicit null."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import strawberry
from strawberry import UNSET

from invoicegraph.domain.money import EXCHANGE_RATE_MEANING
from invoicegraph.schema.invoice_types import InvoiceKind, InvoiceStatus, RectificationCause


@strawberry.input(description="A label and a markdown text printed before or after the lines.")
class TextInput:
    label: str
    text: str


@strawberry.input
class TemplateInput:
    id: int
    use_company_color: bool = False
    include_texts_before: bool = True
    include_texts_after: bool = True


@strawberry.input(
    description="A line: a `productId` (its data fills what is not sent), or the line in full."
)
class LineInput:
    product_id: strawberry.ID | None = None
    description: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    discount: Decimal | None = None
    tax_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Catalogue taxes (global id, UUID or integer id)."
    )
    vat_rate: Decimal | None = strawberry.field(
        default=None, description="A bare IVA rate, mapped to the catalogue's IVA tax."
    )
    reference: str | None = None
    sku: str | None = None


@strawberry.input
class InvoiceInput:
    name: str | None = UNSET
    client_id: strawberry.ID | None = UNSET
    date: dt.date | None = UNSET
    operation_date: dt.date | None = UNSET
    due_date: dt.date | None = UNSET
    due_date_term_id: strawberry.ID | None = UNSET
    payment_method_id: strawberry.ID | None = UNSET
    series_id: strawberry.ID | None = UNSET
    currency: str | None = UNSET
    exchange_rate: Decimal | None = strawberry.field(
        default=UNSET,
        description=EXCHANGE_RATE_MEANING,
    )
    lang: str | None = UNSET
    date_format: str | None = UNSET
    money_format: str | None = UNSET
    template: TemplateInput | None = UNSET
    intro_texts: list[TextInput] | None = UNSET
    close_texts: list[TextInput] | None = UNSET
    notes: str | None = UNSET
    external_reference: str | None = UNSET
    is_simplified: bool | None = UNSET
    lines: list[LineInput] | None = UNSET
    payed_at: dt.date | None = UNSET
    reload_issuer: bool = strawberry.field(
        default=False, description="Copy the account's current data as the issuer (drafts)."
    )


@strawberry.input
class IssueInput:
    series_id: strawberry.ID | None = None
    date: dt.date | None = None
    as_new_invoice: bool = strawberry.field(
        default=False,
        description="Issue a new invoice from this proforma instead of issuing it in place.",
    )
    delete_proforma: bool = False


@strawberry.input(description="An item to take back: a positive quantity; the server negates it.")
class RectificationItemInput:
    quantity: Decimal
    reference: str | None = None
    description: str | None = None


@strawberry.input
class RectifyInput:
    cause: RectificationCause | None = None
    reason: str | None = None
    issue: IssueInput | None = strawberry.field(
        default=None, description="Issue the rectificative at once; a draft otherwise."
    )


@strawberry.input
class PartialRectifyInput(RectifyInput):
    items: list[RectificationItemInput]


@strawberry.input
class ClientInput:
    name: str | None = UNSET
    tax_id: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    address: str | None = UNSET
    city: str | None = UNSET
    province: str | None = UNSET
    postal_code: str | None = UNSET
    country: str | None = UNSET
    notes: str | None = UNSET


@strawberry.input
class ProductInput:
    name: str | None = UNSET
    description: str | None = UNSET
    sku: str | None = UNSET
    price: Decimal | None = UNSET
    discount: Decimal | None = UNSET
    tax_ids: list[strawberry.ID] | None = UNSET
    active: bool | None = UNSET


@strawberry.input
class TaxInput:
    kind: str | None = UNSET
    name: str | None = UNSET
    percentage: Decimal | None = UNSET
    valid_from: dt.date | None = UNSET
    qualification: str | None = UNSET
    exemption_code: str | None = UNSET
    is_default: bool | None = UNSET
    active: bool | None = UNSET


@strawberry.input
class SeriesInput:
    code: str | None = UNSET
    kind: str | None = UNSET
    name: str | None = UNSET
    number_format: str | None = UNSET
    is_default: bool | None = UNSET
    active: bool | None = UNSET


@strawberry.input
class QuoteInput:
    name: str | None = UNSET
    client_id: strawberry.ID | None = UNSET
    date: dt.date | None = UNSET
    valid_until: dt.date | None = UNSET
    currency: str | None = UNSET
    exchange_rate: Decimal | None = strawberry.field(
        default=UNSET,
        description=EXCHANGE_RATE_MEANING,
    )
    lang: str | None = UNSET
    notes: str | None = UNSET
    external_reference: str | None = UNSET
    intro_texts: list[TextInput] | None = UNSET
    close_texts: list[TextInput] | None = UNSET
    status: str | None = UNSET
    lines: list[LineInput] | None = UNSET


@strawberry.enum
class OrderDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum
class InvoiceOrderField(enum.Enum):
    ID = "id"
    NAME = "name"
    DATE = "date"
    DUE_DATE = "due_date"
    NUMBER = "number"
    TOTAL_BEFORE_TAXES = "total_before_taxes"
    TOTAL_TAXES = "total_taxes"
    TOTAL_WITH_TAXES = "total_with_taxes"
    CREATED_AT = "created_at"


@strawberry.input
class InvoiceOrder:
    field: InvoiceOrderField = InvoiceOrderField.ID
    direction: OrderDirection = OrderDirection.DESC


@strawberry.input
class InvoiceFilterInput:
    kind: InvoiceKind | None = None
    status: InvoiceStatus | None = None
    client_id: strawberry.ID | None = None
    series_id: strawberry.ID | None = None
    rectifies_id: strawberry.ID | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unpaid: bool = False
    external_reference: str | None = None
    search: str | None = strawberry.field(default=None, description="At least 3 characters.")


@strawberry.input
class QuoteFilterInput:
    status: str | None = None
    client_id: strawberry.ID | None = None
    external_reference: str | None = None
