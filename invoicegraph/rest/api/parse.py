"""Facturovia request bodies and query strings turned into the services' inputs.

Only names and shapes change here (``invoice_date`` → ``date``, ``unit_price`` → ``price``,
``discount_percent`` → ``discount``, ``items`` → ``lines``); every rule is the services'.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.rectification import RectificationItem
from invoicegraph.domain.validation import ascii_digits, check_text
from invoicegraph.rest.api.reader import BodyReader
from invoicegraph.services.clients import ClientInput
from invoicegraph.services.invoices import InvoiceData, IssueOptions, RectifyOptions
from invoicegraph.services.lines import LineData
from invoicegraph.services.pagination import MAX_PAGE_SIZE, PageRequest, decode_cursor
from invoicegraph.services.quotes import QuoteData
from invoicegraph.services.unset import UNSET, Maybe, is_set

T = TypeVar("T")
NOTES_LIMIT = 5000  # as the invoice services keep notes
CLIENT_FIELDS = (
    "name",
    "tax_id",
    "email",
    "phone",
    "address",
    "city",
    "province",
    "postal_code",
    "country",
    "notes",
)


def _opt(value: Maybe[T | None]) -> T | None:
    return value if is_set(value) else None


def page_request(limit: str | None, cursor: str | None) -> PageRequest:
    """``?limit=`` (1–100, default 100) and ``?cursor=`` (a ``next_cursor`` we answered)."""
    size = MAX_PAGE_SIZE
    if limit is not None:
        if not ascii_digits(limit, 4):
            raise ValidationFailed.single("limit", f"must be an integer from 1 to {MAX_PAGE_SIZE}")
        size = int(limit)
    if cursor:  # ?cursor= (empty) is the first page
        values = decode_cursor(cursor, "cursor")
        if not all(type(v) is int and 0 < v < 2**63 for v in values):
            raise ValidationFailed.single("cursor", "is not a cursor of this list")
    return PageRequest(limit=size, after=cursor or None, with_total=False)


def _line_items(reader: BodyReader, name: str = "items") -> Maybe[list[LineData]]:
    items = reader.objects(name)
    if not is_set(items) or items is None:
        return UNSET
    lines: list[LineData] = []
    for item in items:
        lines.append(
            LineData(
                description=_opt(item.text("description")),
                reference=_opt(item.text("reference")),
                quantity=_opt(item.number("quantity")),
                price=_opt(item.number("unit_price")),
                discount=_opt(item.number("discount_percent")),
                vat_rate=_opt(item.required("vat_rate", item.number("vat_rate"))),
            )
        )
    return lines


def invoice_data(body: Any) -> InvoiceData:
    reader = BodyReader(body)
    data = InvoiceData(
        client=reader.uuid("client_id"),
        date=_not_null(reader, "invoice_date", reader.date("invoice_date")),
        due_date=reader.date("due_date"),
        currency=_not_null(reader, "currency", reader.text("currency")),
        exchange_rate=_not_null(reader, "exchange_rate", reader.number("exchange_rate")),
        notes=reader.text("notes"),
        external_reference=reader.text("external_reference"),
        lines=_line_items(reader),
    )
    reader.check()
    return data


def quote_data(body: Any) -> QuoteData:
    reader = BodyReader(body)
    data = QuoteData(
        client=reader.uuid("client_id"),
        date=_not_null(reader, "quote_date", reader.date("quote_date")),
        valid_until=reader.date("valid_until"),
        currency=_not_null(reader, "currency", reader.text("currency")),
        exchange_rate=_not_null(reader, "exchange_rate", reader.number("exchange_rate")),
        notes=reader.text("notes"),
        external_reference=reader.text("external_reference"),
        lines=_line_items(reader),
    )
    reader.check()
    return data


def client_input(body: Any) -> ClientInput:
    reader = BodyReader(body)
    data = ClientInput()
    for name in CLIENT_FIELDS:
        value = reader.text(name)
        if is_set(value):
            setattr(data, name, value)  # a null name or country is the service's to refuse
    reader.check()
    return data


def issue_options(body: Any) -> IssueOptions:
    reader = BodyReader(body)
    series = reader.uuid("serie_id")
    date = reader.date("invoice_date")
    reader.check()
    return IssueOptions(series=_opt(series), date=_opt(date))


def rectify_options(body: Any, *, partial: bool) -> RectifyOptions:
    """``correct`` (``partial`` False) negates every line; ``rectify`` only the items named."""
    reader = BodyReader(body)
    cause = reader.text("causa_rectificacion")
    notes = reader.text("notes")
    items: list[RectificationItem] | None = None
    if partial:
        listed = reader.required("items", reader.objects("items"))
        items = [_rectification_item(item) for item in listed] if is_set(listed) else []
    reason = _opt(notes)
    if reason is not None:
        reason = check_text(reason, "notes", NOTES_LIMIT, reader.errors) or None
    reader.check()
    return RectifyOptions(items=items, cause=_opt(cause), reason=reason)


def _rectification_item(item: BodyReader) -> RectificationItem:
    reference = _opt(item.text("reference"))
    description = _opt(item.text("description"))
    if not reference and not description and item.data.get("description") is None:
        item.fail("description", "is required when no reference is given", "required")
    quantity = item.required("quantity", item.number("quantity"))
    return RectificationItem(
        quantity=quantity if is_set(quantity) else Decimal(0),
        reference=reference or None,
        description=description,
    )


def _not_null(reader: BodyReader, name: str, value: Maybe[T | None]) -> Maybe[T]:
    """A field that may be omitted (the service defaults it) but not sent as null."""
    if value is None:
        reader.errors.append(FieldError(reader.path(name), "must not be null", "required"))
        return UNSET
    return value
