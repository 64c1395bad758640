"""The *libro registro de facturas expedidas*: one row per issued invoice and tax rate, in the
column layout the tax agency publishes for VAT registers (pure: no I/O).

Source of the layout: AEAT, «Libros registro del IVA y del IRPF — formato electrónico común»
(Orden HAC/773/2019, art. 9; the agency's template and its FAQ «Libro registro de facturas
expedidas (IVA) y de ventas e ingresos (IRPF)», sede.agenciatributaria.gob.es). Its sheet
*EXPEDIDAS_INGRESOS* has 36 columns, in two header rows (a group such as «Autoliquidación» over
«Ejercicio» and «Periodo»); we write one header row naming both (``Autoliquidación: Ejercicio``)
so that a CSV reader and a spreadsheet see the same headings. Four columns follow the agency's
36, our extension: the series, number and date of the invoice a rectificative corrects and the
rectification type (S substitution, I differences), which the agency's layout has no place for.

Figures: each row's base is the sum of its lines' bases; each tax amount is the invoice's own
breakdown amount (rounded once on the summed base, ``domain.money``), shared out among the rows
that carry that tax when an invoice splits one rate over several rows (IVA 21 % with and
without IRPF), the last row taking what rounding leaves, so every column sums to exactly the
invoice's totals. ``Total Factura`` is the row's share (base + IVA + recargo − IRPF): the rows of
an invoice sum to its total, and an exempt row's total equals its base, as the FAQ asks.
Amounts are in euros (the register's currency): an invoice in another currency is converted at
its exchange rate, figure by figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from invoicegraph.domain.money import (
    ZERO,
    BreakdownKey,
    TaxAmount,
    TaxCodes,
    breakdown_of_taxes,
    line_keys,
    round2,
    tax_on,
)

# the EU's VAT prefixes (EL is Greece's), for «NIF Destinatario: Tipo» 02 (NIF-IVA)
EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)
# «Cobro: Medio Utilizado»: 01 transferencia, 02 cheque, 03 no se cobra, 04 otros, 05 domiciliación
PAYMENT_MEDIUM = {
    "bank_transfer": "01",
    "direct_debit": "05",
    "card": "04",
    "cash": "04",
    "other": "04",
}
INCOME_CONCEPT = "I01"  # «Concepto de Ingreso»: ingresos de la actividad (ventas y servicios)
EUR = "EUR"

AEAT_COLUMNS: tuple[str, ...] = (
    "Autoliquidación: Ejercicio",
    "Autoliquidación: Periodo",
    "Actividad: Código",
    "Actividad: Tipo",
    "Actividad: Grupo o Epígrafe del IAE",
    "Tipo de Factura",
    "Concepto de Ingreso",
    "Ingreso Computable",
    "Fecha Expedición",
    "Fecha Operación",
    "Identificación de la Factura: Serie",
    "Identificación de la Factura: Número",
    "Identificación de la Factura: Número-Final",
    "NIF Destinatario: Tipo",
    "NIF Destinatario: Código País",
    "NIF Destinatario: Identificación",
    "Nombre Destinatario",
    "Clave de Operación",
    "Calificación de la Operación",
    "Operación Exenta",
    "Total Factura",
    "Base Imponible",
    "Tipo de IVA",
    "Cuota IVA Repercutida",
    "Tipo de Recargo eq.",
    "Cuota Recargo eq.",
    "Cobro: Fecha",
    "Cobro: Importe",
    "Cobro: Medio Utilizado",
    "Cobro: Identificación Medio Utilizado",
    "Tipo Retención del IRPF",
    "Importe Retenido del IRPF",
    "Registro Acuerdo Facturación",
    "Inmueble: Situación",
    "Inmueble: Referencia Catastral",
    "Referencia Externa",
)
EXTENSION_COLUMNS: tuple[str, ...] = (
    "Factura Rectificada: Serie",
    "Factura Rectificada: Número",
    "Factura Rectificada: Fecha Expedición",
    "Tipo de Rectificación",
)
REGISTER_COLUMNS = AEAT_COLUMNS + EXTENSION_COLUMNS

Cell = str | int | Decimal | dt.date | None


@dataclass(frozen=True, slots=True)
class RectifiedInvoice:
    """The invoice a rectificative corrects, as the register names it."""

    series: str
    number: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class IssuedInvoice:
    """What the register reads of one issued invoice (the service loads it a page at a time).

    ``lines`` holds each line's base and its stored taxes; amounts are in ``currency``.
    """

    id: int
    series: str
    number: str
    date: dt.date
    operation_date: dt.date | None
    status: str
    is_simplified: bool
    is_rectificative: bool
    rectification_cause: str | None
    rectification_kind: str | None
    rectified: RectifiedInvoice | None
    recipient_name: str | None
    recipient_tax_id: str | None
    recipient_country: str | None
    currency: str
    exchange_rate: Decimal
    total_before_taxes: Decimal
    total_vat: Decimal  # IVA + equivalence surcharge
    total_withholding: Decimal  # IRPF, negative or zero
    total_with_taxes: Decimal
    paid_on: dt.date | None
    payment_kind: str | None
    external_reference: str | None
    lines: tuple[tuple[Decimal, tuple[TaxAmount, ...]], ...]


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One row of the register: an invoice's lines that share IVA rate, surcharge and IRPF."""

    invoice_id: int
    first_of_invoice: bool
    year: int
    period: str
    invoice_type: str
    issue_date: dt.date
    operation_date: dt.date | None
    series: str
    number: str
    recipient_id_type: str
    recipient_country: str
    recipient_id: str
    recipient_name: str
    regime_key: str
    qualification: str
    exemption: str
    total: Decimal
    base: Decimal
    vat_rate: Decimal | None
    vat: Decimal
    surcharge_rate: Decimal | None
    surcharge: Decimal
    paid_on: dt.date | None
    paid_amount: Decimal | None
    payment_medium: str
    withholding_rate: Decimal | None
    withheld: Decimal  # positive: what the client keeps back for the tax agency
    external_reference: str
    rectified: RectifiedInvoice | None
    rectification_kind: str

    def cells(self) -> tuple[Cell, ...]:
        """The row's values in ``REGISTER_COLUMNS`` order (None: left empty)."""
        rectified = self.rectified
        return (
            self.year,
            self.period,
            None,
            None,
            None,
            self.invoice_type,
            INCOME_CONCEPT,
            self.base,
            self.issue_date,
            self.operation_date,
            self.series,
            self.number,
            None,
            self.recipient_id_type or None,
            self.recipient_country or None,
            self.recipient_id or None,
            self.recipient_name or None,
            self.regime_key or None,
            self.qualification or None,
            self.exemption or None,
            self.total,
            self.base,
            self.vat_rate,
            self.vat,
            self.surcharge_rate,
            self.surcharge if self.surcharge_rate is not None else None,
            self.paid_on,
            self.paid_amount,
            self.payment_medium or None,
            None,
            self.withholding_rate,
            self.withheld if self.withholding_rate is not None else None,
            None,
            None,
            None,
            self.external_reference or None,
            rectified.series if rectified else None,
            rectified.number if rectified else None,
            rectified.date if rectified else None,
            self.rectification_kind or None,
        )


