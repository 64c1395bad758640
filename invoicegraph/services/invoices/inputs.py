"""What the faces send to the invoice services: the general form both REST dialects and
GraphQL map onto (DESIGN.md: "the service takes the more general form")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import list_currencies

from invoicegraph.domain.errors import FieldError
from invoicegraph.domain.validation import check_date, check_decimal, check_text
from invoicegraph.pdf.formatting import DATE_FORMATS, MONEY_FORMATS
from invoicegraph.pdf.labels import LANGUAGES
from invoicegraph.services.lines import LineData
from invoicegraph.services.refs import Ref
from invoicegraph.services.unset import UNSET, Maybe, is_set

TEMPLATE_IDS = (1, 2, 3)
TEMPLATE_OPTIONS = ("use_company_color", "include_texts_before", "include_texts_after")
MAX_TEXTS = 20
MAX_TEXT_LENGTH = 5000
CURRENCIES = frozenset(list_currencies())


@dataclass(slots=True)
class TextData:
    label: str
    text: str


@dataclass(slots=True)
class InvoiceData:
    """Fields of a draft (create) or of a change (update); ``UNSET`` = not sent."""

    name: Maybe[str | None] = UNSET
    client: Maybe[Ref | None] = UNSET
    date: Maybe[dt.date] = UNSET
    operation_date: Maybe[dt.date | None] = UNSET
    due_date: Maybe[dt.date | None] = UNSET
    due_date_term: Maybe[Ref | None] = UNSET
    payment_method: Maybe[Ref | None] = UNSET
    currency: Maybe[str] = UNSET
    exchange_rate: Maybe[Decimal] = UNSET
    lang: Maybe[str] = UNSET
    date_format: Maybe[str] = UNSET
    money_format: Maybe[str] = UNSET
    template_id: Maybe[int] = UNSET
    template_options: Maybe[dict[str, bool]] = UNSET
    intro_texts: Maybe[list[TextData]] = UNSET
    close_texts: Maybe[list[TextData]] = UNSET
    notes: Maybe[str | None] = UNSET
    external_reference: Maybe[str | None] = UNSET
    is_simplified: Maybe[bool] = UNSET
    lines: Maybe[list[LineData]] = UNSET
    payed_at: Maybe[dt.date | None] = UNSET
    reload_issued_by: bool = False
    # the series the draft will be issued in, when the face names it up front
    series: Maybe[Ref | None] = UNSET
    extra: dict[str, Any] = field(default_factory=dict)


# What an issued invoice may never change (DESIGN.md, "Immutability").
FISCAL_FIELDS = (
    "client",
    "date",
    "operation_date",
    "currency",
    "exchange_rate",
    "is_simplified",
    "lines",
    "series",
)


def clean_simple_fields(data: InvoiceData, errors: list[FieldError]) -> dict[str, Any]:
    """Check the plain fields of ``data``; return the column values to set."""
    values: dict[str, Any] = {}
    if is_set(data.name):
        values["name"] = check_text(data.name, "name", 255, errors) or None
    if is_set(data.notes):
        values["notes"] = check_text(data.notes, "notes", 5000, errors) or None
    if is_set(data.external_reference):
        values["external_reference"] = (
            check_text(data.external_reference, "external_reference", 255, errors) or None
        )
    if is_set(data.currency):
        currency = (data.currency or "").strip().upper()
        if currency not in CURRENCIES:
            errors.append(FieldError("currency", "must be an ISO 4217 code such as EUR"))
        values["currency"] = currency
    if is_set(data.exchange_rate):
        before = len(errors)
        rate = check_decimal(data.exchange_rate, "exchange_rate", errors, places=6)
        if rate <= 0 and len(errors) == before:  # one error per field
            errors.append(FieldError("exchange_rate", "must be positive", "out_of_range"))
        values["exchange_rate"] = rate
    if is_set(data.lang):
        if data.lang not in LANGUAGES:
            errors.append(FieldError("lang", f"must be one of {', '.join(LANGUAGES)}"))
        values["lang"] = data.lang
    if is_set(data.date_format):
        if data.date_format not in DATE_FORMATS:
            errors.append(FieldError("date_format", f"must be one of {', '.join(DATE_FORMATS)}"))
        values["date_format"] = data.date_format
    if is_set(data.money_format):
        if data.money_format not in MONEY_FORMATS:
            errors.append(
                FieldError("money_format", "must look like symbol_before,none,point (see /v1/info)")
            )
        values["money_format"] = data.money_format
    if is_set(data.template_id):
        if data.template_id not in TEMPLATE_IDS:
            errors.append(FieldError("template.id", "must be 1, 2 or 3 (see /v1/info)"))
        values["template_id"] = data.template_id
    if is_set(data.template_options):
        options = data.template_options
        unknown = set(options) - set(TEMPLATE_OPTIONS)
        for name in sorted(unknown):
            errors.append(FieldError(f"template.options.{name}", "unknown option"))
        values["template_options"] = {
            name: bool(options.get(name, name != "use_company_color")) for name in TEMPLATE_OPTIONS
        }
    for name in ("intro_texts", "close_texts"):
        texts = getattr(data, name)
        if is_set(texts):
            values[name] = _clean_texts(texts, name, errors)
    if is_set(data.is_simplified):
        values["is_simplified"] = bool(data.is_simplified)
    if is_set(data.operation_date):
        values["operation_date"] = data.operation_date
    for name in ("date", "operation_date", "due_date", "payed_at"):
        value = getattr(data, name)
        if is_set(value):
            check_date(value, name, errors)
    return values


def _clean_texts(
    texts: list[TextData], name: str, errors: list[FieldError]
) -> list[dict[str, str]]:
    if len(texts) > MAX_TEXTS:
        errors.append(FieldError(name, f"at most {MAX_TEXTS} texts", "too_many"))
        return []
    return [
        {
            "label": check_text(t.label, f"{name}.{i}.label", 255, errors, required=True),
            "text": check_text(t.text, f"{name}.{i}.text", MAX_TEXT_LENGTH, errors, required=True),
        }
        for i, t in enumerate(texts)
    ]
