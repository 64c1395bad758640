"""Every body the Orzame dialect (``/v1``, seed ``001_…``) reads and answers, as models.

Inputs read what Laravel's validation takes, since clients written against the seed send it:
an *Integer* may come as ``208`` or ``"208"`` (the seed's own issue payload sends
``"serie_id": "208"``), a *Number* as ``1800`` or ``"-100.05"``, a *Boolean* as ``true``,
``0``/``1`` or ``"0"``/``"1"``/``"true"``/``"false"``, a *Date* as ``yyyy-mm-dd``. Answers are
key for key in the seed's order. ``perf`` validates its SQL-built JSON against these answers'
JSON Schema, so they stay importable and exact.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from invoicegraph.domain.validation import MAX_ID
from invoicegraph.pdf.formatting import DATE_FORMATS, MONEY_FORMATS
from invoicegraph.pdf.labels import LANGUAGES
from invoicegraph.rest.api.models import ApiClientInput
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
from invoicegraph.rest.v1.currency import CURRENCY_PATTERN
from invoicegraph.services.invoices.inputs import MAX_TEXT_LENGTH, MAX_TEXTS, TEMPLATE_OPTIONS
from invoicegraph.services.lines import MAX_LINES, MAX_PRICE, MAX_QUANTITY
from invoicegraph.services.pagination import MAX_PAGE_SIZE

MAX_PAGE = 1_000_000_000
MAX_LINE_TAXES = 10
INTEGER_PATTERN = "^[1-9][0-9]{0,18}$"
_INTEGER = re.compile(INTEGER_PATTERN)
_BOOLEAN_WORDS = {"1": True, "true": True, "0": False, "false": False}
ORDERABLE = ("id", "name", "date", "due_date", "total_before_taxes", "total_taxes",
             "total_with_taxes")  # fmt: skip


def as_integer(value: Any) -> int | None:
    """A positive integer, also from a string of digits (ids, pages and page sizes)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value) if abs(value) <= MAX_ID else None
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


def _integer(high: int, message: str = "", *, as_text: bool = True) -> Any:
    """A positive integer; in a body also a string of digits (``as_text``). A query string is
    text anyway, so there it is documented as the integer it means."""

    def read(value: Any) -> int:
        number = as_integer(value)
        if number is None or not 1 <= number <= high:
            raise PydanticCustomError(
                "invalid", message or f"must be an integer between 1 and {high}"
            )
        return number

    schema: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": high}
    if as_text:
        schema = {
            "oneOf": [schema, {"type": "string", "pattern": INTEGER_PATTERN}],
            "description": "an integer, or a string of digits",
        }
    return Annotated[int, BeforeValidator(read), WithJsonSchema(schema)]


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value in _BOOLEAN_WORDS:
        return _BOOLEAN_WORDS[value]
    raise PydanticCustomError("invalid", "must be true or false")


ID_MESSAGE = "must be a positive integer identifier"
Id = _integer(MAX_ID, ID_MESSAGE)
Flag = Annotated[
    bool,
    BeforeValidator(_boolean),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "boolean"},
                {"type": "integer", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": "^(0|1|true|false)$"},
            ],
            "description": 'true or false (also 1/0, "1"/"0", "true"/"false")',
        }
    ),
]
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
LineQuantity = number(json_only=False, ge=0, le=MAX_QUANTITY, places=4)
Discount = number(json_only=False, ge=0, le=100, places=2, description="percent")


# ── inputs ──────────────────────────────────────────────────────────────────────────────────


class V1TextInput(Body):
    label: text(255, blank=False, description="Identifying name of the text")
    text: text(MAX_TEXT_LENGTH, description="Markdown; {document_title} is replaced")


