"""Facturae 3.2.2: valid against its XSD, IVA as outputs, IRPF withheld, rectificatives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from invoicegraph.pdf.document import InvoiceDocument, Party
from invoicegraph.pdf.einvoice import EInvoiceError, render_einvoice
from invoicegraph.pdf.einvoice.validate import validate_facturae_xsd


def _value(xml: bytes, path: str) -> list[str]:
    return [str(v) for v in etree.fromstring(xml).xpath(path)]


def test_every_scenario_is_valid_facturae(
    scenario: tuple[str, InvoiceDocument],
    facturae_schema_dir: Path,
    save_artifact: Callable[[str, bytes], Path],
) -> None:
    name, document = scenario

    xml, media_type = render_einvoice(document, "facturae")
    save_artifact(f"{name}.facturae.xml", xml)

    assert media_type == "application/xml"
    report = validate_facturae_xsd(xml, facturae_schema_dir)
    assert report.issues == (), report.issues


def test_irpf_is_withheld_and_the_total_is_net_of_it(irpf_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(irpf_invoice, "facturae")

    withheld = "//Invoice/TaxesWithheld/Tax/"
    assert _value(xml, withheld + "TaxTypeCode/text()") == ["04"]
    assert _value(xml, withheld + "TaxRate/text()") == ["15.00"]
    assert _value(xml, withheld + "TaxableBase/TotalAmount/text()") == ["1800.00"]
    assert _value(xml, withheld + "TaxAmount/TotalAmount/text()") == ["270.00"]
    totals = "//InvoiceTotals/"
    assert _value(xml, totals + "TotalGrossAmountBeforeTaxes/text()") == ["3937.50"]
    assert _value(xml, totals + "TotalTaxOutputs/text()") == ["826.88"]
    assert _value(xml, totals + "TotalTaxesWithheld/text()") == ["270.00"]
    assert _value(xml, totals + "InvoiceTotal/text()") == ["4494.38"]
    assert _value(xml, "//InvoiceLine[2]/TaxesWithheld/Tax/TaxAmount/TotalAmount/text()") == [
        "270.00"
    ]


def test_rectificative_names_the_original_and_its_cause(
    rectificative_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(rectificative_invoice, "facturae")

    assert _value(xml, "//InvoiceHeader/InvoiceClass/text()") == ["OR"]
    corrective = "//InvoiceHeader/Corrective/"
    assert _value(xml, corrective + "InvoiceNumber/text()") == ["F2025/0042"]
    assert _value(xml, corrective + "ReasonCode/text()") == ["16"]  # R1: the base changes
    assert _value(xml, corrective + "CorrectionMethod/text()") == ["02"]  # by differences
    assert _value(xml, corrective + "InvoiceIssueDate/text()") == ["2025-03-14"]
    assert _value(xml, corrective + "AdditionalReasonDescription/text()") == [
        "Pedido anulado por el cliente"
    ]
    # Facturae keeps the Spanish signs: the rectification is negative
    assert _value(xml, "//InvoiceTotals/InvoiceTotal/text()") == ["-2948.61"]
    assert _value(xml, "//PaymentDetails") == []


def test_substitution_is_a_full_rectification(substitute_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(substitute_invoice, "facturae")

    assert _value(xml, "//Corrective/ReasonCode/text()") == ["10"]
    assert _value(xml, "//Corrective/CorrectionMethod/text()") == ["01"]


def test_foreign_eu_buyer_is_an_overseas_eu_resident(
    reverse_charge_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(reverse_charge_invoice, "facturae")

    buyer = "//BuyerParty/"
    assert _value(xml, buyer + "TaxIdentification/ResidenceTypeCode/text()") == ["U"]
    assert _value(xml, buyer + "TaxIdentification/TaxIdentificationNumber/text()") == [
        "FR40303265045"
    ]
    assert _value(xml, buyer + "LegalEntity/OverseasAddress/CountryCode/text()") == ["FRA"]
    assert _value(xml, "//LegalLiterals/LegalReference/text()") == [
        "Inversión del sujeto pasivo (reverse charge)"
    ]


def test_surcharge_sits_beside_its_iva(surcharge_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(surcharge_invoice, "facturae")

    tax = "//Invoice/TaxesOutputs/Tax/"
    assert _value(xml, tax + "TaxRate/text()") == ["21.00"]
    assert _value(xml, tax + "TaxAmount/TotalAmount/text()") == ["90.47"]
    assert _value(xml, tax + "EquivalenceSurcharge/text()") == ["5.20"]
    assert _value(xml, tax + "EquivalenceSurchargeAmount/TotalAmount/text()") == ["22.40"]


def test_exempt_line_declares_the_special_taxable_event(exempt_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(exempt_invoice, "facturae")

    event = "//InvoiceLine[1]/SpecialTaxableEvent/"
    assert _value(xml, event + "SpecialTaxableEventCode/text()") == ["01"]
    assert "artículo 20" in _value(xml, event + "SpecialTaxableEventReason/text()")[0]


def test_natural_person_is_an_individual_with_surnames(
    ordinary_invoice: InvoiceDocument, facturae_schema_dir: Path
) -> None:
    person = replace(
        ordinary_invoice.recipient or Party(name="", tax_id=None),
        name="María José García López",
        tax_id="12345678Z",
    )

    xml, _ = render_einvoice(replace(ordinary_invoice, recipient=person), "facturae")

    individual = "//BuyerParty/Individual/"
    assert _value(xml, "//BuyerParty/TaxIdentification/PersonTypeCode/text()") == ["F"]
    assert _value(xml, individual + "Name/text()") == ["María José"]
    assert _value(xml, individual + "FirstSurname/text()") == ["García"]
    assert _value(xml, individual + "SecondSurname/text()") == ["López"]
    assert validate_facturae_xsd(xml, facturae_schema_dir).ok


def test_recipient_without_postal_code_is_refused(ordinary_invoice: InvoiceDocument) -> None:
    recipient = replace(ordinary_invoice.recipient or Party(name="", tax_id=None), postal_code=None)

    with pytest.raises(EInvoiceError, match="recipient's postal code"):
        render_einvoice(replace(ordinary_invoice, recipient=recipient), "facturae")


def test_invoice_number_longer_than_facturae_allows_is_refused(
    ordinary_invoice: InvoiceDocument,
) -> None:
    document = replace(ordinary_invoice, full_number="FACTURAS-2025/000000042")

    with pytest.raises(EInvoiceError, match="at most 20 characters"):
        render_einvoice(document, "facturae")


def test_simplified_invoice_without_recipient_is_refused(
    ordinary_invoice: InvoiceDocument,
) -> None:
    document = replace(ordinary_invoice, is_simplified=True, recipient=None)

    with pytest.raises(EInvoiceError, match="requires a buyer"):
        render_einvoice(document, "facturae")


def test_xsd_reports_a_malformed_postcode(
    ordinary_invoice: InvoiceDocument, facturae_schema_dir: Path
) -> None:
    xml, _ = render_einvoice(ordinary_invoice, "facturae")

    report = validate_facturae_xsd(
        xml.replace(b"<PostCode>28013", b"<PostCode>2801"), facturae_schema_dir
    )

    assert len(report.errors) == 1
    assert "PostCode" in report.errors[0].message
