"""Factur-X PDF: the CII XML embedded in a PDF/A-3b and read back; the renderer's PDF too."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader
from pypdf.generic import ArrayObject, StreamObject

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.einvoice import embed_facturx, extract_facturx_xml, render_einvoice
from invoicegraph.pdf.einvoice.validate import validate_einvoice


@pytest.fixture(scope="module")
def base_pdf() -> bytes:
    """A PDF/A-3b as the renderer makes it (weasyprint), standing in for the real layout."""
    html = "<html lang='es'><body><h1>Factura F2024/0001</h1><p>Total: 4.494,38 €</p></body></html>"
    pdf: bytes = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    return pdf


def test_embedded_xml_reads_back_unchanged(
    irpf_invoice: InvoiceDocument,
    base_pdf: bytes,
    save_artifact: Callable[[str, bytes], Path],
) -> None:
    xml, _ = render_einvoice(irpf_invoice, "facturx")

    pdf = embed_facturx(base_pdf, xml, lang="es-ES")
    save_artifact("irpf.facturx.pdf", pdf)

    assert extract_facturx_xml(pdf) == xml
    reader = PdfReader(io.BytesIO(pdf))
    assert [attachment.name for attachment in reader.attachment_list] == ["factur-x.xml"]
    assert reader.attachments["factur-x.xml"] == [xml]
    associated_files = reader.root_object["/AF"].get_object()
    assert isinstance(associated_files, ArrayObject)
    assert len(associated_files) == 1  # PDF/A-3: the XML is an associated file
    metadata = reader.root_object["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    xmp = metadata.get_data()
    assert re.search(rb"<pdfaid:part>3</pdfaid:part>", xmp)
    assert re.search(rb"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", xmp)
    assert re.search(rb"<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>", xmp)
    assert len(reader.pages) == 1


def test_pdf_without_embedded_xml_has_nothing_to_extract(base_pdf: bytes) -> None:
    assert extract_facturx_xml(base_pdf) is None


def test_xml_invalid_against_the_xsd_is_not_embedded(
    ordinary_invoice: InvoiceDocument, base_pdf: bytes
) -> None:
    xml, _ = render_einvoice(ordinary_invoice, "facturx")
    broken = xml.replace(b"<ram:TypeCode>380", b"<ram:Unknown>1</ram:Unknown><ram:TypeCode>380")

    with pytest.raises(Exception, match="not valid against the official XML Schema"):
        embed_facturx(base_pdf, broken)


def test_invoice_pdf_from_the_renderer_becomes_a_facturx_pdf(
    irpf_invoice: InvoiceDocument, save_artifact: Callable[[str, bytes], Path]
) -> None:
    from invoicegraph.pdf.render import render_pdf_sync

    base = render_pdf_sync(irpf_invoice, variant="pdf/a-3b")
    xml, _ = render_einvoice(irpf_invoice, "facturx")

    pdf = embed_facturx(base, xml, lang="en")
    save_artifact("irpf.rendered.facturx.pdf", pdf)

    assert extract_facturx_xml(pdf) == xml
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(PdfReader(io.BytesIO(base)).pages)


def test_renderer_sample_document_is_a_valid_einvoice_in_every_format(
    facturae_schema_dir: Path,
) -> None:
    from invoicegraph.pdf.sample import sample_document

    document = sample_document()

    for fmt in ("facturx", "ubl", "facturae"):
        xml, _ = render_einvoice(document, fmt)
        assert all(report.ok for report in validate_einvoice(xml, fmt)), fmt
