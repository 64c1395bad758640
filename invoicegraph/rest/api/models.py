"""Every body the Facturovia dialect (``/api``, seed ``000_…``) reads and answers, as models.

Types are strict: a number is a JSON number (``"2"`` is refused), a text a JSON string, a date
``YYYY-MM-DD``, an id a UUID. Unknown fields are refused, naming them. An item carries its IVA
as ``vat_rate`` and, for a professional's invoice, its IRPF as ``withholding_rate`` (the
percentage withheld, positive: 15 withholds 15 % of the base); ``tax_ids`` names any tax of the
catalogue besides (the equivalence surcharge…). ``perf`` validates its SQL-built JSON against
these answers' JSON Schema, so they stay importable and exact.

Totals of an invoice or quote (each item carries the same five for itself):

- ``subtotal``          Σ quantity × unit_price
- ``discount_total``    Σ line discounts
- ``tax_base``          subtotal − discount_total (the taxable base)
- ``tax_total``         Σ taxes (IVA and equivalence surcharge positive, IRPF negative)
- ``vat_total`` / ``withholding_total``  the IVA (+ surcharge) and IRPF parts of it
- ``total``             tax_base + tax_total
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, create_model

from invoicegraph.domain.rectification import CAUSES
from invoicegraph.rest.fields import (
    Answer,
    Body,
    Date,
    Day,
    EInvoicing,
    Figure,
    Money,
    Query,
    RectificationType,
    number,
    omitted,
    text,
)
from invoicegraph.services.invoices.inputs import CURRENCIES
from invoicegraph.services.lines import MAX_LINES, MAX_PRICE, MAX_QUANTITY
from invoicegraph.services.pagination import MAX_PAGE_SIZE

Cause = Literal[tuple(CAUSES)]
Currency = Literal[tuple(sorted(CURRENCIES))]
Rate = number(ge=0, le=100, places=4, description="percent")
Country = Annotated[str, Field(pattern="^[A-Za-z]{2}$")]
Timestamp = Annotated[dt.datetime, Field(json_schema_extra={"format": "date-time"})]

# ── inputs ──────────────────────────────────────────────────────────────────────────────────


class ApiItemInput(Body):
    description: text(500, blank=False)
    reference: text(255, description="your SKU or code; rectify matches it") | None = None
    quantity: number(ge=-MAX_QUANTITY, le=MAX_QUANTITY, places=4, description="negative: credit")
    unit_price: number(ge=-MAX_PRICE, le=MAX_PRICE, places=6)
    vat_rate: number(ge=0, le=100, places=4, description="an IVA rate of the catalogue: 21, 10…")
    withholding_rate: (
        number(ge=0, le=100, places=4, description="IRPF withheld, positive: 15, 7…") | None
    ) = None
    tax_ids: Annotated[list[int], Field(max_length=10)] = omitted(
        "ids of further catalogue taxes (equivalence surcharge…), as GraphQL and /v1 name them"
    )
    discount_percent: number(ge=0, le=100, places=2, description="percent") | None = None


# the services refuse more than MAX_LINES items; every item is still checked, so that one 422
# counts all the problems of a huge body
Items = Annotated[list[ApiItemInput], Field(json_schema_extra={"maxItems": MAX_LINES})]
SEED_INVOICE: dict[str, Any] = {
    "external_reference": "ORDER-2847",
    "client_id": "0b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
    "invoice_date": "2025-06-30",
    "currency": "EUR",
    "exchange_rate": 1,
    "items": [
        {"description": "Filtro aceite REF-001", "quantity": 1, "unit_price": 15.99,
         "vat_rate": 21, "discount_percent": 0},
        {"description": "Correa distribución REF-045", "quantity": 2, "unit_price": 89.50,
         "vat_rate": 21, "discount_percent": 0},
    ],
}  # fmt: skip


class _Document(Body):
    client_id: uuid.UUID | None = None
    currency: Currency = omitted("ISO 4217, EUR when left out")
    exchange_rate: number(gt=0, le=999_999_999_999, places=6) = omitted(
        "Units of the invoice currency per euro (the ECB convention): 1.0834 for USD means "
        "1 € = 1.0834 $; 1 when left out"
    )
    items: Items | None = None
    external_reference: text(255, description="your order id; ?external_reference=") | None = None
    notes: text(5000, description="private, never printed") | None = None


class ApiInvoiceInput(_Document):
    """A draft invoice."""

    model_config = ConfigDict(json_schema_extra={"examples": [SEED_INVOICE]})

    invoice_date: Date = omitted("today when left out")
    due_date: Date | None = None


class ApiQuoteInput(_Document):
    """A quote."""

    quote_date: Date = omitted("today when left out")
    valid_until: Date | None = None


class ApiClientInput(Body):
    """A client; 422 when another client already has its tax id."""

    name: text(255, blank=False)
    tax_id: text(64, description="NIF/NIE/CIF, EU VAT number or any id outside the EU") | None = (
        None
    )
    email: text(255) | None = None
    phone: text(40) | None = None
    address: text(255) | None = None
    city: text(120) | None = None
    province: text(120) | None = None
    postal_code: text(20) | None = None
    country: Country = omitted("ISO 3166-1 alpha-2, ES when left out")
    notes: text(5000) | None = None


class ApiFindOrCreateInput(ApiClientInput):
    """The client with this tax_id; created from the body when there is none."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"tax_id": "B12345674", "name": "Talleres García S.L.",
                 "email": "info@talleresgarcia.es", "address": "Calle Mayor 1", "city": "Madrid",
                 "postal_code": "28001", "country": "ES"}
            ]
        }
    )  # fmt: skip

    name: text(255, blank=False) | None = None
    tax_id: text(64, blank=False)


