"""The offline validators: what they report, where they find their rules, and in which process."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.einvoice import render_einvoice, schemas
from invoicegraph.pdf.einvoice.schematron import parse_svrl
from invoicegraph.pdf.einvoice.validate import (
    validate_cii_schematron,
    validate_einvoice,
    validate_facturae_xsd,
)

SVRL = b"""<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
  <svrl:failed-assert id="BR-01" flag="fatal" location="/a"><svrl:text> Fatal
    one </svrl:text></svrl:failed-assert>
  <svrl:failed-assert id="BR-02" flag="warning"><svrl:text>Warns</svrl:text></svrl:failed-assert>
  <svrl:failed-assert id="FX-1"><svrl:text>Unflagged</svrl:text></svrl:failed-assert>
  <svrl:successful-report><svrl:text>Element not used</svrl:text></svrl:successful-report>
</svrl:schematron-output>"""


def test_svrl_findings_are_errors_unless_flagged_as_warnings() -> None:
    findings = parse_svrl(SVRL)

    assert [(f.rule, f.severity, f.message) for f in findings] == [
        ("BR-01", "error", "Fatal one"),
        ("BR-02", "warning", "Warns"),
        ("FX-1", "error", "Unflagged"),
        ("", "error", "Element not used"),
    ]
    assert findings[0].location == "/a"


@pytest.mark.parametrize(
    ("fmt", "checks"),
    [
        ("facturx", ["cii-xsd", "cii-schematron"]),
        ("ubl", ["ubl-xsd", "ubl-schematron"]),
        ("facturae", ["facturae-xsd"]),
    ],
)
def test_validate_einvoice_runs_every_check_of_the_format(
    fmt: str, checks: list[str], irpf_invoice: InvoiceDocument, facturae_schema_dir: Path
) -> None:
    xml, _ = render_einvoice(irpf_invoice, fmt)  # type: ignore[arg-type]

    reports = validate_einvoice(xml, fmt)  # type: ignore[arg-type]

    assert [report.check for report in reports] == checks
    assert all(report.ok and report.seconds >= 0 for report in reports)


def _fork_validate(xml: bytes) -> tuple[bool, int]:
    report = validate_cii_schematron(xml)
    return report.ok, len(report.issues)


def test_schematron_runs_in_a_process_forked_after_saxon_started(
    irpf_invoice: InvoiceDocument,
) -> None:
    xml, _ = render_einvoice(irpf_invoice, "facturx")
    assert validate_cii_schematron(xml).ok  # Saxon is running in this process now

    with multiprocessing.get_context("fork").Pool(1) as pool:
        result = pool.apply_async(_fork_validate, (xml,)).get(timeout=120)

    assert result == (True, 0)


def test_facturae_xsd_importing_xmldsig_by_url_resolves_locally(
    irpf_invoice: InvoiceDocument, facturae_schema_dir: Path, tmp_path: Path
) -> None:
    # The official XSD names xmldsig by its W3C URL; the network is off, so only the
    # resolver can make this schema load.
    source = facturae_schema_dir / "facturae"
    target = tmp_path / "facturae"
    target.mkdir()
    shutil.copy(source / schemas.XMLDSIG_XSD, target / schemas.XMLDSIG_XSD)
    official = (
        (source / schemas.FACTURAE_XSD)
        .read_text(encoding="utf-8-sig")
        .replace(
            'schemaLocation="xmldsig-core-schema.xsd"',
            'schemaLocation="http://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd"',
        )
    )
    assert "http://www.w3.org/TR/xmldsig-core/" in official
    (target / schemas.FACTURAE_XSD).write_text(official, encoding="utf-8")
    xml, _ = render_einvoice(irpf_invoice, "facturae")

    assert validate_facturae_xsd(xml, tmp_path).ok


def test_missing_facturae_schema_says_how_to_fetch_it(
    irpf_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    xml, _ = render_einvoice(irpf_invoice, "facturae")

    with pytest.raises(schemas.SchemaNotFound, match=r"fetch_einvoice_schemas\.py"):
        validate_facturae_xsd(xml, tmp_path)


def test_schema_directory_can_be_moved_by_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(schemas.SCHEMA_DIR_ENV, str(tmp_path))

    assert schemas.schema_dir() == tmp_path
