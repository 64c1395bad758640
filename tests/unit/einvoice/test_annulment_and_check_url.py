"""An annulled invoice says so in every format, a registered one carries the VERI*FACTU
check URL, and fixed words follow the invoice's language. The check URL is a supporting
document at an external location (EN 16931 BG-24, BT-124) in CII and UBL, and words in
Facturae, which has no element for a link. All stay schema-valid."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from invoicegraph.pdf.document import InvoiceDocument, VerifactuMark
from invoicegraph.pdf.einvoice import render_einvoice
from invoicegraph.pdf.einvoice.cii import NSMAP
from invoicegraph.pdf.einvoice.ubl import CAC, CBC
from invoicegraph.pdf.einvoice.validate import (
    validate_cii_schematron,
    validate_cii_xsd,
    validate_facturae_xsd,
    validate_ubl_schematron,
    validate_ubl_xsd,
)

CHECK_URL = (
    "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
    "?nif=B12345674&numserie=F2025%2F0042&fecha=14-03-2025&importe=1210.00"
)
UBL = {"cac": CAC, "cbc": CBC}


def _xpath(xml: bytes, path: str, namespaces: dict[str, str] | None = None) -> list[str]:
    return [str(v) for v in etree.fromstring(xml).xpath(path, namespaces=namespaces or {})]


@pytest.fixture
def registered(ordinary_invoice: InvoiceDocument) -> InvoiceDocument:
    return replace(ordinary_invoice, verifactu=VerifactuMark(qr_url=CHECK_URL))


@pytest.fixture
def annulled(ordinary_invoice: InvoiceDocument) -> InvoiceDocument:
    return replace(ordinary_invoice, status="annulled")


def test_cii_carries_the_check_url_as_an_external_supporting_document(
    registered: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(registered, "facturx")

    document = "//ram:ApplicableHeaderTradeAgreement/ram:AdditionalReferencedDocument/"
    assert _xpath(xml, document + "ram:URIID/text()", NSMAP) == [CHECK_URL]
    assert _xpath(xml, document + "ram:TypeCode/text()", NSMAP) == ["916"]
    assert _xpath(xml, document + "ram:IssuerAssignedID/text()", NSMAP) == ["VERI*FACTU"]
    assert validate_cii_xsd(xml).issues == ()
    assert validate_cii_schematron(xml).errors == ()


def test_ubl_carries_the_check_url_as_an_external_reference(
    registered: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(registered, "ubl")

    path = "/*/cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI/text()"
    assert _xpath(xml, path, UBL) == [CHECK_URL]
    assert validate_ubl_xsd(xml).issues == ()
    assert validate_ubl_schematron(xml).errors == ()


def test_a_ubl_credit_note_carries_it_too(rectificative_invoice: InvoiceDocument) -> None:
    xml, _ = render_einvoice(
        replace(rectificative_invoice, verifactu=VerifactuMark(qr_url=CHECK_URL)), "ubl"
    )

    assert etree.fromstring(xml).tag.endswith("CreditNote")
    path = "//cac:AdditionalDocumentReference//cbc:URI/text()"
    assert _xpath(xml, path, UBL) == [CHECK_URL]
    assert validate_ubl_xsd(xml).issues == ()
    assert validate_ubl_schematron(xml).errors == ()


def test_facturae_states_the_check_url_in_its_additional_information(
    registered: InvoiceDocument, facturae_schema_dir: Path
) -> None:
    xml, _ = render_einvoice(registered, "facturae")

    [information] = _xpath(xml, "//AdditionalData/InvoiceAdditionalInformation/text()")
    assert CHECK_URL in information
    assert "VERI*FACTU" in information
    assert validate_facturae_xsd(xml, facturae_schema_dir).issues == ()


def test_without_verifactu_no_check_url_is_written(ordinary_invoice: InvoiceDocument) -> None:
    for fmt in ("facturx", "ubl", "facturae"):
        xml, _ = render_einvoice(ordinary_invoice, fmt)  # type: ignore[arg-type]
        assert b"ValidarQR" not in xml
        assert b"AdditionalReferencedDocument" not in xml
        assert b"AdditionalDocumentReference" not in xml


def test_an_annulled_invoice_is_marked_first_in_cii(annulled: InvoiceDocument) -> None:
    xml, _ = render_einvoice(annulled, "facturx")

    notes = _xpath(xml, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content/text()", NSMAP)
    assert notes[0].startswith("FACTURA ANULADA")
    assert validate_cii_schematron(xml).errors == ()


def test_an_annulled_invoice_is_marked_in_ubl(annulled: InvoiceDocument) -> None:
    xml, _ = render_einvoice(replace(annulled, lang="en"), "ubl")

    [note] = _xpath(xml, "/*/cbc:Note/text()", UBL)
    assert note.startswith("INVOICE CANCELLED")
    assert validate_ubl_xsd(xml).issues == ()


def test_an_annulled_invoice_is_marked_in_facturae(
    annulled: InvoiceDocument, facturae_schema_dir: Path
) -> None:
    xml, _ = render_einvoice(annulled, "facturae")

    [information] = _xpath(xml, "//AdditionalData/InvoiceAdditionalInformation/text()")
    assert information.startswith("FACTURA ANULADA")
    assert validate_facturae_xsd(xml, facturae_schema_dir).issues == ()


def test_an_issued_invoice_carries_no_annulment_mark(ordinary_invoice: InvoiceDocument) -> None:
    for fmt in ("facturx", "ubl", "facturae"):
        xml, _ = render_einvoice(ordinary_invoice, fmt)  # type: ignore[arg-type]
        assert b"ANULADA" not in xml


def test_facturae_states_vat_in_euros_dividing_by_the_rate(
    dollar_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(dollar_invoice, "facturae")

    tax = "//Invoice/TaxesOutputs/Tax/TaxAmount/"
    assert _xpath(xml, tax + "TotalAmount/text()") == ["210.00"]
    assert _xpath(xml, tax + "EquivalentInEuros/text()") == ["193.83"]  # 210.00 / 1.0834
    assert _xpath(xml, "//ExchangeRateDetails/ExchangeRate/text()") == ["1.0834"]


@pytest.mark.parametrize(("lang", "expected"), [("es", "Descuento"), ("en", "Discount")])
def test_a_line_discount_is_named_in_the_invoice_language(
    ordinary_invoice: InvoiceDocument, lang: str, expected: str
) -> None:
    document = replace(ordinary_invoice, lang=lang)

    cii, _ = render_einvoice(document, "facturx")
    ubl, _ = render_einvoice(document, "ubl")
    facturae, _ = render_einvoice(document, "facturae")

    assert _xpath(cii, "//ram:SpecifiedTradeAllowanceCharge/ram:Reason/text()", NSMAP) == [expected]
    assert _xpath(
        ubl, "//cac:InvoiceLine/cac:AllowanceCharge/cbc:AllowanceChargeReason/text()", UBL
    ) == [expected]
    assert _xpath(facturae, "//Discount/DiscountReason/text()") == [expected]