class V1LineInput(Body):
    """With ``product_id`` the product fills what is not sent; without it quantity, price and
    description are required (discount defaults to 0)."""

    product_id: Id | None = None
    quantity: LineQuantity | None = Field(None, validate_default=True)
    price: number(json_only=False, ge=-MAX_PRICE, le=MAX_PRICE, places=2) | None = Field(
        None, validate_default=True
    )
    description: text(500) | None = Field(None, validate_default=True)
    discount: Discount | None = None
    taxes: Annotated[list[Id], Field(max_length=MAX_LINE_TAXES)] = omitted("ids of /v1/taxes")

    @field_validator("quantity", "price", "description")
    @classmethod
    def _given_without_a_product(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.data.get("product_id") is None:
            raise PydanticCustomError("required", "is required when no product_id is sent")
        return value


V1TemplateOptionsInput = create_model(  # type: ignore[call-overload]
    "V1TemplateOptionsInput", __base__=Body, **{name: (Flag, ...) for name in TEMPLATE_OPTIONS}
)


class V1TemplateInput(Body):
    id: Id = Field(description="one of data.options.invoice_templates of /v1/info")
    options: V1TemplateOptionsInput


Lang = Literal[tuple(LANGUAGES)]
DateFormat = Literal[tuple(DATE_FORMATS)]
MoneyFormat = Literal[tuple(MONEY_FORMATS)]
Currency = Annotated[
    str,
    Field(pattern=CURRENCY_PATTERN, description="an ISO 4217 code (ARS, any case) or €, $, £"),
]
Texts = Annotated[list[V1TextInput], Field(max_length=MAX_TEXTS)]
# the services refuse more than MAX_LINES lines; every line is still checked, so that one 422
# counts all the problems of a huge body
Lines = Annotated[list[V1LineInput], Field(json_schema_extra={"maxItems": MAX_LINES})]
SEED_CREATE: dict[str, Any] = {
    "name": "Development and services invoice",
    "contact_id": 70,
    "due_date_id": 42,
    "payment_method_id": 58,
    "date": "2024-12-01",
    "lang": "gl",
    "currency": "ARS",
    "date_format": "yyyy-mm-dd",
    "money_format": "symbol_before,none,point",
    "notes": "Automatically created invoice via API",
    "intro_texts": [{"label": "Header", "text": "# Invoice \n{document_title}"}],
    "lines": [
        {
            "quantity": 1,
            "description": "Development and services",
            "price": 1800,
            "discount": 0,
            "taxes": [119, 116],
        },
        {"product_id": 2932},
    ],
    "template": {
        "id": 3,
        "options": {
            "use_company_color": True,
            "include_texts_before": True,
            "include_texts_after": False,
        },
    },
}


class V1InvoiceCreate(Body):
    """A proforma (draft) invoice; ``date`` defaults to today."""

    model_config = ConfigDict(json_schema_extra={"examples": [SEED_CREATE]})

    name: text(255, blank=False)
    contact_id: Id
    due_date_id: Id
    payment_method_id: Id
    date: Date = omitted("today when left out")
    lang: Lang
    currency: Currency
    date_format: DateFormat
    money_format: MoneyFormat
    notes: text(5000) | None = None
    intro_texts: Texts = omitted()
    close_texts: Texts = omitted()
    lines: Lines = omitted()
    template: V1TemplateInput = omitted()


class V1InvoiceUpdate(Body):
    """All optional, but at least one parameter must be sent. ``contact_id`` reloads the
    recipient, ``reload_issued_by`` the issuer; ``[]`` clears texts or lines. An issued invoice
    takes no fiscal change (lines, date, parties, currency)."""

    model_config = ConfigDict(
        json_schema_extra={
            "minProperties": 1,
            "examples": [
                {
                    "name": "Development and services",
                    "payed_at": "2024-12-12",
                    "currency": "$",
                    "lang": "en",
                    "notes": "",
                    "close_texts": [],
                }
            ],
        }
    )

    name: text(255) = omitted()
    contact_id: Id = omitted("reloads the recipient's data")
    due_date_id: Id = omitted()
    payment_method_id: Id = omitted()
    date: Date = omitted("a valid issue date for the series and number")
    payed_at: Date | None = Field(None, description="null deletes the payment date")
    lang: Lang = omitted()
    currency: Currency = omitted()
    date_format: DateFormat = omitted()
    money_format: MoneyFormat = omitted()
    notes: text(5000) | None = None
    reload_issued_by: Flag = omitted("reload the issuer's data (data.app.owner of /v1/info)")
    intro_texts: Texts = omitted("[] deletes the current texts")
    close_texts: Texts = omitted("[] deletes the current texts")
    lines: Lines = omitted("[] deletes the current lines")
    template: V1TemplateInput = omitted()


class V1IssueDate(Body):
    """The issue date and series of a new invoice."""

    date: Date
    serie_id: Id


class V1CorrectionInput(Body):
    """A line of the original as it should have been, matched by its ``description``; what is
    left out keeps the original's value, ``quantity`` 0 says the line should not be there."""

    description: text(500, blank=False)
    quantity: number(json_only=False, ge=-MAX_QUANTITY, le=MAX_QUANTITY, places=4) | None = None
    price: number(json_only=False, ge=-MAX_PRICE, le=MAX_PRICE, places=6) | None = None
    discount: Discount | None = None


class V1RectifyInput(V1IssueDate):
    """The rectificative's issue date and series. Without ``corrections`` (the seed's form) it
    negates every line of the original. Beyond the seed, ``corrections`` states lines with a new
    quantity, price or discount: by ``differences`` (the default) the rectificative takes each
    back and states it again, by ``substitution`` (VERI*FACTU ``TipoRectificativa`` S) it
    states the whole invoice as it should have been and replaces the original."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"date": "2025-10-04", "serie_id": "201"},
                {
                    "date": "2025-10-04",
                    "serie_id": "201",
                    "rectification_type": "substitution",
                    "corrections": [{"description": "Consulting", "price": 2000}],
                },
            ]
        }
    )

    rectification_type: RectificationType = omitted(
        "differences (I, the default) or substitution (S)"
    )
    corrections: Annotated[list[V1CorrectionInput], Field(min_length=1, max_length=MAX_LINES)] = (
        omitted("lines with a new quantity, price or discount")
    )


class V1IssueInput(V1IssueDate):
    """The issue date and series; the proforma is kept unless ``delete_proforma``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"date": "2025-10-03", "serie_id": "208", "delete_proforma": False}]
        }
    )

    delete_proforma: Flag = omitted("false when left out")


