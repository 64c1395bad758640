"""Factur-X / ZUGFeRD 2: the CII XML embedded in the invoice's PDF/A-3.

The printable PDF comes from the renderer (``invoicegraph.pdf.render``, PDF/A-3b variant);
this module only attaches the XML, so it takes the PDF's bytes and never renders. The
factur-x library does the PDF work: it attaches ``factur-x.xml`` with AFRelationship "Data",
lists it in the catalogue's /AF array, and writes the XMP metadata declaring the Factur-X
"EN 16931" conformance level next to the PDF/A identification. The base PDF must already be
PDF/A-3 (fonts embedded, an output intent); embedding does not repair a non-PDF/A input.

factur-x checks the XML against its XSD while embedding; its schematron step is left off
because, without a Saxon HTTP server, it logs a warning and passes. Run
``validate.validate_cii_schematron`` on the XML instead, before or after.
"""

from __future__ import annotations

import facturx

FACTURX_FILENAME = "factur-x.xml"
MEDIA_TYPE = "application/pdf"


def embed_facturx(pdf_bytes: bytes, xml_bytes: bytes, *, lang: str | None = None) -> bytes:
    """Attach the CII ``xml_bytes`` to the PDF/A-3 ``pdf_bytes`` as a Factur-X EN 16931 PDF.

    ``lang`` is the PDF's natural language (RFC 3066, e.g. "es-ES") for screen readers.
    Raises when the XML is not valid against the Factur-X EN16931 XSD.
    """
    result = facturx.generate_from_binary(
        pdf_bytes,
        xml_bytes,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        check_schematron=False,
        lang=lang,
    )
    if not isinstance(result, bytes):
        raise RuntimeError("factur-x returned no PDF")
    return result


def extract_facturx_xml(pdf_bytes: bytes) -> bytes | None:
    """The embedded ``factur-x.xml`` of a Factur-X PDF, or None when it has none."""
    filename, xml = facturx.get_xml_from_pdf(
        pdf_bytes, check_xsd=False, filenames=[FACTURX_FILENAME]
    )
    if not filename or not isinstance(xml, bytes):
        return None
    return xml
