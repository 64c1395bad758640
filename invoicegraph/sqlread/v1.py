"""The Orzame dialect's (``/v1``) invoices and contacts as SQL writing their JSON, key for key
as ``rest.v1.shapes`` and ``rest.v1.contacts`` answer them (which stay the reference: tests
compare the two on the same rows, and writes still answer through them).

``/v1`` speaks integer ids. Every id it shows, of the row itself or of a row it points at, is
written by ``v1_id``: the one place to change when the dialect's ids stop being the rows'
own ``id`` column.
"""

from __future__ import annotations

from invoicegraph.db.models import Client, Invoice, InvoiceLine, InvoiceLineTax
from invoicegraph.rest.v1.currency import SYMBOLS
from invoicegraph.rest.v1.shapes import TYPE_ORDINARY, TYPE_PROFORMA, TYPE_RECTIFICATIVE
from invoicegraph.services.invoices.inputs import TEMPLATE_OPTIONS
from invoicegraph.sqlread.documents import Flavour
from invoicegraph.sqlread.einvoicing import e_invoicing
from invoicegraph.sqlread.jsontext import JsonSql, Pairs, constant, sql_text

INVOICES = Invoice.__table__.c
LINES = InvoiceLine.__table__.c
LINE_TAXES = InvoiceLineTax.__table__.c
CLIENTS = Client.__table__.c


def v1_id(j: JsonSql, ref: str) -> str:
    """A /v1 id: the row's own integer id, counted per account (``invoices.id``, ``client_id``)."""
    return j.integer(ref)


def _currency(j: JsonSql, ref: str) -> str:
    spelled = " ".join(
        f"WHEN {sql_text(code)} THEN {constant(symbol)}" for symbol, code in SYMBOLS.items()
    )
    return f"(CASE {ref} {spelled} ELSE {j.string(ref)} END)"


def _type_id(i: str) -> str:
    return (
        f"(CASE WHEN {i}.status = 'draft' THEN '{TYPE_PROFORMA}'"
        f" WHEN {i}.is_rectificative THEN '{TYPE_RECTIFICATIVE}' ELSE '{TYPE_ORDINARY}' END)"
    )


def _party(j: JsonSql, i: str, prefix: str) -> Pairs:
    names = ("name", "tax_id", "address", "city", "province", "country", "postal_code")
    keys = ("name", "vat", "address", "population", "province_state", "country", "zip")
    return [
        (key, j.column(i, INVOICES[prefix + name])) for key, name in zip(keys, names, strict=True)
    ]


def _head(j: JsonSql, flavour: Flavour, i: str) -> Pairs:
    code = (
        f"(SELECT {j.string('series_row.code')} FROM series AS series_row"
        f" WHERE series_row.account_id = {i}.account_id AND series_row.id = {i}.series_id)"
    )
    # the recipient's tax id is ``number`` here (a contact's name for it), ``vat`` for the issuer
    recipient = [("id", v1_id(j, f"{i}.client_id"))] + [
        ("number" if key == "vat" else key, value) for key, value in _party(j, i, "recipient_")
    ]
    return [
        ("id", v1_id(j, f"{i}.id")),
        ("name", j.column(i, INVOICES.name)),
        ("type_id", _type_id(i)),
        (
            "serie",
            j.obj(
                [
                    ("id", v1_id(j, f"{i}.series_id")),
                    (
                        "name",
                        f"coalesce({code}, 'null')",
                    ),
                ]
            ),
        ),
        ("number", j.column(i, INVOICES.number)),
        ("e_invoicing", e_invoicing(j, flavour, i)),
        ("date", j.column(i, INVOICES.date)),
        ("due_date", j.column(i, INVOICES.due_date)),
        ("payment_method", j.column(i, INVOICES.payment_method_text)),
        ("rectification_invoice_id", v1_id(j, f"{i}.rectifies_invoice_id")),
        ("issued_by", j.obj(_party(j, i, "issuer_"))),
        (
            "issued_to",
            j.nullable_obj(
                f"NOT ({i}.client_id IS NULL AND {i}.recipient_name IS NULL)", recipient
            ),
        ),
        ("payed_at", j.column(i, INVOICES.payed_at)),
        ("currency", _currency(j, f"{i}.currency")),
        ("lang", j.column(i, INVOICES.lang)),
        ("date_format", j.column(i, INVOICES.date_format)),
        ("money_format", j.column(i, INVOICES.money_format)),
    ]