class V1AnnulInput(Body):
    reason: text(500) | None = None


# the dialect's names of a party's (and a contact's) fields, which the seed gives an invoice's
# ``issued_by`` and ``issued_to``, and the services' names of them
PARTY = {"vat": "tax_id", "number": "tax_id", "population": "city", "province_state": "province",
         "zip": "postal_code"}  # fmt: skip
CONTACT_NAMES = {ours: theirs for theirs, ours in PARTY.items() if theirs != "vat"}
# a contact is a client, its fields and limits, under the names of an invoice's ``issued_to``
V1ContactInput = create_model(  # type: ignore[call-overload]
    "V1ContactInput",
    __base__=Body,
    __doc__="A contact, with the names of an invoice's ``issued_to``.",
    **{CONTACT_NAMES.get(n, n): (f.annotation, f) for n, f in ApiClientInput.model_fields.items()},
)


QueryId = _integer(MAX_ID, ID_MESSAGE, as_text=False)


class V1PageQuery(Query):
    page: _integer(MAX_PAGE, as_text=False) = 1
    per_page: _integer(MAX_PAGE_SIZE, as_text=False) = MAX_PAGE_SIZE


def _searchable(value: str) -> str:
    if len(value.strip()) < MIN_SEARCH:
        raise PydanticCustomError("too_short", f"must be at least {MIN_SEARCH} characters")
    return value


def _type_id(value: Any) -> int:
    if value in ("1", "2", "3", 1, 2, 3) and not isinstance(value, bool):
        return int(value)
    raise PydanticCustomError("invalid", "must be 1 (ordinary), 2 (proforma) or 3 (rectificative)")


MIN_SEARCH = 3
Search = Annotated[
    text(255), AfterValidator(_searchable), Field(json_schema_extra={"minLength": MIN_SEARCH})
]
TypeId = Annotated[
    int,
    BeforeValidator(_type_id),
    WithJsonSchema(
        {
            "type": "integer",
            "enum": [1, 2, 3],
            "description": "1 ordinary, 2 proforma, 3 rectificative",
        }
    ),
]


class V1SearchQuery(V1PageQuery):
    search: Search | None = None


class V1InvoiceQuery(V1SearchQuery):
    type_id: TypeId | None = None
    contact_id: QueryId | None = None
    serie_id: QueryId | None = None
    date_from: Date | None = Field(None, alias="from", description="dated on or after")
    date_to: Date | None = Field(None, alias="to", description="dated on or before")
    unpaid: Flag | None = Field(None, description="only unpaid ordinary invoices")
    order: str | None = Field(
        None,
        pattern=f"^({'|'.join(ORDERABLE)})(,(asc|desc))?$",
        description="{field},asc or {field},desc (descending by default)",
    )


# ── answers ─────────────────────────────────────────────────────────────────────────────────


class V1Serie(Answer):
    id: int | None
    name: str | None


class V1IssuedBy(Answer):
    name: str | None
    vat: str | None
    address: str | None
    population: str | None
    province_state: str | None
    country: str | None
    zip: str | None


# the recipient's fields are the issuer's, with the contact's id and its tax id as ``number``
V1IssuedTo = create_model(  # type: ignore[call-overload]
    "V1IssuedTo",
    __base__=Answer,
    id=(int | None, ...),
    **{
        "number" if n == "vat" else n: (f.annotation, f) for n, f in V1IssuedBy.model_fields.items()
    },
)


class V1LineTax(Answer):
    id: int | None
    name: str
    percentage: Figure
    total: Money
    version: str | None


class V1Line(Answer):
    sku: str | None
    product_id: int | None
    description: str
    quantity: Figure
    price: Figure
    discount: Figure
    business_line_id: None = Field(description="always null: there are no business lines")
    subtotal: Money
    total_discount: Money
    total_before_taxes: Money
    taxes: list[V1LineTax]
    total_taxes: Money
    total_with_taxes: Money


