"""How an InvoiceDocument is read as EN 16931 business terms, and what cannot be."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from invoicegraph.pdf.document import DocumentLine, InvoiceDocument
from invoicegraph.pdf.einvoice import EInvoiceError, render_einvoice
from invoicegraph.pdf.einvoice.en16931 import to_en16931
from tests.unit.einvoice.conftest import make_document


def test_orzame_seed_totals_come_out_to_the_cent(irpf_invoice: InvoiceDocument) -> None:
    assert irpf_invoice.total_before_taxes == Decimal("3937.50")
    assert irpf_invoice.total_taxes == Decimal("556.88")
    assert irpf_invoice.total_with_taxes == Decimal("4494.38")

    totals = to_en16931(irpf_invoice).totals

    assert totals.tax_basis_total == Decimal("3937.50")
    assert totals.tax_total == Decimal("826.88")
    assert totals.grand_total == Decimal("4764.38")
    assert totals.paid == Decimal("270.00")
    assert totals.due == Decimal("4494.38")


def test_credit_note_with_irpf_turns_every_sign(irpf_credit_note: InvoiceDocument) -> None:
    assert irpf_credit_note.total_with_taxes == Decimal("-1908.00")

    invoice = to_en16931(irpf_credit_note)

    assert invoice.type_code == "381"
    assert invoice.lines[0].quantity == Decimal(1)
    assert invoice.lines[0].net_price == Decimal(1800)
    assert invoice.totals.grand_total == Decimal("2178.00")
    assert invoice.totals.paid == Decimal("270.00")
    assert invoice.totals.due == Decimal("1908.00")
    assert invoice.payment is None


def test_negative_price_moves_its_sign_to_the_quantity(ordinary_invoice: InvoiceDocument) -> None:
    line = ordinary_invoice.lines[0]
    deposit = replace(
        line,
        quantity=Decimal(1),
        price=Decimal(-100),
        subtotal=Decimal(-100),
        total_before_taxes=Decimal(-100),
        total_taxes=Decimal(-21),
        total_with_taxes=Decimal(-121),
        taxes=(replace(line.taxes[0], amount=Decimal(-21)),),
    )
    document = _with_lines(ordinary_invoice, (*ordinary_invoice.lines, deposit))

    last = to_en16931(document).lines[-1]

    assert (last.quantity, last.net_price, last.net_amount) == (
        Decimal(-1),
        Decimal(100),
        Decimal(-100),
    )


def _with_lines(document: InvoiceDocument, lines: tuple[DocumentLine, ...]) -> InvoiceDocument:
    """The document with other lines, its breakdown and totals recomputed from them."""
    fresh = make_document(lines)
    return replace(
        document,
        lines=lines,
        breakdown=fresh.breakdown,
        subtotal=fresh.subtotal,
        total_discount=fresh.total_discount,
        total_before_taxes=fresh.total_before_taxes,
        total_taxes=fresh.total_taxes,
        total_vat=fresh.total_vat,
        total_withholding=fresh.total_withholding,
        total_with_taxes=fresh.total_with_taxes,
    )


@pytest.mark.parametrize(
    ("fixture", "categories"),
    [
        ("ordinary_invoice", {("S", "21"), ("S", "10")}),
        ("reverse_charge_invoice", {("AE", "0")}),
        ("exempt_invoice", {("E", "0"), ("S", "21")}),
        ("intra_community_invoice", {("K", "0")}),
        ("surcharge_invoice", {("S", "26.2")}),
    ],
)
def test_spanish_taxes_map_to_vat_categories(
    fixture: str, categories: set[tuple[str, str]], request: pytest.FixtureRequest
) -> None:
    document: InvoiceDocument = request.getfixturevalue(fixture)

    breakdown = to_en16931(document).breakdown

    assert {(row.category.code, str(row.category.rate)) for row in breakdown} == categories


def test_intra_community_supply_states_delivery_date_and_country(
    intra_community_invoice: InvoiceDocument,
) -> None:
    invoice = to_en16931(intra_community_invoice)

    assert invoice.deliver_to_country == "FR"
    assert invoice.delivery_date == intra_community_invoice.operation_date
    assert invoice.breakdown[0].category.exemption_code == "VATEX-EU-IC"


def test_draft_is_refused(ordinary_invoice: InvoiceDocument) -> None:
    draft = replace(ordinary_invoice, status="draft", full_number=None, number=None)

    for fmt in ("facturx", "ubl", "facturae"):
        with pytest.raises(EInvoiceError, match="draft"):
            render_einvoice(draft, fmt)


def test_invoice_without_recipient_is_refused(ordinary_invoice: InvoiceDocument) -> None:
    with pytest.raises(EInvoiceError, match="BT-44"):
        to_en16931(replace(ordinary_invoice, recipient=None, is_simplified=True))


def test_issuer_without_tax_id_is_refused(ordinary_invoice: InvoiceDocument) -> None:
    issuer = replace(ordinary_invoice.issuer, tax_id=None)

    with pytest.raises(EInvoiceError, match="BT-31"):
        to_en16931(replace(ordinary_invoice, issuer=issuer))


def test_line_not_subject_to_vat_cannot_join_taxed_lines(ordinary_invoice: InvoiceDocument) -> None:
    untaxed = replace(ordinary_invoice.lines[0], taxes=(), total_taxes=Decimal(0))
    document = _with_lines(ordinary_invoice, (untaxed, *ordinary_invoice.lines[1:]))

    with pytest.raises(EInvoiceError, match="BR-O-11"):
        to_en16931(document)


def test_invoice_entirely_not_subject_is_category_o(ordinary_invoice: InvoiceDocument) -> None:
    lines = tuple(
        replace(line, taxes=(), total_taxes=Decimal(0), total_with_taxes=line.total_before_taxes)
        for line in ordinary_invoice.lines
    )

    invoice = to_en16931(_with_lines(ordinary_invoice, lines))

    assert [(row.category.code, row.category.rate) for row in invoice.breakdown] == [("O", None)]


def test_totals_that_do_not_add_up_are_refused(ordinary_invoice: InvoiceDocument) -> None:
    document = replace(ordinary_invoice, total_with_taxes=Decimal("9999.99"))

    with pytest.raises(EInvoiceError, match="do not add up"):
        to_en16931(document)


def test_two_iva_taxes_on_one_line_are_refused(ordinary_invoice: InvoiceDocument) -> None:
    line = ordinary_invoice.lines[0]
    doubled = replace(line, taxes=(line.taxes[0], line.taxes[0]))

    with pytest.raises(EInvoiceError, match="2 IVA taxes"):
        to_en16931(replace(ordinary_invoice, lines=(doubled,)))


def test_invoice_without_lines_is_refused(ordinary_invoice: InvoiceDocument) -> None:
    empty = _with_lines(ordinary_invoice, ())

    for fmt in ("facturx", "ubl", "facturae"):
        with pytest.raises(EInvoiceError, match="at least one invoice line"):
            render_einvoice(empty, fmt)


def test_unknown_format_is_refused(ordinary_invoice: InvoiceDocument) -> None:
    with pytest.raises(ValueError, match="unknown e-invoice format"):
        render_einvoice(ordinary_invoice, "xrechnung")  # type: ignore[arg-type]


def test_notes_follow_the_invoice_language(
    irpf_invoice: InvoiceDocument, rectificative_invoice: InvoiceDocument
) -> None:
    english = to_en16931(irpf_invoice).notes
    spanish = to_en16931(rectificative_invoice).notes

    assert english[0] == "Automatically created invoice via API"
    assert english[1].startswith("IRPF (-15%) withholding: 15 % on a base of 1800.00 EUR")
    assert spanish == (
        "Factura rectificativa de la factura F2025/0042 de 2025-03-14. Causa R1. "
        "Pedido anulado por el cliente",
    )
