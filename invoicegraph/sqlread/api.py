"""The Facturovia dialect's (``/api``) invoices, quotes and clients as SQL writing their JSON,
key for key as ``rest.api.shapes`` answers them (which stays the reference: tests compare the
two on the same rows, and writes still answer through it).

``/api`` speaks UUIDs: every row it points at (client, series, original invoice, converted
invoice) is named by that row's ``uuid``, looked up in SQL within the same account.

The tax breakdown (``taxes`` of a document and of each item) is ``domain.money.breakdown`` in
SQL: a line's taxes grouped by the same key (kind, rate by value, the codes that keep legally
distinct operations apart, and the rate of the tax it pairs with: a surcharge's IVA, an IVA's
surcharge), rows in the order they first appear (line order, then tax order), each named as
where it first appears, its base the sum of the group's bases and its amount rounded once on
that sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from invoicegraph.db.models import (
    Client,
    Invoice,
    InvoiceLine,
    InvoiceLineTax,
    Quote,
    QuoteLine,
    QuoteLineTax,
)
from invoicegraph.db.types import Money, Percentage
from invoicegraph.rest.api.shapes import PARTY_FIELDS
from invoicegraph.sqlread.documents import Flavour
from invoicegraph.sqlread.einvoicing import e_invoicing
from invoicegraph.sqlread.jsontext import JsonSql, Pairs

INVOICES = Invoice.__table__.c
QUOTES = Quote.__table__.c
CLIENTS = Client.__table__.c


@dataclass(frozen=True, slots=True)
class LineTables:
    """Where a kind of document keeps its lines and their taxes."""

    lines: Any  # the tables
    taxes: Any
    parent: str  # the lines' column naming their document
    codes: bool  # the taxes keep their VERI*FACTU codes (invoices do, quotes do not)


INVOICE_LINES = LineTables(InvoiceLine.__table__, InvoiceLineTax.__table__, "invoice_id", True)
QUOTE_LINES = LineTables(QuoteLine.__table__, QuoteLineTax.__table__, "quote_id", False)

PERCENT_SCALE: int = Percentage.scale
MONEY_SCALE: int = Money.scale


def uuid_of(j: JsonSql, table: str, account: str, ident: str) -> str:
    """The public id of the row ``ident`` of ``table`` in the account, or ``null``."""
    alias = f"{table}_ref"
    return (
        f"coalesce((SELECT {j.uuid(f'{alias}.uuid')} FROM {table} AS {alias}"
        f" WHERE {alias}.account_id = {account} AND {alias}.id = {ident}), 'null')"
    )


# ── the tax breakdown ──────────────────────────────────────────────────────────────────────


def _codes(tables: LineTables, t: str) -> str:
    """A tax row's codes as text, as ``domain.money.stored_codes`` reads them."""
    if not tables.codes:
        return "'01|01|S1|~'"

    def code(name: str, default: str) -> str:
        return f"(CASE {t}.{name} WHEN '' THEN '{default}' ELSE {t}.{name} END)"

    return (
        f"{code('impuesto', '01')} || '|' || {code('regime_key', '01')} || '|'"
        f" || {code('qualification', 'S1')} || '|' || coalesce({t}.exemption_code, '~')"
    )


def _first_on_line(kind: str, value: str) -> str:
    """A window: ``value`` of the first tax of ``kind`` on the row's line (NULL when none):
    that kind sorts first, then the taxes' order."""
    return (
        f"first_value(CASE WHEN bd_tax.kind = '{kind}' THEN {value} END) OVER"
        f" (PARTITION BY bd_tax.line_id ORDER BY (bd_tax.kind = '{kind}') DESC,"
        " bd_tax.position, bd_tax.id)"
    )


