"""Fixtures for the VERI*FACTU unit tests: the agency's schemas, offline, and record factories.

The schemas are not committed: the session fixture runs ``scripts/fetch_verifactu_xsd.py``,
which is a no-op once ``vendor/verifactu-xsd/`` is in place, so a fresh clone fetches them on
its first test run. Validation never touches the network: the parser has ``no_network=True``
and a resolver serves the W3C xmldsig schema (imported by URL) from the local copy.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from invoicegraph.domain.verifactu.codes import (
    XMLDSIG_SCHEMA_URL,
    CalificacionOperacion,
    TipoFactura,
)
from invoicegraph.domain.verifactu.fingerprint import seal
from invoicegraph.domain.verifactu.records import (
    BreakdownLine,
    ChainLink,
    Recipient,
    RegistroAlta,
    RegistroAnulacion,
    SistemaInformatico,
)

REPO = Path(__file__).resolve().parents[3]
FETCH_SCRIPT = REPO / "scripts" / "fetch_verifactu_xsd.py"
XSD_DIR = REPO / "vendor" / "verifactu-xsd"
MADRID = ZoneInfo("Europe/Madrid")

Validate = Callable[[Any, str], None]


class _LocalXmldsig(etree.Resolver):  # type: ignore[misc]
    """Serves the xmldsig schema the agency's XSDs import by URL from the local copy."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str, public_id: str, context: object) -> Any:
        if system_url == XMLDSIG_SCHEMA_URL:
            return self.resolve_filename(str(self.folder / "xmldsig-core-schema.xsd"), context)
        return None


@pytest.fixture(scope="session")
def xsd_dir() -> Path:
    """The agency's schemas, fetched on first use by the project's own script."""
    result = subprocess.run(
        [sys.executable, str(FETCH_SCRIPT), "--dest", str(XSD_DIR)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"could not fetch the agency's schemas:\n{result.stderr}")
    return XSD_DIR


@pytest.fixture(scope="session")
def load_schema(xsd_dir: Path) -> Callable[[str], Any]:
    """``load_schema("SuministroLR.xsd")``: the compiled schema, loaded once per session."""
    schemas: dict[str, Any] = {}

    def load(name: str) -> Any:
        if name not in schemas:
            parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
            parser.resolvers.add(_LocalXmldsig(xsd_dir))
            schemas[name] = etree.XMLSchema(etree.parse(str(xsd_dir / name), parser))
        return schemas[name]

    return load


@pytest.fixture(scope="session")
def validate(load_schema: Callable[[str], Any]) -> Validate:
    """``validate(element, "SuministroLR.xsd")`` fails the test with the schema's complaint."""

    def check(element: Any, name: str) -> None:
        schema = load_schema(name)
        if not schema.validate(element):
            errors = "\n".join(str(error) for error in schema.error_log)
            pytest.fail(f"not valid against {name}:\n{errors}")

    return check


@pytest.fixture
def system() -> SistemaInformatico:
    return SistemaInformatico(producer_name="Invoicegraph Labs SL", producer_nif="B00000000")


@pytest.fixture
def agency_chain(system: SistemaInformatico) -> list[RegistroAlta | RegistroAnulacion]:
    """The three records of the agency's worked examples, with lines that add up."""
    lines = (
        BreakdownLine(base=Decimal("58.81"), rate=Decimal("21"), cuota=Decimal("12.35")),
        BreakdownLine(base=Decimal("52.29"), calificacion=CalificacionOperacion.N1),
    )
    first = seal(
        RegistroAlta(
            issuer_nif="89890001K",
            issuer_name="Empresa de ejemplo SL",
            number="12345678/G33",
            issue_date=date(2024, 1, 1),
            invoice_type=TipoFactura.F1,
            description="Venta de mercaderías",
            recipient=Recipient(name="Cliente de ejemplo SA", nif="A00000000"),
            lines=lines,
            cuota_total=Decimal("12.35"),
            importe_total=Decimal("123.45"),
            previous=None,
            generated_at=datetime(2024, 1, 1, 19, 20, 30, tzinfo=MADRID),
            system=system,
        )
    )
    second = seal(
        replace(
            first,
            number="12345679/G34",
            previous=first.link(),
            generated_at=datetime(2024, 1, 1, 19, 20, 35, tzinfo=MADRID),
        )
    )
    cancellation = seal(
        RegistroAnulacion(
            issuer_nif="89890001K",
            number="12345679/G34",
            issue_date=date(2024, 1, 1),
            previous=second.link(),
            generated_at=datetime(2024, 1, 1, 19, 20, 40, tzinfo=MADRID),
            system=system,
        )
    )
    return [first, second, cancellation]


@pytest.fixture
def make_alta(system: SistemaInformatico) -> Callable[..., RegistroAlta]:
    """An unsealed, valid F1 record of 2025; keyword arguments override any field."""

    def make(**overrides: Any) -> RegistroAlta:
        fields: dict[str, Any] = {
            "issuer_nif": "B12345674",
            "issuer_name": "Taller Ejemplo SL",
            "number": "F2025/0001",
            "issue_date": date(2025, 3, 14),
            "invoice_type": TipoFactura.F1,
            "description": "Reparación de vehículo",
            "recipient": Recipient(name="Cliente SA", nif="A58818501"),
            "lines": (
                BreakdownLine(base=Decimal("100.00"), rate=Decimal("21"), cuota=Decimal("21.00")),
            ),
            "cuota_total": Decimal("21.00"),
            "importe_total": Decimal("121.00"),
            "previous": None,
            "generated_at": datetime(2025, 3, 14, 10, 0, 0, tzinfo=MADRID),
            "system": system,
        }
        fields.update(overrides)
        return RegistroAlta(**fields)

    return make


@pytest.fixture
def previous_link() -> ChainLink:
    return ChainLink("B12345674", "F2025/0000", date(2025, 3, 13), "A" * 64)