def period_of(date: dt.date) -> str:
    """«Periodo» of a quarterly return: 1T … 4T."""
    return f"{(date.month - 1) // 3 + 1}T"


def invoice_type(invoice: IssuedInvoice) -> str:
    """F1, F2 (simplified), or the rectification cause R1–R5 (as VERI*FACTU states it)."""
    if invoice.is_rectificative:
        return invoice.rectification_cause or ("R5" if invoice.is_simplified else "R1")
    return "F2" if invoice.is_simplified else "F1"


def recipient_identity(invoice: IssuedInvoice) -> tuple[str, str, str]:
    """(«Tipo», «Código País», «Identificación»): a Spanish NIF goes alone; an EU VAT number is
    type 02 (NIF-IVA); anyone else's identifier is type 04 (documento oficial del país de
    residencia), with the country. No tax id (a simplified invoice): all empty."""
    tax_id = (invoice.recipient_tax_id or "").strip()
    if not tax_id:
        return "", "", ""
    country = (invoice.recipient_country or "ES").upper()
    if country == "ES":
        return "", "", tax_id
    return ("02" if country in EU_COUNTRIES else "04"), country, tax_id


@dataclass(slots=True)
class _Group:
    """The lines of one row: same IVA (rate and codes), surcharge rate and IRPF rate."""

    base: Decimal = ZERO
    vat: TaxAmount | None = None
    surcharge: TaxAmount | None = None
    withholding: TaxAmount | None = None
    bases: dict[BreakdownKey, Decimal] = field(default_factory=dict)  # per breakdown row
    amounts: dict[str, Decimal] = field(default_factory=dict)  # per kind, once shared out


def _first(taxes: Sequence[TaxAmount], kind: str) -> TaxAmount | None:
    return next((tax for tax in taxes if tax.kind == kind), None)


def _group_key(taxes: Sequence[TaxAmount]) -> tuple[object, ...]:
    vat, surcharge, withholding = (
        _first(taxes, kind) for kind in ("vat", "surcharge", "withholding")
    )
    return (
        (vat.percentage.normalize(), vat.codes) if vat else None,
        surcharge.percentage.normalize() if surcharge else None,
        withholding.percentage.normalize() if withholding else None,
    )


