"""Run compiled schematron rules (XSLT 2.0) in-process with Saxon-HE (``saxonche``).

The factur-x library validates schematron by posting to a Saxon HTTP server and, when none
answers, logs a warning and reports success; that is no check at all. Here the same XSLT
files it ships are run directly and their SVRL report is read.

Saxon's C/GraalVM runtime is loaded once per process, the stylesheets are compiled once per
process (0.3-0.6 s each, the cost that matters in CI) and every call is serialised by a lock:
saxonche is not documented as thread-safe. A process forked after the runtime started gets
a fresh one, since a GraalVM isolate does not survive ``fork``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
Severity = Literal["error", "warning"]
_WARNING_FLAGS = frozenset({"warning", "information", "info"})

_lock = threading.Lock()
_state: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class SchematronFinding:
    """One fired rule: a failed assert or a successful report."""

    rule: str  # e.g. "BR-CO-17", or "" when the rule carries no id
    severity: Severity
    message: str
    location: str | None


def _executable(xslt: Path) -> Any:
    """The compiled stylesheet, compiled on first use in this process."""
    from saxonche import PySaxonProcessor

    if _state.get("pid") != os.getpid():
        _state.clear()
        _state["pid"] = os.getpid()
        _state["processor"] = PySaxonProcessor(license=False)
        _state["compiled"] = {}
    compiled: dict[Path, Any] = _state["compiled"]
    if xslt not in compiled:
        compiler = _state["processor"].new_xslt30_processor()
        # Compiling from the file keeps its base URI, so document('..._codedb.xml') resolves
        # to the code list shipped beside it instead of a URL.
        compiled[xslt] = compiler.compile_stylesheet(stylesheet_file=str(xslt))
    return compiled[xslt]


def compile_rules(xslt: Path) -> None:
    """Compile ahead of the first validation (a server can pay the cost at start-up)."""
    with _lock:
        _executable(xslt)


def _severity(element: etree._Element) -> Severity:
    """Failed asserts and reports are errors unless their rule is flagged a warning.

    The CEN rules flag each assert "fatal" or "warning"; the Factur-X profile rules leave
    most unflagged, and the factur-x library counts every one of those as an error.
    """
    flag = (element.get("flag") or "").lower()
    return "warning" if flag in _WARNING_FLAGS else "error"


def parse_svrl(report: bytes) -> tuple[SchematronFinding, ...]:
    """The findings of an SVRL report, in document order."""
    root = etree.fromstring(report)
    findings = []
    for element in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = element.find(f"{{{SVRL}}}text")
        message = " ".join((text.text or "").split()) if text is not None else ""
        findings.append(
            SchematronFinding(
                rule=element.get("id") or "",
                severity=_severity(element),
                message=message,
                location=element.get("location"),
            )
        )
    return tuple(findings)


def run_schematron(xslt: Path, xml: bytes) -> tuple[SchematronFinding, ...]:
    """Apply the compiled rules in ``xslt`` to ``xml`` and return what fired."""
    text = xml.decode("utf-8").lstrip("\ufeff")
    with _lock:
        executable = _executable(xslt)
        processor = _state["processor"]
        document = processor.parse_xml(xml_text=text)
        report = executable.transform_to_string(xdm_node=document)
    if not report:
        raise RuntimeError(f"{xslt.name} produced no SVRL report")
    return parse_svrl(report.encode("utf-8"))
