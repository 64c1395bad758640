"""Factur-X EN 16931 CII: every realistic invoice passes the XSD and the EN 16931 schematron."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import etree

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.einvoice import render_einvoice
from invoicegraph.pdf.einvoice.cii import NSMAP
from invoicegraph.pdf.einvoice.validate import validate_cii_schematron, validate_cii_xsd


def _value(xml: bytes, path: str) -> list[str]:
    return [str(v) for v in etree.fromstring(xml).xpath(path, namespaces=NSMAP)]


def test_every_scenario_is_valid_cii(
    scenario: tuple[str, InvoiceDocument], save_artifact: Callable[[str, bytes], Path]
) -> None:
    name, document = scenario

    xml, media_type = render_einvoice(document, "facturx")
    save_artifact(f"{name}.cii.xml", xml)

    assert media_type == "application/xml"
    xsd = validate_cii_xsd(xml)
    assert xsd.issues == ()
    schematron = validate_cii_schematron(xml)
    assert schematron.errors == (), schematron.errors
    assert schematron.warnings == (), schematron.warnings


def test_irpf_is_the_paid_amount_and_the_due_amount_is_the_total_to_pay(
    irpf_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(irpf_invoice, "facturx")

    totals = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert _value(xml, totals + "TaxBasisTotalAmount/text()") == ["3937.50"]
    assert _value(xml, totals + "TaxTotalAmount/text()") == ["826.88"]
    assert _value(xml, totals + "GrandTotalAmount/text()") == ["4764.38"]
    assert _value(xml, totals + "TotalPrepaidAmount/text()") == ["270.00"]
    assert _value(xml, totals + "DuePayableAmount/text()") == ["4494.38"]
    # IRPF never appears as a VAT category or rate
    assert _value(xml, "//ram:ApplicableTradeTax/ram:RateApplicablePercent/text()") == [
        "21.00",
        "21.00",
        "21.00",
    ]
    notes = _value(xml, "//ram:IncludedNote/ram:Content/text()")
    assert any("IRPF" in note and "270.00" in note for note in notes)


def test_ordinary_invoice_breaks_vat_down_by_rate(ordinary_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(ordinary_invoice, "facturx")

    rows = etree.fromstring(xml).xpath(
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NSMAP
    )
    breakdown = {
        row.findtext("ram:RateApplicablePercent", namespaces=NSMAP): (
            row.findtext("ram:BasisAmount", namespaces=NSMAP),
            row.findtext("ram:CalculatedAmount", namespaces=NSMAP),
        )
        for row in rows
    }
    assert _value(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    # 1200 + (818.75 − round2(81.875)) = 1936.87; tax 252.00 + round2(154.7427); 30 × 18.333333
    assert breakdown == {"21.00": ("1936.87", "406.74"), "10.00": ("550.00", "55.00")}


def test_full_rectification_is_a_credit_note_with_positive_amounts(
    rectificative_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(rectificative_invoice, "facturx")

    assert _value(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert _value(xml, "//ram:BilledQuantity/text()") == ["1", "12.5", "30"]
    # the ordinary invoice undone: 1936.87 + 406.74 + 550.00 + 55.00, credited
    assert _value(xml, "//ram:DuePayableAmount/text()") == ["2948.61"]
    reference = "//ram:InvoiceReferencedDocument/"
    assert _value(xml, reference + "ram:IssuerAssignedID/text()") == ["F2025/0042"]
    assert _value(xml, reference + "ram:FormattedIssueDateTime/*/text()") == ["20250314"]
    # the seller's collection account is not where a credit is paid
    assert _value(xml, "//ram:SpecifiedTradeSettlementPaymentMeans") == []


def test_substitution_that_raises_the_total_is_a_corrected_invoice(
    substitute_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(substitute_invoice, "facturx")

    assert _value(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["384"]
    assert _value(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == [
        "F2025/0042"
    ]


def test_reverse_charge_names_both_vat_ids_and_the_exemption(
    reverse_charge_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(reverse_charge_invoice, "facturx")

    assert _value(xml, "//ram:SpecifiedTaxRegistration/ram:ID/text()") == [
        "ESB12345674",
        "FR40303265045",
    ]
    header_tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
    assert _value(xml, header_tax + "ram:CategoryCode/text()") == ["AE"]
    assert _value(xml, header_tax + "ram:ExemptionReasonCode/text()") == ["VATEX-EU-AE"]
    assert _value(xml, header_tax + "ram:CalculatedAmount/text()") == ["0.00"]


def test_foreign_currency_states_vat_in_euros(dollar_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(dollar_invoice, "facturx")

    assert _value(xml, "//ram:TaxCurrencyCode/text()") == ["EUR"]
    assert _value(xml, "//ram:TaxTotalAmount/@currencyID") == ["USD", "EUR"]
    # 999.98 × 21 % = 210.00 USD; the rate is units of currency per euro (ECB convention):
    # 210.00 / 1.0834 = 193.83 EUR (not 210.00 × 1.0834 = 227.51)
    assert _value(xml, "//ram:TaxTotalAmount/text()") == ["210.00", "193.83"]


def test_schematron_reports_a_total_that_does_not_add_up(irpf_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(irpf_invoice, "facturx")
    tampered = xml.replace(b">4494.38<", b">4494.39<")

    report = validate_cii_schematron(tampered)

    assert [issue.rule for issue in report.errors] == ["BR-CO-16"]
    assert not report.ok


def test_xsd_reports_an_element_out_of_place(ordinary_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(ordinary_invoice, "facturx")
    tampered = xml.replace(b"<ram:TypeCode>380", b"<ram:Unknown>1</ram:Unknown><ram:TypeCode>380")

    report = validate_cii_xsd(tampered)

    assert len(report.errors) == 1
    assert "Unknown" in report.errors[0].message