class ApiIssueInput(Body):
    """Optional: the series (its default when left out) and the date (today)."""

    serie_id: uuid.UUID | None = None
    invoice_date: Date | None = Field(None, description="not in the future, nor before the last")


class ApiCorrectInput(Body):
    """Optional: why the original is corrected."""

    causa_rectificacion: Cause | None = Field(None, description="R1–R5 (VERI*FACTU), R1 default")
    notes: text(5000) | None = None


class ApiRectifyItem(Body):
    """An item of the original to take back, matched by ``reference`` when given, else by
    ``description``; ``quantity`` is positive (the server negates it) and capped by what is left
    to rectify. ``unit_price``, ``vat_rate`` and ``discount_percent`` are accepted as the seed
    sends them, and taken from the original line."""

    reference: text(255) | None = None
    description: text(500) | None = None
    quantity: number(gt=0, le=MAX_QUANTITY, places=4, description="positive")
    unit_price: number(ge=-MAX_PRICE, le=MAX_PRICE, places=6) | None = None
    vat_rate: Rate | None = None
    discount_percent: Rate | None = None


class ApiCorrectionItem(Body):
    """A line of the original as it should have been, matched like an item (``reference``, else
    ``description``); what is left out keeps the original's value. ``quantity`` 0 says the line
    should not have been there."""

    reference: text(255) | None = None
    description: text(500) | None = None
    quantity: number(ge=-MAX_QUANTITY, le=MAX_QUANTITY, places=4) | None = None
    unit_price: number(ge=-MAX_PRICE, le=MAX_PRICE, places=6) | None = None
    discount_percent: Rate | None = None