def _grouped(j: JsonSql, tables: LineTables, lines_where: str) -> str:
    """The breakdown rows of the lines ``bd_line`` that ``lines_where`` keeps, as a select of
    ``ord``, ``kind``, ``name``, ``percentage`` and ``base``.

    Each tax row's key is ``domain.money.line_keys`` as text (equal texts are one row): an IVA
    with its codes, rate and the rate of its line's first surcharge; a surcharge with its rate
    and its line's first IVA (codes and rate), else its own codes; anything else by its rate.
    """
    rate = j.decimal("bd_tax.percentage", PERCENT_SCALE)
    codes = _codes(tables, "bd_tax")
    vat = _first_on_line("vat", f"{codes} || '|' || {rate}")
    keyed = (
        "SELECT bd_tax.line_id AS line_id, bd_tax.kind AS kind, bd_tax.name AS name,"
        " bd_tax.percentage AS percentage,"
        f" bd_tax.base AS base, {rate} AS rate, {codes} AS codes,"
        f" {_first_on_line('surcharge', rate)} AS paired_surcharge,"
        f" {vat} AS paired_vat,"
        " row_number() OVER (ORDER BY bd_line.position, bd_line.id, bd_tax.position,"
        " bd_tax.id) AS ord"
        f" FROM {tables.lines.name} AS bd_line JOIN {tables.taxes.name} AS bd_tax"
        " ON bd_tax.account_id = bd_line.account_id AND bd_tax.line_id = bd_line.id"
        f" WHERE {lines_where}"
    )
    k = "bd_keyed"
    key = (
        f"(CASE {k}.kind"
        f" WHEN 'vat' THEN 'vat|' || {k}.codes || '|' || {k}.rate || '|'"
        f" || coalesce({k}.paired_surcharge, '~')"
        f" WHEN 'surcharge' THEN 'surcharge|' || {k}.rate || '|'"
        f" || coalesce({k}.paired_vat, {k}.codes || '|~')"
        f" ELSE {k}.kind || '|' || {k}.rate || '|01|01|S1|~|~' END)"
    )
    name = j.first_in_group(f"{k}.name", f"{k}.ord")
    kind = j.first_in_group(f"{k}.kind", f"{k}.ord")
    percentage = j.first_in_group(f"{k}.percentage", f"{k}.ord")
    return (
        f"SELECT min({k}.ord) AS ord, {kind} AS kind, {name} AS name,"
        f" {percentage} AS percentage, sum({k}.base) AS base"
        f" FROM ({keyed}) AS {k} GROUP BY {key}"
    )


def _tax_row(j: JsonSql) -> str:
    return j.obj(
        [
            ("kind", j.string("bd_row.kind")),
            ("name", j.string("bd_row.name")),
            ("rate", j.decimal("bd_row.percentage", PERCENT_SCALE)),
            ("base", j.decimal("bd_row.base", MONEY_SCALE)),
            ("amount", j.tax_amount("bd_row.base", "bd_row.percentage")),
        ]
    )


def breakdown(j: JsonSql, tables: LineTables, lines_where: str) -> str:
    """The breakdown (``ApiTax`` rows) of the lines ``bd_line`` that ``lines_where`` keeps."""
    grouped = _grouped(j, tables, lines_where)
    return j.array(_tax_row(j), f"FROM ({grouped}) AS bd_row", "bd_row.ord")


# ── items and documents ────────────────────────────────────────────────────────────────────


def _items(j: JsonSql, tables: LineTables, d: str) -> str:
    c = tables.lines.c
    first_vat = (
        f"(SELECT {j.decimal('item_vat.percentage', PERCENT_SCALE)}"
        f" FROM {tables.taxes.name} AS item_vat WHERE item_vat.account_id = line.account_id"
        " AND item_vat.line_id = line.id AND item_vat.kind = 'vat'"
        " ORDER BY item_vat.position, item_vat.id LIMIT 1)"
    )
    first_withholding = (
        f"(SELECT {j.decimal('(-item_irpf.percentage)', PERCENT_SCALE)}"
        f" FROM {tables.taxes.name} AS item_irpf WHERE item_irpf.account_id = line.account_id"
        " AND item_irpf.line_id = line.id AND item_irpf.kind = 'withholding'"
        " ORDER BY item_irpf.position, item_irpf.id LIMIT 1)"
    )
    taxes = breakdown(j, tables, "bd_line.account_id = line.account_id AND bd_line.id = line.id")
    item = j.obj(
        [
            ("id", j.column("line", c.uuid)),
            ("position", j.column("line", c.position)),
            ("description", j.column("line", c.description)),
            ("reference", j.column("line", c.reference)),
            ("quantity", j.column("line", c.quantity)),
            ("unit_price", j.column("line", c.price)),
            ("discount_percent", j.column("line", c.discount)),
            ("vat_rate", f"coalesce({first_vat}, 'null')"),
            ("withholding_rate", f"coalesce({first_withholding}, 'null')"),
            ("subtotal", j.column("line", c.subtotal)),
            ("discount_total", j.column("line", c.total_discount)),
            ("tax_base", j.column("line", c.total_before_taxes)),
            ("tax_total", j.column("line", c.total_taxes)),
            ("total", j.column("line", c.total_with_taxes)),
            ("taxes", taxes),
        ]
    )
    return j.array(
        item,
        f"FROM {tables.lines.name} AS line WHERE line.account_id = {d}.account_id"
        f" AND line.{tables.parent} = {d}.id",
        "line.position, line.id",
    )


