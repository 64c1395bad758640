"""Facturovia bodies and query strings (already parsed by their models) turned into the
services' inputs. Only names and shapes change here (``invoice_date`` → ``date``,
``unit_price`` → ``price``, ``discount_percent`` → ``discount``, ``items`` → ``lines``); every
rule is the services'."""

from __future__ import annotations

from decimal import Decimal

from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.rectification import LineCorrection, RectificationItem
from invoicegraph.rest.api.models import (
    ApiClientInput,
    ApiCorrectInput,
    ApiInvoiceInput,
    ApiItemInput,
    ApiQuoteInput,
    ApiRectifyInput,
)
from invoicegraph.rest.fields import Body
from invoicegraph.services.clients import ClientInput
from invoicegraph.services.invoices import InvoiceData, RectifyOptions
from invoicegraph.services.lines import LineData
from invoicegraph.services.pagination import PageRequest, decode_cursor
from invoicegraph.services.quotes import QuoteData
from invoicegraph.services.unset import UNSET, is_set

LEAST_QUANTITY = Decimal("0.0001")
KINDS = {"differences": "I", "substitution": "S"}
DOCUMENT = ("client_id", "currency", "exchange_rate", "notes", "external_reference")


def page_request(limit: int, cursor: str | None) -> PageRequest:
    """``?limit=`` (1–100) and ``?cursor=`` (a ``next_cursor`` we answered)."""
    if cursor:  # ?cursor= (empty) is the first page
        values = decode_cursor(cursor, "cursor")
        if not all(type(v) is int and 0 < v < 2**63 for v in values):
            raise ValidationFailed.single("cursor", "is not a cursor of this list")
    return PageRequest(limit=limit, after=cursor or None, with_total=False)


def _sent(body: Body, names: tuple[str, ...], renamed: dict[str, str]) -> dict[str, object]:
    values = {renamed.get(name, name): body.maybe(name) for name in names}
    return {name: value for name, value in values.items() if is_set(value)}


def _line(item: ApiItemInput) -> LineData:
    return LineData(
        description=item.description,
        reference=item.reference,
        quantity=item.quantity,
        price=item.unit_price,
        discount=item.discount_percent,
        vat_rate=item.vat_rate,
        withholding_rate=item.withholding_rate,
        taxes=list(item.tax_ids) if item.tax_ids else None,
    )


def _lines(body: ApiInvoiceInput | ApiQuoteInput) -> object:
    return [_line(item) for item in body.items] if body.items is not None else UNSET


def invoice_data(body: ApiInvoiceInput) -> InvoiceData:
    names = (*DOCUMENT, "invoice_date", "due_date")
    fields = _sent(body, names, {"client_id": "client", "invoice_date": "date"})
    return InvoiceData(**fields, lines=_lines(body))  # type: ignore[arg-type]


def quote_data(body: ApiQuoteInput) -> QuoteData:
    names = (*DOCUMENT, "quote_date", "valid_until")
    fields = _sent(body, names, {"client_id": "client", "quote_date": "date"})
    return QuoteData(**fields, lines=_lines(body))  # type: ignore[arg-type]


def client_input(body: ApiClientInput) -> ClientInput:
    return ClientInput(**_sent(body, tuple(ApiClientInput.model_fields), {}))  # type: ignore[arg-type]


def _corrections(body: ApiRectifyInput) -> list[LineCorrection] | None:
    sent = getattr(body, "corrections", None)
    if sent is None:
        return None
    return [
        LineCorrection(
            reference=(item.reference or "").strip() or None,
            description=item.description,
            quantity=item.quantity,
            price=item.unit_price,
            discount=item.discount_percent,
        )
        for item in sent
    ]


def rectify_options(body: ApiCorrectInput | ApiRectifyInput) -> RectifyOptions:
    """``correct`` (no items) negates every line; ``rectify`` only the items named, or states
    the corrected lines (by differences or by substitution)."""
    items = None
    corrections = None
    kind = "I"
    if "items" in type(body).model_fields:  # rectify, or what is left of one (``rest.partial``)
        corrections = _corrections(body)  # type: ignore[arg-type]
        kind = KINDS[getattr(body, "rectification_type", None) or "differences"]
        sent = getattr(body, "items", None)
        if sent is None and corrections is None:
            raise ValidationFailed.single(
                "items", "send the items to take back, or corrections", "required"
            )
        missing = [
            f"items.{i}.description"
            for i, item in enumerate(sent or [])
            if not (item.reference or "").strip() and not (item.description or "").strip()
        ]
        if missing:
            message = "is required when no reference is given"
            raise ValidationFailed([FieldError(name, message, "required") for name in missing])
        if sent is not None:
            items = [
                RectificationItem(
                    # what is left of an item whose quantity the model refused is still matched
                    quantity=item.quantity if item.quantity is not None else LEAST_QUANTITY,
                    reference=(item.reference or "").strip() or None,
                    description=item.description,
                )
                for item in sent
            ]
    reason = (body.notes or "").strip() or None
    return RectifyOptions(
        items=items,
        corrections=corrections,
        kind=kind,
        cause=body.causa_rectificacion,
        reason=reason,
    )