class ApiRectifyInput(Body):
    """The items to take back (the seed's form), or, beyond the seed, ``corrections``: lines
    with a new price, discount or quantity. By ``differences`` (the default) the rectificative
    takes back each corrected line and states it again as it should have been; by
    ``substitution`` (VERI*FACTU ``TipoRectificativa`` S) it states the whole invoice as it
    should have been, the lines not named as they were, and replaces the original."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"items": [
                    {"description": "Filtro aceite REF-001", "reference": "REF-001",
                     "quantity": 1, "unit_price": 15.99, "vat_rate": 21, "discount_percent": 0},
                 ],
                 "notes": "Devolución parcial — piezas defectuosas",
                 "causa_rectificacion": "R1"},
                {"corrections": [{"reference": "REF-045", "unit_price": 79.5}],
                 "rectification_type": "differences",
                 "notes": "Precio acordado 79,50 €",
                 "causa_rectificacion": "R1"},
            ]
        }
    )  # fmt: skip

    items: Annotated[list[ApiRectifyItem], Field(min_length=1, max_length=MAX_LINES)] = omitted(
        "the items to take back; required unless corrections are sent"
    )
    corrections: Annotated[list[ApiCorrectionItem], Field(min_length=1, max_length=MAX_LINES)] = (
        omitted("lines with a new quantity, unit_price or discount_percent (not with items)")
    )
    rectification_type: RectificationType = omitted(
        "differences (I, the default) or substitution (S)"
    )
    causa_rectificacion: Cause | None = Field(None, description="R1–R5 (VERI*FACTU), R1 default")
    notes: text(5000) | None = None


class ApiVoidInput(Body):
    """Optional: why the invoice is annulled."""

    reason: text(500) | None = None


class PageQuery(Query):
    """A page of a cursor list: the first (newest first) when no cursor is given."""

    limit: int = Field(MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="page size")
    cursor: str | None = Field(None, max_length=512, description="next_cursor of the last page")


class ApiClientQuery(PageQuery):
    search: text(255, description="3+ characters, in name, tax id and email") | None = None
    tax_id: text(32, description="exact match") | None = None


class ApiQuoteQuery(PageQuery):
    external_reference: text(255, description="exact match") | None = None
    status: Literal["draft", "sent", "accepted", "rejected", "converted"] | None = None
    client_id: uuid.UUID | None = None


class ApiInvoiceQuery(PageQuery):
    external_reference: text(255, description="exact match") | None = None
    status: Literal["draft", "issued", "annulled"] | None = None
    client_id: uuid.UUID | None = None


class ApiXmlQuery(Query):
    format: Literal["facturx", "ubl", "facturae", "facturx-pdf"] = Field(
        "facturx", description="EN 16931 CII, PEPPOL BIS 3, Facturae 3.2.2, or the PDF/A-3"
    )


# ── answers ─────────────────────────────────────────────────────────────────────────────────


class ApiClient(Answer):
    id: uuid.UUID
    name: str
    tax_id: str | None
    email: str | None
    phone: str | None
    address: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country: str
    notes: str | None
    created_at: Timestamp
    updated_at: Timestamp | None


class ApiTax(Answer):
    kind: Literal["vat", "withholding", "surcharge"]
    name: str
    rate: Figure
    base: Money
    amount: Money


class ApiItem(Answer):
    id: uuid.UUID
    position: int
    description: str
    reference: str | None
    quantity: Figure
    unit_price: Figure
    discount_percent: Figure
    vat_rate: Figure | None
    withholding_rate: Figure | None = Field(description="IRPF withheld, positive")
    subtotal: Money
    discount_total: Money
    tax_base: Money
    tax_total: Money
    total: Money
    taxes: list[ApiTax]


class ApiParty(Answer):
    name: str
    tax_id: str | None
    address: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country: str | None


class ApiQuote(Answer):
    id: uuid.UUID
    status: Literal["draft", "sent", "accepted", "rejected", "converted"]
    quote_date: Day
    valid_until: Day | None
    client_id: uuid.UUID | None
    currency: str
    exchange_rate: Figure
    items: list[ApiItem]
    subtotal: Money
    discount_total: Money
    tax_base: Money
    tax_total: Money
    total: Money
    taxes: list[ApiTax]
    external_reference: str | None
    notes: str | None
    converted_invoice_id: uuid.UUID | None
    created_at: Timestamp
    updated_at: Timestamp | None


class ApiInvoice(Answer):
    id: uuid.UUID
    status: Literal["draft", "issued", "annulled"]
    serie_id: uuid.UUID | None
    series: str | None = Field(description="the series code, F or R by default")
    number: int | None
    full_number: str | None = Field(description="F1, R3…; null on a draft")
    invoice_date: Day
    due_date: Day | None
    client_id: uuid.UUID | None
    client: ApiParty | None
    issuer: ApiParty | None
    currency: str
    exchange_rate: Figure
    items: list[ApiItem]
    subtotal: Money
    discount_total: Money
    tax_base: Money
    tax_total: Money
    total: Money
    taxes: list[ApiTax]
    vat_total: Money
    withholding_total: Money
    is_corrective: bool
    original_invoice_id: uuid.UUID | None
    causa_rectificacion: Cause | None
    rectification_reason: str | None
    rectification_status: Literal["none", "partial", "full"] = Field(
        description="what rectificatives took from it"
    )
    external_reference: str | None
    notes: str | None
    payed_at: Day | None
    issued_at: Timestamp | None
    annulled_at: Timestamp | None
    e_invoicing: EInvoicing | None
    created_at: Timestamp
    updated_at: Timestamp | None


@cache
def list_of(item: type[Answer]) -> Any:
    """A page of a cursor list, ``{data, next_cursor}``, named after its item (``ApiQuoteList``)."""
    cursor = Field(description="pass as ?cursor= for the next page")
    return create_model(
        f"{item.__name__}List",
        __base__=Answer,
        data=(list[item], ...),
        next_cursor=(str | None, cursor),
    )


class ApiFindOrCreateResult(Answer):
    client: ApiClient
    created: bool


class ApiRectification(Answer):
    invoice: ApiInvoice


class ApiFieldError(Answer):
    field: str = Field(description="dotted path: items.0.quantity")
    message: str
    code: str


class ApiErrorBody(Answer):
    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=False)

    code: str = Field(description="stable machine-readable code")
    message: str
    fields: list[ApiFieldError] | None = Field(
        None, description="every offending field (422, the first 50), or what a 409 refused"
    )
    field_count: int | None = Field(None, description="how many fields, when not all are listed")


class ApiError(Answer):
    model_config = ConfigDict(extra="allow")

    error: ApiErrorBody