def _totals(j: JsonSql, tables: LineTables, d: str, c: Any) -> Pairs:
    return [
        ("subtotal", j.column(d, c.subtotal)),
        ("discount_total", j.column(d, c.total_discount)),
        ("tax_base", j.column(d, c.total_before_taxes)),
        ("tax_total", j.column(d, c.total_taxes)),
        ("total", j.column(d, c.total_with_taxes)),
        (
            "taxes",
            breakdown(
                j,
                tables,
                f"bd_line.account_id = {d}.account_id AND bd_line.{tables.parent} = {d}.id",
            ),
        ),
    ]


def _party(j: JsonSql, i: str, prefix: str) -> str:
    pairs = [(name, j.column(i, INVOICES[prefix + name])) for name in PARTY_FIELDS]
    return j.nullable_obj(f"{i}.{prefix}name IS NOT NULL", pairs)


def _series(j: JsonSql, i: str, value: str) -> str:
    return (
        f"coalesce((SELECT {value} FROM series AS series_row"
        f" WHERE series_row.account_id = {i}.account_id AND series_row.id = {i}.series_id),"
        " 'null')"
    )


def invoice(j: JsonSql, flavour: Flavour, i: str = "invoices") -> str:
    """An invoice with its items (``ApiInvoice``)."""
    c = INVOICES
    return j.obj(
        [
            ("id", j.column(i, c.uuid)),
            ("status", j.column(i, c.status)),
            ("serie_id", _series(j, i, j.uuid("series_row.uuid"))),
            ("series", _series(j, i, j.string("series_row.code"))),
            ("number", j.column(i, c.number)),
            ("full_number", j.column(i, c.full_number)),
            ("invoice_date", j.column(i, c.date)),
            ("due_date", j.column(i, c.due_date)),
            ("client_id", uuid_of(j, "clients", f"{i}.account_id", f"{i}.client_id")),
            ("client", _party(j, i, "recipient_")),
            ("issuer", _party(j, i, "issuer_")),
            ("currency", j.column(i, c.currency)),
            ("exchange_rate", j.column(i, c.exchange_rate)),
            ("items", _items(j, INVOICE_LINES, i)),
            *_totals(j, INVOICE_LINES, i, c),
            ("vat_total", j.column(i, c.total_vat)),
            ("withholding_total", j.column(i, c.total_withholding)),
            ("is_corrective", j.column(i, c.is_rectificative)),
            (
                "original_invoice_id",
                uuid_of(j, "invoices", f"{i}.account_id", f"{i}.rectifies_invoice_id"),
            ),
            ("causa_rectificacion", j.column(i, c.rectification_cause)),
            ("rectification_reason", j.column(i, c.rectification_reason)),
            ("rectification_status", j.column(i, c.rectified_status)),
            ("external_reference", j.column(i, c.external_reference)),
            ("notes", j.column(i, c.notes)),
            ("payed_at", j.column(i, c.payed_at)),
            ("issued_at", j.column(i, c.issued_at)),
            ("annulled_at", j.column(i, c.annulled_at)),
            ("e_invoicing", e_invoicing(j, flavour, i)),
            ("created_at", j.column(i, c.created_at)),
            ("updated_at", j.column(i, c.updated_at)),
        ]
    )


def quote(j: JsonSql, flavour: Flavour, q: str = "quotes") -> str:
    """A quote with its items (``ApiQuote``)."""
    c = QUOTES
    return j.obj(
        [
            ("id", j.column(q, c.uuid)),
            ("status", j.column(q, c.status)),
            ("quote_date", j.column(q, c.date)),
            ("valid_until", j.column(q, c.valid_until)),
            ("client_id", uuid_of(j, "clients", f"{q}.account_id", f"{q}.client_id")),
            ("currency", j.column(q, c.currency)),
            ("exchange_rate", j.column(q, c.exchange_rate)),
            ("items", _items(j, QUOTE_LINES, q)),
            *_totals(j, QUOTE_LINES, q, c),
            ("external_reference", j.column(q, c.external_reference)),
            ("notes", j.column(q, c.notes)),
            (
                "converted_invoice_id",
                uuid_of(j, "invoices", f"{q}.account_id", f"{q}.converted_invoice_id"),
            ),
            ("created_at", j.column(q, c.created_at)),
            ("updated_at", j.column(q, c.updated_at)),
        ]
    )


def client(j: JsonSql, flavour: Flavour, k: str = "clients") -> str:
    """A client (``ApiClient``)."""
    names = (
        "name", "tax_id", "email", "phone", "address", "city", "province", "postal_code",
        "country", "notes", "created_at", "updated_at",
    )  # fmt: skip
    return j.obj(
        [("id", j.column(k, CLIENTS.uuid)), *((n, j.column(k, CLIENTS[n])) for n in names)]
    )