def _groups(invoice: IssuedInvoice) -> list[_Group]:
    """The invoice's rows, in the order their first line appears, with each breakdown row's
    amount shared out among the rows that carry it (the last one takes the remainder)."""
    groups: dict[tuple[object, ...], _Group] = {}
    kinds: dict[BreakdownKey, str] = {}
    for base, taxes in invoice.lines:
        group = groups.setdefault(_group_key(taxes), _Group())
        group.base += base
        group.vat = group.vat or _first(taxes, "vat")
        group.surcharge = group.surcharge or _first(taxes, "surcharge")
        group.withholding = group.withholding or _first(taxes, "withholding")
        for tax, (key, _, _) in zip(taxes, line_keys(taxes), strict=True):
            group.bases[key] = group.bases.get(key, ZERO) + tax.base
            kinds[key] = tax.kind
    rows = breakdown_of_taxes(taxes for _, taxes in invoice.lines)
    for row in rows:
        sharing = [g for g in groups.values() if row.key in g.bases]
        left = row.amount
        for index, group in enumerate(sharing):
            last = index == len(sharing) - 1
            share = left if last else tax_on(group.bases[row.key], row.percentage)
            left -= share
            kind = kinds[row.key]
            group.amounts[kind] = group.amounts.get(kind, ZERO) + share
    return list(groups.values())


def _rate(tax: TaxAmount | None, sign: int = 1) -> Decimal | None:
    """A rate as written: 21, 5.2, 15 (never 21.0000 nor 2E+1)."""
    if tax is None:
        return None
    rate = (tax.percentage * sign).normalize()
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate


def to_euros(amount: Decimal, invoice: IssuedInvoice) -> Decimal:
    """An amount of the invoice in euros (its exchange rate is units of its currency per euro)."""
    if invoice.currency == EUR or invoice.exchange_rate == 1:
        return amount
    return round2(amount / invoice.exchange_rate)


def register_rows(invoice: IssuedInvoice) -> tuple[RegisterRow, ...]:
    """The invoice's rows of the register (lines without IVA go to a row without a rate).
    A paid invoice states its payment (date, amount, medium) once, on its first row."""
    id_type, country, tax_id = recipient_identity(invoice)
    kind = invoice_type(invoice)
    rows: list[RegisterRow] = []
    for group in _groups(invoice) or [_Group()]:
        base = to_euros(group.base, invoice)
        vat = to_euros(group.amounts.get("vat", ZERO), invoice)
        surcharge = to_euros(group.amounts.get("surcharge", ZERO), invoice)
        withholding = to_euros(group.amounts.get("withholding", ZERO), invoice)
        codes: TaxCodes | None = group.vat.codes if group.vat else None
        operation_date = invoice.operation_date
        rows.append(
            RegisterRow(
                invoice_id=invoice.id,
                first_of_invoice=not rows,
                year=invoice.date.year,
                period=period_of(invoice.date),
                invoice_type=kind,
                issue_date=invoice.date,
                operation_date=operation_date if operation_date != invoice.date else None,
                series=invoice.series,
                number=invoice.number,
                recipient_id_type=id_type,
                recipient_country=country,
                recipient_id=tax_id,
                recipient_name=(invoice.recipient_name or "").strip(),
                regime_key=codes.regime_key if codes else "",
                qualification=codes.qualification if codes and not codes.exemption_code else "",
                exemption=(codes.exemption_code or "") if codes else "",
                total=base + vat + surcharge + withholding,
                base=base,
                vat_rate=_rate(group.vat),
                vat=vat,
                surcharge_rate=_rate(group.surcharge),
                surcharge=surcharge,
                paid_on=None,
                paid_amount=None,
                payment_medium="",
                withholding_rate=_rate(group.withholding, -1),
                withheld=-withholding,
                external_reference=(invoice.external_reference or "").strip(),
                rectified=invoice.rectified,
                rectification_kind=(invoice.rectification_kind or "I")
                if invoice.is_rectificative
                else "",
            )
        )
    if invoice.paid_on is not None:
        rows[0] = replace(
            rows[0],
            paid_on=invoice.paid_on,
            paid_amount=sum((row.total for row in rows), ZERO),
            payment_medium=PAYMENT_MEDIUM.get(invoice.payment_kind or "", ""),
        )
    return tuple(rows)


@dataclass(slots=True)
class RegisterTotals:
    """Column sums of register rows (or of the invoices they come from), in euros."""

    invoices: int = 0
    rows: int = 0
    base: Decimal = ZERO
    vat: Decimal = ZERO
    surcharge: Decimal = ZERO
    withheld: Decimal = ZERO
    total: Decimal = ZERO

    def add_row(self, row: RegisterRow) -> None:
        self.rows += 1
        self.invoices += row.first_of_invoice
        self.base += row.base
        self.vat += row.vat
        self.surcharge += row.surcharge
        self.withheld += row.withheld
        self.total += row.total

    def figures(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(base, IVA + surcharge, withheld, total): what the invoices' own totals state."""
        return self.base, self.vat + self.surcharge, self.withheld, self.total


@dataclass(slots=True)
class InvoiceTotals:
    """The sums of the invoices' own stored totals (EUR invoices), to check a register with."""

    invoices: int = 0
    base: Decimal = ZERO
    vat: Decimal = ZERO  # IVA + surcharge
    withheld: Decimal = ZERO
    total: Decimal = ZERO

    def add(self, invoice: IssuedInvoice) -> None:
        self.invoices += 1
        self.base += invoice.total_before_taxes
        self.vat += invoice.total_vat
        self.withheld -= invoice.total_withholding
        self.total += invoice.total_with_taxes

    def figures(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return self.base, self.vat, self.withheld, self.total
