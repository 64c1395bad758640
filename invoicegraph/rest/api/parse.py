"""Facturovia bodies and query strings (already parsed by their models) turned into the
services' inputs. Only names and shapes change here (``invoice_date`` → ``date``,
``unit_price`` → ``price``, ``discount_percent`` → ``discount``, ``items`` → ``lines``); every
rule is the services'."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.rectification import LineCorrection, RectificationItem
from invoicegraph.rest.api.fieldnames import ITEM_FIELDS
from invoicegraph.rest.api.models import (
    ApiClientInput,
    ApiCorrectInput,
    ApiInvoiceInput,
    ApiItemInput,
    ApiQuoteInput,
    ApiRectifyInput,
)
from invoicegraph.rest.fields import rectification_kind
from invoicegraph.services.clients import ClientInput
from invoicegraph.services.invoices import InvoiceData, RectifyOptions
from invoicegraph.services.lines import LineData
from invoicegraph.services.pagination import PageRequest, decode_cursor
from invoicegraph.services.quotes import QuoteData
from invoicegraph.services.refs import Ref
from invoicegraph.services.unset import UNSET, Maybe

LEAST_QUANTITY = Decimal("0.0001")


def page_request(limit: int, cursor: str | None) -> PageRequest:
    """``?limit=`` (1–100) and ``?cursor=`` (a ``next_cursor`` we answered)."""
    if cursor:  # ?cursor= (empty) is the first page
        values = decode_cursor(cursor, "cursor")
        if not all(type(v) is int and 0 < v < 2**63 for v in values):
            raise ValidationFailed.single("cursor", "is not a cursor of this list")
    return PageRequest(limit=limit, after=cursor or None, with_total=False)


def _line(item: ApiItemInput) -> LineData:
    taxes: list[Ref] | None = list(item.tax_ids) if item.tax_ids else None
    return LineData(**item.sent(ITEM_FIELDS, but=("tax_ids",)), taxes=taxes)


def _lines(body: ApiInvoiceInput | ApiQuoteInput) -> Maybe[list[LineData]]:
    return [_line(item) for item in body.items] if body.items is not None else UNSET


def invoice_data(body: ApiInvoiceInput) -> InvoiceData:
    fields = body.sent({"client_id": "client", "invoice_date": "date"}, but=("items",))
    return InvoiceData(**fields, lines=_lines(body))


def quote_data(body: ApiQuoteInput) -> QuoteData:
    fields = body.sent({"client_id": "client", "quote_date": "date"}, but=("items",))
    return QuoteData(**fields, lines=_lines(body))


def client_input(body: ApiClientInput) -> ClientInput:
    return ClientInput(**body.sent())


def _given(text: str | None) -> str | None:
    return (text or "").strip() or None


def rectify_options(body: ApiCorrectInput | ApiRectifyInput) -> RectifyOptions:
    """``correct`` (no items) negates every line; ``rectify`` only the items named, or states
    the corrected lines (by differences or by substitution)."""
    options = RectifyOptions(cause=body.causa_rectificacion, reason=_given(body.notes))
    if "items" not in type(body).model_fields:  # correct (rectify and its partial twin have items)
        return options
    fixed, sent = getattr(body, "corrections", None), getattr(body, "items", None)
    if sent is None and fixed is None:
        message = "send the items to take back, or corrections"
        raise ValidationFailed.single("items", message, "required")
    missing = [
        f"items.{i}.description"
        for i, item in enumerate(sent or [])
        if not _given(item.reference) and not _given(item.description)
    ]
    if missing:
        message = "is required when no reference is given"
        raise ValidationFailed([FieldError(name, message, "required") for name in missing])
    if fixed is not None:
        fixed = [
            LineCorrection(**c.sent(ITEM_FIELDS, but=("reference",)), reference=_given(c.reference))
            for c in fixed
        ]
    if sent is not None:
        # what is left of an item whose quantity the model refused is still matched
        sent = [
            RectificationItem(i.quantity or LEAST_QUANTITY, _given(i.reference), i.description)
            for i in sent
        ]
    return replace(options, kind=rectification_kind(body), corrections=fixed, items=sent)