def _totals(j: JsonSql, i: str) -> Pairs:
    return [
        ("total_before_taxes", j.column(i, INVOICES.total_before_taxes)),
        ("total_taxes", j.column(i, INVOICES.total_taxes)),
        ("total_with_taxes", j.column(i, INVOICES.total_with_taxes)),
        ("created_at", j.column(i, INVOICES.created_at, seconds=True)),
        ("updated_at", j.seconds(f"coalesce({i}.updated_at, {i}.created_at)")),
    ]


def _texts(j: JsonSql, ref: str) -> str:
    def text(element: str) -> str:
        label = j.quote_text(f"coalesce({j.member(element, 'label')}, '')")
        body = j.quote_text(f"coalesce({j.member(element, 'text')}, '')")
        return j.obj([("label", label), ("text", body)])

    return j.json_array(ref, text)


def _template(j: JsonSql, i: str) -> str:
    options = [
        (name, j.json_flag(f"{i}.template_options", name, name != "use_company_color"))
        for name in TEMPLATE_OPTIONS
    ]
    return j.obj([("id", j.column(i, INVOICES.template_id)), ("options", j.obj(options))])


def _lines(j: JsonSql, i: str) -> str:
    tax = j.obj(
        [
            ("id", v1_id(j, "line_tax.tax_id")),
            ("name", j.column("line_tax", LINE_TAXES.name)),
            ("percentage", j.column("line_tax", LINE_TAXES.percentage)),
            ("total", j.column("line_tax", LINE_TAXES.total)),
            ("version", j.column("line_tax", LINE_TAXES.tax_version_uuid)),
        ]
    )
    taxes = j.array(
        tax,
        "FROM invoice_line_taxes AS line_tax WHERE line_tax.account_id = line.account_id"
        " AND line_tax.line_id = line.id",
        "line_tax.position, line_tax.id",
    )
    line = j.obj(
        [
            ("sku", j.column("line", LINES.sku)),
            ("product_id", v1_id(j, "line.product_id")),
            ("description", j.column("line", LINES.description)),
            ("quantity", j.column("line", LINES.quantity)),
            ("price", j.column("line", LINES.price)),
            ("discount", j.column("line", LINES.discount)),
            ("business_line_id", "'null'"),
            ("subtotal", j.column("line", LINES.subtotal)),
            ("total_discount", j.column("line", LINES.total_discount)),
            ("total_before_taxes", j.column("line", LINES.total_before_taxes)),
            ("taxes", taxes),
            ("total_taxes", j.column("line", LINES.total_taxes)),
            ("total_with_taxes", j.column("line", LINES.total_with_taxes)),
        ]
    )
    return j.array(
        line,
        f"FROM invoice_lines AS line WHERE line.account_id = {i}.account_id"
        f" AND line.invoice_id = {i}.id",
        "line.position, line.id",
    )


def invoice_summary(j: JsonSql, flavour: Flavour, i: str = "invoices") -> str:
    """An invoice of the list (``V1InvoiceSummary``)."""
    return j.obj([*_head(j, flavour, i), *_totals(j, i)])


def invoice_full(j: JsonSql, flavour: Flavour, i: str = "invoices") -> str:
    """One invoice with its template, texts, lines and notes (``V1Invoice``)."""
    return j.obj(
        [
            *_head(j, flavour, i),
            ("template", _template(j, i)),
            ("intro_texts", _texts(j, f"{i}.intro_texts")),
            ("lines", _lines(j, i)),
            ("close_texts", _texts(j, f"{i}.close_texts")),
            ("notes", j.string(f"coalesce({i}.notes, '')")),
            *_totals(j, i),
        ]
    )


def contact(j: JsonSql, flavour: Flavour, k: str = "clients") -> str:
    """A client as the dialect's contact (``V1Contact``, ``rest.v1.contacts.contact_shape``)."""
    names = (
        ("name", "name"), ("number", "tax_id"), ("email", "email"), ("phone", "phone"),
        ("address", "address"), ("population", "city"), ("province_state", "province"),
        ("country", "country"), ("zip", "postal_code"), ("notes", "notes"),
    )  # fmt: skip
    return j.obj(
        [
            ("id", v1_id(j, f"{k}.id")),
            *((key, j.column(k, CLIENTS[name])) for key, name in names),
            ("created_at", j.column(k, CLIENTS.created_at, seconds=True)),
            ("updated_at", j.seconds(f"coalesce({k}.updated_at, {k}.created_at)")),
        ]
    )
