"""The VAT register's rows, over any invoice Hypothesis can build from the catalogue's rates:
every column sums to the invoice's own totals (rounded once per rate, as the invoice is), a
rectificative names its original, and the header is the agency's layout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicegraph.domain.invoice_export import INVOICE_COLUMNS, invoice_cells, invoice_taxes
from invoicegraph.domain.money import LineInput, TaxCodes, TaxRate, compute_document
from invoicegraph.domain.spanish_csv import cell_text, csv_text, safe_text
from invoicegraph.domain.vat_register import (
    AEAT_COLUMNS,
    REGISTER_COLUMNS,
    InvoiceTotals,
    IssuedInvoice,
    RectifiedInvoice,
    RegisterTotals,
    period_of,
    register_rows,
)

VAT = [TaxRate("vat", Decimal(r), f"IVA ({r}%)") for r in ("21", "10", "4", "0")]
EXEMPT = TaxRate("vat", Decimal("0"), "Exenta", TaxCodes(exemption_code="E1"))
IRPF = [TaxRate("withholding", Decimal(r), f"IRPF ({r}%)") for r in ("-15", "-7")]
SURCHARGE = {
    Decimal("21"): TaxRate("surcharge", Decimal("5.2"), "RE 5.2"),
    Decimal("10"): TaxRate("surcharge", Decimal("1.4"), "RE 1.4"),
    Decimal("4"): TaxRate("surcharge", Decimal("0.5"), "RE 0.5"),
}
DAY = dt.date(2026, 5, 14)


@st.composite
def lines(draw: st.DrawFn) -> LineInput:
    taxes: list[TaxRate] = []
    vat = draw(st.sampled_from([*VAT, EXEMPT, None]))
    if vat is not None:
        taxes.append(vat)
        if vat.percentage in SURCHARGE and draw(st.booleans()):
            taxes.append(SURCHARGE[vat.percentage])
    irpf = draw(st.sampled_from([*IRPF, None]))
    if irpf is not None:
        taxes.append(irpf)
    return LineInput(
        quantity=Decimal(draw(st.integers(1, 500))) / draw(st.sampled_from([1, 4, 100])),
        price=Decimal(draw(st.integers(-50_000, 500_000))) / 100,
        discount=Decimal(draw(st.sampled_from([0, 5, 12.5, 33]))),
        taxes=tuple(taxes),
    )


def issued(
    inputs: list[LineInput],
    *,
    rectified: RectifiedInvoice | None = None,
    paid_on: dt.date | None = None,
    country: str = "ES",
    tax_id: str | None = "B12345674",
) -> IssuedInvoice:
    figures = compute_document(inputs)
    return IssuedInvoice(
        id=1,
        series="R" if rectified else "F",
        number="R1" if rectified else "F1",
        date=DAY,
        operation_date=None,
        status="issued",
        is_simplified=False,
        is_rectificative=rectified is not None,
        rectification_cause="R1" if rectified else None,
        rectification_kind="I" if rectified else None,
        rectified=rectified,
        recipient_name="Cliente S.L.",
        recipient_tax_id=tax_id,
        recipient_country=country,
        currency="EUR",
        exchange_rate=Decimal(1),
        total_before_taxes=figures.total_before_taxes,
        total_vat=figures.total_vat,
        total_withholding=figures.total_withholding,
        total_with_taxes=figures.total_with_taxes,
        paid_on=paid_on,
        payment_kind="bank_transfer",
        external_reference="ORDER-1",
        lines=tuple((line.total_before_taxes, line.taxes) for line in figures.lines),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(lines(), min_size=1, max_size=12), min_size=1, max_size=6))
def test_every_column_sums_to_the_invoices_own_totals(invoices: list[list[LineInput]]) -> None:
    exported, stated = RegisterTotals(), InvoiceTotals()
    for n, inputs in enumerate(invoices):
        original = RectifiedInvoice("F", "F7", DAY) if n % 2 else None
        invoice = issued(inputs, rectified=original)
        stated.add(invoice)
        for row in register_rows(invoice):
            exported.add_row(row)
            assert row.total == row.base + row.vat + row.surcharge - row.withheld
    assert exported.invoices == stated.invoices == len(invoices)
    assert exported.figures() == stated.figures()


@settings(max_examples=200, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=12))
def test_one_row_per_rate_and_the_plain_row_states_the_same_taxes(inputs: list[LineInput]) -> None:
    invoice = issued(inputs)
    rows = register_rows(invoice)
    keys = [(r.vat_rate, r.exemption, r.surcharge_rate, r.withholding_rate) for r in rows]
    assert len(keys) == len(set(keys))
    vat, surcharge, withheld = invoice_taxes(invoice)
    assert sum(r.vat for r in rows) == vat
    assert sum(r.surcharge for r in rows) == surcharge
    assert sum(r.withheld for r in rows) == withheld
    cells = invoice_cells(invoice)
    assert len(cells) == len(INVOICE_COLUMNS)
    assert cells[INVOICE_COLUMNS.index("Total Factura")] == invoice.total_with_taxes


def test_a_rate_split_over_rows_shares_its_amount_once_rounded() -> None:
    # three lines at 21 %, one of them with IRPF: two rows share the 21 % of 0.35 (0.07),
    # though each row's own rounding would give 0.05 + 0.03
    cheap = LineInput(Decimal(1), Decimal("0.25"), taxes=(VAT[0],))
    withheld = LineInput(Decimal(1), Decimal("0.10"), taxes=(VAT[0], IRPF[0]))
    invoice = issued([cheap, withheld])
    rows = register_rows(invoice)
    assert [r.withholding_rate for r in rows] == [None, Decimal(15)]
    assert sum(r.vat for r in rows) == invoice.total_vat == Decimal("0.07")


def test_a_rectificative_row_names_its_original_and_the_rectification_type() -> None:
    original = RectifiedInvoice("F", "F2026-0007", dt.date(2026, 4, 2))
    negated = LineInput(Decimal(-1), Decimal(100), taxes=(VAT[0], IRPF[0]))
    [row] = register_rows(issued([negated], rectified=original))
    cells = dict(zip(REGISTER_COLUMNS, row.cells(), strict=True))
    assert cells["Tipo de Factura"] == "R1"
    assert cells["Factura Rectificada: Serie"] == "F"
    assert cells["Factura Rectificada: Número"] == "F2026-0007"
    assert cells["Factura Rectificada: Fecha Expedición"] == dt.date(2026, 4, 2)
    assert cells["Tipo de Rectificación"] == "I"
    assert cells["Base Imponible"] == Decimal("-100.00")
    assert cells["Cuota IVA Repercutida"] == Decimal("-21.00")
    assert cells["Importe Retenido del IRPF"] == Decimal("-15.00")
    assert cells["Total Factura"] == Decimal("-106.00")


def test_the_header_is_the_agencys_layout_then_our_four_columns() -> None:
    assert len(AEAT_COLUMNS) == 36
    assert AEAT_COLUMNS[:2] == ("Autoliquidación: Ejercicio", "Autoliquidación: Periodo")
    assert AEAT_COLUMNS[20:26] == (
        "Total Factura",
        "Base Imponible",
        "Tipo de IVA",
        "Cuota IVA Repercutida",
        "Tipo de Recargo eq.",
        "Cuota Recargo eq.",
    )
    assert AEAT_COLUMNS[-1] == "Referencia Externa"
    assert REGISTER_COLUMNS[36:] == (
        "Factura Rectificada: Serie",
        "Factura Rectificada: Número",
        "Factura Rectificada: Fecha Expedición",
        "Tipo de Rectificación",
    )
    [row] = register_rows(issued([LineInput(Decimal(1), Decimal(10), taxes=(VAT[0],))]))
    assert len(row.cells()) == len(REGISTER_COLUMNS)


def test_spanish_conventions_in_a_csv_row() -> None:
    line = LineInput(Decimal(3), Decimal("1234.5"), taxes=(VAT[0], SURCHARGE[Decimal(21)]))
    [row] = register_rows(issued([line], paid_on=dt.date(2026, 6, 1)))
    text = csv_text([row.cells()])
    fields = text.rstrip("\r\n").split(";")
    cells = dict(zip(REGISTER_COLUMNS, fields, strict=True))
    assert text.endswith("\r\n")
    assert cells["Autoliquidación: Ejercicio"] == "2026"
    assert cells["Autoliquidación: Periodo"] == "2T"
    assert cells["Fecha Expedición"] == "14/05/2026"
    assert cells["Fecha Operación"] == ""
    assert cells["Base Imponible"] == "3703,50"
    assert cells["Tipo de IVA"] == "21"
    assert cells["Cuota IVA Repercutida"] == "777,74"
    assert cells["Tipo de Recargo eq."] == "5,2"
    assert cells["Cuota Recargo eq."] == "192,58"
    assert cells["Total Factura"] == "4673,82"
    assert cells["Cobro: Fecha"] == "01/06/2026"
    assert cells["Cobro: Importe"] == "4673,82"
    assert cells["Cobro: Medio Utilizado"] == "01"
    assert cells["Calificación de la Operación"] == "S1"
    assert cells["Clave de Operación"] == "01"
    assert cells["NIF Destinatario: Identificación"] == "B12345674"
    assert cells["NIF Destinatario: Tipo"] == ""


def test_foreign_recipients_and_exempt_lines() -> None:
    line = LineInput(Decimal(1), Decimal(100), taxes=(EXEMPT,))
    [row] = register_rows(issued([line], country="FR", tax_id="FR40303265045"))
    assert (row.recipient_id_type, row.recipient_country) == ("02", "FR")
    assert (row.exemption, row.qualification, row.total) == ("E1", "", row.base)
    [row] = register_rows(issued([line], country="US", tax_id="12-3456789"))
    assert (row.recipient_id_type, row.recipient_country) == ("04", "US")


def test_texts_a_spreadsheet_would_run_are_neutralised() -> None:
    assert safe_text('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("Cliente S.L.") == "Cliente S.L."
    assert cell_text(Decimal("-3.50")) == "-3,50"
    assert cell_text(None) == ""


def test_periods_are_quarters() -> None:
    assert [period_of(dt.date(2026, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        "1T", "1T", "2T", "2T", "3T", "3T", "4T", "4T"
    ]  # fmt: skip
