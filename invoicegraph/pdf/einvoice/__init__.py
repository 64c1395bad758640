"""Structured e-invoices from an ``InvoiceDocument``: Factur-X CII, PEPPOL UBL, Facturae.

Pure functions of the document: no database, no network. ``render_einvoice`` gives the XML
of one format; a Factur-X PDF is ``embed_facturx(base_pdf, render_einvoice(doc, "facturx")[0])``
because the PDF/A-3 base comes from the PDF renderer. ``validate`` checks the results
offline (XSD, and the EN 16931 schematron for CII and UBL).
"""

from __future__ import annotations

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.einvoice.cii import render_cii
from invoicegraph.pdf.einvoice.errors import EInvoiceError
from invoicegraph.pdf.einvoice.facturae import render_facturae
from invoicegraph.pdf.einvoice.facturx import embed_facturx, extract_facturx_xml
from invoicegraph.pdf.einvoice.formats import XML_MEDIA_TYPE, EInvoiceFormat
from invoicegraph.pdf.einvoice.ubl import render_ubl

__all__ = [
    "XML_MEDIA_TYPE",
    "EInvoiceError",
    "EInvoiceFormat",
    "embed_facturx",
    "extract_facturx_xml",
    "render_cii",
    "render_einvoice",
    "render_facturae",
    "render_ubl",
]


def render_einvoice(document: InvoiceDocument, fmt: EInvoiceFormat) -> tuple[bytes, str]:
    """The e-invoice XML of ``document`` in ``fmt`` and its media type.

    For "facturx" this is the CII XML alone; embedding it needs the base PDF (see
    ``embed_facturx``). Raises ``EInvoiceError`` when the document cannot be expressed in
    the format (a draft, no recipient, a combination the format forbids) and ``ValueError``
    for an unknown format.
    """
    if fmt == "facturx":
        return render_cii(document), XML_MEDIA_TYPE
    if fmt == "ubl":
        return render_ubl(document), XML_MEDIA_TYPE
    if fmt == "facturae":
        return render_facturae(document), XML_MEDIA_TYPE
    raise ValueError(f"unknown e-invoice format {fmt!r}")