V1TemplateOptions = create_model(  # type: ignore[call-overload]
    "V1TemplateOptions", __base__=Answer, **{name: (bool, ...) for name in TEMPLATE_OPTIONS}
)


class V1Template(Answer):
    id: int | None
    options: V1TemplateOptions


class V1Text(Answer):
    label: str
    text: str


class V1Invoice(Answer):
    id: int
    name: str | None
    type_id: Literal[1, 2, 3] = Field(description="1 ordinary, 2 proforma, 3 rectificative")
    serie: V1Serie
    number: int | None
    e_invoicing: EInvoicing | None
    date: Day
    due_date: Day | None
    payment_method: str | None
    rectification_invoice_id: int | None
    issued_by: V1IssuedBy
    issued_to: V1IssuedTo | None
    payed_at: Day | None
    currency: str
    lang: str
    date_format: str
    money_format: str
    template: V1Template
    intro_texts: list[V1Text]
    lines: list[V1Line]
    close_texts: list[V1Text]
    notes: str
    total_before_taxes: Money
    total_taxes: Money
    total_with_taxes: Money
    created_at: Timestamp
    updated_at: Timestamp


FULL_ONLY = ("template", "intro_texts", "lines", "close_texts", "notes")
# the list's summary: the invoice without template, texts, lines and notes (as the seed lists)
V1InvoiceSummary = create_model(  # type: ignore[call-overload]
    "V1InvoiceSummary",
    __base__=Answer,
    **{n: (f.annotation, f) for n, f in V1Invoice.model_fields.items() if n not in FULL_ONLY},
)


class V1Contact(Answer):
    id: int
    name: str
    number: str | None
    email: str | None
    phone: str | None
    address: str | None
    population: str | None
    province_state: str | None
    country: str
    zip: str | None
    notes: str | None
    created_at: Timestamp
    updated_at: Timestamp


class V1Product(Answer):
    id: int
    sku: str | None
    name: str
    description: str | None
    price: Money
    discount: Figure
    taxes: list[int]
    active: bool
    created_at: Timestamp
    updated_at: Timestamp


class V1Tax(Answer):
    id: int
    name: str
    kind: Literal["vat", "withholding", "surcharge"]
    percentage: Figure
    version: str
    is_default: bool
    active: bool


class V1PaymentMethod(Answer):
    id: int
    name: str
    description: str | None
    kind: str
    is_default: bool
    active: bool


class V1Series(V1PaymentMethod):  # its fields are a payment method's, its code in ``name``
    name: str = Field(description="the code printed before the number (F, R…)")


class V1DueDate(Answer):
    id: int
    name: str
    days: int
    is_default: bool
    active: bool


class V1Named(Answer):
    id: int
    name: str


class V1Options(Answer):
    langs: list[str]
    currencies: list[str]
    date_formats: list[str]
    money_formats: list[str]
    invoice_templates: list[V1Named]
    invoice_types: list[V1Named]


class V1App(Answer):
    owner: V1IssuedBy


class V1Info(Answer):
    options: V1Options
    app: V1App


def _outcome(name: str, id_field: str) -> Any:
    """What an action on an invoice answers: the id of the invoice it made (or annulled), under
    the seed's name for it, and that invoice's e-invoicing state."""
    made = {id_field: (int, ...), "e_invoicing": (EInvoicing | None, ...)}
    return create_model(name, __base__=Answer, **made)  # type: ignore[call-overload]


V1Issued = _outcome("V1Issued", "issue_invoice_id")
V1Rectified = _outcome("V1Rectified", "rectification_invoice_id")
V1Annulled = _outcome("V1Annulled", "annulled_invoice_id")


class V1Links(Answer):
    first: str
    last: str
    prev: str | None
    next: str | None


class V1Meta(Answer):
    current_page: int
    from_: int | None = Field(alias="from")
    last_page: int
    path: str
    per_page: int
    to: int | None
    total: int


@cache
def data_of(item: type[Answer]) -> Any:
    """``{"data": item}``, named after the item (``V1InvoiceData``)."""
    return create_model(f"{item.__name__}Data", __base__=Answer, data=(item, ...))


@cache
def page_of(item: type[Answer]) -> Any:
    """A Laravel page of items (``V1InvoicePage``)."""
    return create_model(
        f"{item.__name__.removesuffix('Summary')}Page",
        __base__=Answer,
        data=(list[item], ...),
        links=(V1Links, ...),
        meta=(V1Meta, ...),
    )


class V1Error(Answer):
    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=False)

    message: str
    code: str = Field(description="stable machine-readable code")
    fields: list[str] | None = Field(None, description="what a 409 refused")


class V1ValidationError(Answer):
    """Laravel's 422: every offending field with its messages."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=False)

    message: str = Field(description="The given data was invalid. (and N more errors)")
    errors: dict[str, list[str]]
