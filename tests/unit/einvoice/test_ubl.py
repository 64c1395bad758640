"""PEPPOL BIS 3 UBL: valid against the UBL 2.1 XSD and the CEN EN 16931 UBL schematron.

PEPPOL's own rule layer is not available offline; the tests below assert the PEPPOL rules
this module implements by hand (identifiers, endpoints, one note, buyer reference).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from invoicegraph.pdf.document import InvoiceDocument, Party
from invoicegraph.pdf.einvoice import EInvoiceError, render_einvoice
from invoicegraph.pdf.einvoice.ubl import CAC, CBC, CUSTOMIZATION_ID, PROFILE_ID
from invoicegraph.pdf.einvoice.validate import validate_ubl_schematron, validate_ubl_xsd

NS = {"cac": CAC, "cbc": CBC}


def _value(xml: bytes, path: str) -> list[str]:
    return [str(v) for v in etree.fromstring(xml).xpath(path, namespaces=NS)]


def test_every_scenario_is_valid_ubl(
    scenario: tuple[str, InvoiceDocument], save_artifact: Callable[[str, bytes], Path]
) -> None:
    name, document = scenario

    xml, media_type = render_einvoice(document, "ubl")
    save_artifact(f"{name}.ubl.xml", xml)

    assert media_type == "application/xml"
    assert validate_ubl_xsd(xml).issues == ()
    schematron = validate_ubl_schematron(xml)
    assert schematron.errors == (), schematron.errors
    assert schematron.warnings == (), schematron.warnings


def test_invoice_carries_the_bis3_identifiers_and_peppol_addresses(
    irpf_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(irpf_invoice, "ubl")

    assert etree.QName(etree.fromstring(xml)).localname == "Invoice"
    assert _value(xml, "/*/cbc:CustomizationID/text()") == [CUSTOMIZATION_ID]
    assert _value(xml, "/*/cbc:ProfileID/text()") == [PROFILE_ID]
    assert _value(xml, "//cbc:EndpointID/@schemeID") == ["9920", "9920"]
    assert _value(xml, "//cbc:EndpointID/text()") == ["ESB12345674", "ESB87654323"]
    assert len(_value(xml, "/*/cbc:Note")) == 1  # PEPPOL-EN16931-R002
    assert _value(xml, "/*/cbc:BuyerReference/text()") == ["F2024/0001"]  # R003


def test_irpf_is_the_prepaid_amount(irpf_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(irpf_invoice, "ubl")

    total = "//cac:LegalMonetaryTotal/cbc:"
    assert _value(xml, total + "TaxExclusiveAmount/text()") == ["3937.50"]
    assert _value(xml, total + "TaxInclusiveAmount/text()") == ["4764.38"]
    assert _value(xml, total + "PrepaidAmount/text()") == ["270.00"]
    assert _value(xml, total + "PayableAmount/text()") == ["4494.38"]
    assert _value(xml, "//cac:WithholdingTaxTotal") == []


def test_full_rectification_is_a_credit_note_document(
    rectificative_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(rectificative_invoice, "ubl")

    assert etree.QName(etree.fromstring(xml)).localname == "CreditNote"
    assert _value(xml, "/*/cbc:CreditNoteTypeCode/text()") == ["381"]
    assert _value(xml, "//cac:CreditNoteLine/cbc:CreditedQuantity/text()") == ["1", "12.5", "30"]
    assert _value(xml, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()") == [
        "F2025/0042"
    ]


def test_external_reference_becomes_the_order_reference(ordinary_invoice: InvoiceDocument) -> None:
    document = replace(ordinary_invoice, external_reference="ORDER-2847")

    xml, _ = render_einvoice(document, "ubl")

    assert _value(xml, "/*/cac:OrderReference/cbc:ID/text()") == ["ORDER-2847"]
    assert _value(xml, "/*/cbc:BuyerReference") == []


def test_buyer_without_vat_scheme_is_reached_by_email(ordinary_invoice: InvoiceDocument) -> None:
    italian = Party(name="Bottega Srl", tax_id="IT01234567897", country="IT", email="a@b.example")
    document = replace(ordinary_invoice, recipient=italian)

    xml, _ = render_einvoice(document, "ubl")

    assert _value(xml, "//cac:AccountingCustomerParty//cbc:EndpointID/@schemeID") == ["EM"]
    assert validate_ubl_schematron(xml).ok


def test_buyer_that_cannot_be_addressed_is_refused(ordinary_invoice: InvoiceDocument) -> None:
    italian = Party(name="Bottega Srl", tax_id="IT01234567897", country="IT")

    with pytest.raises(EInvoiceError, match="buyer has no PEPPOL electronic address"):
        render_einvoice(replace(ordinary_invoice, recipient=italian), "ubl")


def test_schematron_reports_a_wrong_vat_total(ordinary_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(ordinary_invoice, "ubl")
    tampered = xml.replace(
        b'TaxAmount currencyID="EUR">461.74<', b'TaxAmount currencyID="EUR">461.75<', 1
    )

    report = validate_ubl_schematron(tampered)

    assert {issue.rule for issue in report.errors} >= {"BR-CO-14"}


def test_xsd_reports_an_element_out_of_place(rectificative_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(rectificative_invoice, "ubl")
    tampered = xml.replace(b"<cbc:IssueDate>", b"<cbc:Bogus>1</cbc:Bogus><cbc:IssueDate>")

    report = validate_ubl_xsd(tampered)

    assert len(report.errors) == 1
    assert "Bogus" in report.errors[0].message


def test_xsd_refuses_a_document_that_is_not_ubl(irpf_invoice: InvoiceDocument) -> None:
    cii, _ = render_einvoice(irpf_invoice, "facturx")

    report = validate_ubl_xsd(cii)

    assert [issue.message for issue in report.errors] == [
        "CrossIndustryInvoice is not a UBL Invoice or CreditNote"
    ]
