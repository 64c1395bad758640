"""The invoice bodies of the Orzame dialect (create, PATCH, issue, rectify) read into the
services' inputs. Names and shapes only: which values are valid is the services' business,
except what the seed itself states about a field's type and presence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.rest.v1.currency import currency_in
from invoicegraph.rest.v1.parse import Fields, as_id
from invoicegraph.services.invoices import InvoiceData, TextData
from invoicegraph.services.invoices.inputs import MAX_TEXT_LENGTH, MAX_TEXTS, TEMPLATE_OPTIONS
from invoicegraph.services.lines import MAX_LINES, MAX_QUANTITY, LineData
from invoicegraph.services.refs import Ref
from invoicegraph.services.unset import UNSET, is_set

MAX_LINE_TAXES = 10
PATCH_FIELDS = (
    "name",
    "contact_id",
    "due_date_id",
    "payment_method_id",
    "date",
    "payed_at",
    "lang",
    "currency",
    "date_format",
    "money_format",
    "notes",
    "reload_issued_by",
    "intro_texts",
    "close_texts",
    "lines",
    "template",
)


def invoice_data(body: dict[str, Any], *, creating: bool) -> InvoiceData:
    """Create: the seed's required fields must be there. PATCH: every field is optional, a
    field not sent is ``UNSET``, and at least one must be sent."""
    if not creating and not any(name in body for name in PATCH_FIELDS):
        raise ValidationFailed.single(
            "body",
            f"at least one parameter must be sent: {', '.join(PATCH_FIELDS)}",
            "required",
        )
    fields = Fields(body)
    required = creating
    data = InvoiceData(
        name=fields.string("name", required=required, max_length=255),
        client=fields.identifier("contact_id", required=required),
        due_date_term=fields.identifier("due_date_id", required=required),
        payment_method=fields.identifier("payment_method_id", required=required),
        notes=fields.string("notes", nullable=True, max_length=5000),
    )
    date = fields.date("date")
    if is_set(date) and date is not None:
        data.date = date
    for name in ("lang", "date_format", "money_format"):
        value = fields.string(name, required=required, max_length=64)
        if is_set(value):
            setattr(data, name, value)
    currency = fields.string("currency", required=required, max_length=64)
    if is_set(currency) and currency is not None:
        code = currency_in(currency)
        if code is None:
            fields.fail("currency", "must be an ISO 4217 code such as ARS, or €, $ or £")
        else:
            data.currency = code
    if not creating:
        data.payed_at = fields.date("payed_at", nullable=True)
        data.reload_issued_by = fields.boolean("reload_issued_by") is True
    for name in ("intro_texts", "close_texts"):
        setattr(data, name, _texts(fields, name))
    data.lines = _lines(fields)
    _template(fields, data)
    fields.check()
    return data


def _texts(fields: Fields, name: str) -> Any:
    items = fields.array(name, max_items=MAX_TEXTS)
    if not is_set(items):
        return UNSET
    texts: list[TextData] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            fields.fail(f"{name}.{index}", "must be an object with label and text")
            continue
        text = Fields(item, fields.errors, f"{name}.{index}.")
        label = text.string("label", required=True, max_length=255)
        body = text.string("text", required=True, max_length=MAX_TEXT_LENGTH)
        if is_set(label) and is_set(body) and label is not None and body is not None:
            texts.append(TextData(label=label, text=body))
    return texts


def _lines(fields: Fields) -> Any:
    items = fields.array("lines", max_items=MAX_LINES)
    if not is_set(items):
        return UNSET
    lines: list[LineData] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            fields.fail(f"lines.{index}", "must be a line object")
            continue
        line = Fields(item, fields.errors, f"lines.{index}.")
        product = line.identifier("product_id", nullable=True)
        by_product = is_set(product) and product is not None
        # the seed types quantity as an Integer; a decimal quantity (hours, kilos) is taken too
        quantity = line.number("quantity", required=not by_product, low=0, high=MAX_QUANTITY)
        price = line.number("price", required=not by_product)
        description = line.string("description", required=not by_product, max_length=500)
        discount = line.number("discount", low=0, high=100)
        lines.append(
            LineData(
                product=product if is_set(product) else None,
                quantity=_or_none(quantity),
                price=_or_none(price),
                description=description if is_set(description) else None,
                discount=_or_none(discount),
                taxes=_tax_ids(line),
            )
        )
    return lines


def _or_none(value: Decimal | Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _tax_ids(line: Fields) -> list[Ref] | None:
    items = line.array("taxes", max_items=MAX_LINE_TAXES)
    if not is_set(items):
        return None
    ids: list[Ref] = []
    for position, item in enumerate(items):
        tax_id = as_id(item)
        if tax_id is None:
            line.fail(f"taxes.{position}", "must be a tax identifier (see /v1/taxes)")
        else:
            ids.append(tax_id)
    return ids


def _template(fields: Fields, data: InvoiceData) -> None:
    template = fields.object("template")
    if not is_set(template):
        return
    reader = Fields(template, fields.errors, "template.")
    template_id = reader.identifier("id", required=True)
    if is_set(template_id) and template_id is not None:
        data.template_id = template_id
    options = reader.object("options", required=True)
    if not is_set(options):
        return
    flags = Fields(options, fields.errors, "template.options.")
    chosen = {name: flags.boolean(name, required=True) for name in TEMPLATE_OPTIONS}
    if all(isinstance(flag, bool) for flag in chosen.values()):
        data.template_options = {name: bool(flag) for name, flag in chosen.items()}


@dataclass(frozen=True, slots=True)
class IssueBody:
    date: dt.date
    serie_id: int
    delete_proforma: bool = False


def issue_body(body: dict[str, Any], *, with_delete: bool) -> IssueBody:
    """``issue`` (date, serie_id, delete_proforma) and ``rectify`` (date, serie_id)."""
    fields = Fields(body)
    date = fields.date("date", required=True)
    serie_id = fields.identifier("serie_id", required=True)
    delete = fields.boolean("delete_proforma") if with_delete else UNSET
    fields.check()
    assert isinstance(date, dt.date) and isinstance(serie_id, int)
    return IssueBody(date=date, serie_id=serie_id, delete_proforma=delete is True)
