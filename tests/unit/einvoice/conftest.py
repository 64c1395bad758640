"""Realistic invoices for the e-invoice tests, built the way the design computes money.

Lines follow docs' rules (subtotal = round2(q × p), discount, each tax rounded per line) and
the document sums its lines, so a fixture can never be inconsistent by construction; the
Orzame seed's figures are asserted in the tests to prove the builder matches the design.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from invoicegraph.domain.money import TaxAmount, TaxCodes, breakdown_of_taxes
from invoicegraph.pdf.document import (
    DocumentLine,
    DocumentLineTax,
    InvoiceDocument,
    Party,
    Rectification,
    TaxBreakdownRow,
    TemplateOptions,
)

REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO / "artifacts" / "einvoice"

# Tax = (kind, name, percentage, qualification, exemption code)
Tax = tuple[str, str, str, str, str | None]
IVA21: Tax = ("vat", "IVA (21%)", "21", "S1", None)
IVA10: Tax = ("vat", "IVA (10%)", "10", "S1", None)
IVA0_REVERSE: Tax = ("vat", "IVA (0%) ISP", "0", "S2", None)
IVA_EXEMPT_E1: Tax = ("vat", "IVA exento", "0", "S1", "E1")
IVA_INTRA_E5: Tax = ("vat", "IVA exento intracomunitario", "0", "S1", "E5")
RE52: Tax = ("surcharge", "Recargo de equivalencia (5.2%)", "5.2", "S1", None)
IRPF15: Tax = ("withholding", "IRPF (-15%)", "-15", "S1", None)

ISSUER = Party(
    name="Estudio Orzame S.L.",
    tax_id="B12345674",
    address="Calle Mayor 1, 2º",
    city="Madrid",
    province="Madrid",
    postal_code="28013",
    country="ES",
    email="facturas@orzame.example",
)
ACME = Party(
    name="Acme S.L.",
    tax_id="ESB87654323",
    address="Avenida de la Constitución 99",
    city="Sevilla",
    province="Sevilla",
    postal_code="41004",
    country="ES",
    email="cuentas@acme.example",
)
FRENCH_CLIENT = Party(
    name="Société Exemple SARL",
    tax_id="FR40303265045",
    address="12 rue de la Paix",
    city="Paris",
    province="Île-de-France",
    postal_code="75002",
    country="FR",
    email="compta@exemple.example",
)


def round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def make_line(
    position: int,
    description: str,
    quantity: str,
    price: str,
    taxes: tuple[Tax, ...],
    discount: str = "0",
    sku: str | None = None,
) -> DocumentLine:
    subtotal = round2(Decimal(quantity) * Decimal(price))
    total_discount = round2(subtotal * Decimal(discount) / 100)
    base = subtotal - total_discount
    line_taxes = tuple(
        DocumentLineTax(
            kind=kind,
            name=name,
            percentage=Decimal(pct),
            amount=round2(base * Decimal(pct) / 100),
            exemption_code=exemption,
            qualification=qualification,
        )
        for kind, name, pct, qualification, exemption in taxes
    )
    total_taxes = sum((tax.amount for tax in line_taxes), Decimal(0))
    return DocumentLine(
        position=position,
        description=description,
        quantity=Decimal(quantity),
        price=Decimal(price),
        discount=Decimal(discount),
        subtotal=subtotal,
        total_discount=total_discount,
        total_before_taxes=base,
        total_taxes=total_taxes,
        total_with_taxes=base + total_taxes,
        taxes=line_taxes,
        sku=sku,
    )


def negate(line: DocumentLine) -> DocumentLine:
    """The line as a full rectification writes it: the same line with opposite sign."""
    return replace(
        line,
        quantity=-line.quantity,
        subtotal=-line.subtotal,
        total_discount=-line.total_discount,
        total_before_taxes=-line.total_before_taxes,
        total_taxes=-line.total_taxes,
        total_with_taxes=-line.total_with_taxes,
        taxes=tuple(replace(tax, amount=-tax.amount) for tax in line.taxes),
    )


def make_document(
    lines: tuple[DocumentLine, ...],
    *,
    number: str = "F2025/0042",
    recipient: Party | None = ACME,
    **overrides: object,
) -> InvoiceDocument:
    zero = Decimal(0)
    rows = tuple(
        TaxBreakdownRow(
            row.kind,
            row.name,
            row.percentage,
            row.base,
            row.amount,
            row.codes.exemption_code,
            row.codes.qualification,
            row.paired_rate,
        )
        for row in breakdown_of_taxes(
            tuple(
                TaxAmount(
                    tax.kind,
                    tax.percentage,
                    tax.name,
                    line.total_before_taxes,
                    tax.amount,
                    TaxCodes(qualification=tax.qualification, exemption_code=tax.exemption_code),
                )
                for tax in line.taxes
            )
            for line in lines
        )
    )
    total_before = sum((line.total_before_taxes for line in lines), zero)
    total_taxes = sum((row.amount for row in rows), zero)
    fields: dict[str, object] = {
        "uuid": "0b7f6f1e-3c1d-4a43-9f7e-2f4f0c6f9a10",
        "status": "issued",
        "is_rectificative": False,
        "is_simplified": False,
        "series_code": number.split("/")[0][:1],
        "number": int(number.split("/")[-1]),
        "full_number": number,
        "name": None,
        "issue_date": dt.date(2025, 3, 14),
        "operation_date": None,
        "due_date": dt.date(2025, 4, 13),
        "issuer": ISSUER,
        "recipient": recipient,
        "currency": "EUR",
        "exchange_rate": Decimal(1),
        "lang": "es",
        "date_format": "dd/mm/yyyy",
        "money_format": "symbol_after,point,comma",
        "template_id": 1,
        "template_options": TemplateOptions(),
        "brand_color": None,
        "lines": lines,
        "breakdown": rows,
        "subtotal": sum((line.subtotal for line in lines), zero),
        "total_discount": sum((line.total_discount for line in lines), zero),
        "total_before_taxes": total_before,
        "total_taxes": total_taxes,
        "total_with_taxes": total_before + total_taxes,
        "total_vat": sum((r.amount for r in rows if r.kind != "withholding"), zero),
        "total_withholding": sum((r.amount for r in rows if r.kind == "withholding"), zero),
        "payment_method": "Transferencia bancaria",
        "payment_iban": "ES91 2100 0418 4502 0005 1332",
    }
    fields.update(overrides)
    return InvoiceDocument(**fields)  # type: ignore[arg-type]


def ordinary_lines() -> tuple[DocumentLine, ...]:
    return (
        make_line(1, "Diseño de identidad corporativa", "1", "1200", (IVA21,), sku="DIS-01"),
        make_line(2, "Horas de consultoría", "12.5", "65.50", (IVA21,), discount="10"),
        make_line(3, "Catering para la presentación", "30", "18.333333", (IVA10,)),
    )


@pytest.fixture
def ordinary_invoice() -> InvoiceDocument:
    """IVA 21 % and 10 %, a line discount, a six-decimal price, paid by transfer."""
    return make_document(ordinary_lines())


@pytest.fixture
def irpf_invoice() -> InvoiceDocument:
    """The Orzame seed: a professional invoice with IRPF −15 % on one line."""
    lines = (
        make_line(1, "Consulting with discount 5%", "1", "2250", (IVA21,), "5", "CS200010005"),
        make_line(2, "Development and services", "1", "1800", (IRPF15, IVA21)),
    )
    return make_document(
        lines,
        number="F2024/0001",
        issue_date=dt.date(2024, 12, 1),
        due_date=dt.date(2024, 12, 31),
        notes_public="Automatically created invoice via API",
        payment_method="Bank transfer to account number ES91 2100 0418 4502 0005 1332",
        lang="en",
    )


@pytest.fixture
def rectificative_invoice() -> InvoiceDocument:
    """A full rectification (R1, by differences) of the ordinary invoice: every line negated."""
    return make_document(
        tuple(negate(line) for line in ordinary_lines()),
        number="R2025/0003",
        is_rectificative=True,
        issue_date=dt.date(2025, 3, 20),
        due_date=None,
        rectification=Rectification(
            original_number="F2025/0042",
            original_date=dt.date(2025, 3, 14),
            cause="R1",
            reason="Pedido anulado por el cliente",
        ),
    )


@pytest.fixture
def substitute_invoice() -> InvoiceDocument:
    """A substitution (kind S) of the ordinary invoice that adds a forgotten line."""
    lines = (
        *ordinary_lines(),
        make_line(4, "Impresión de tarjetas", "500", "0.12", (IVA21,)),
    )
    return make_document(
        lines,
        number="R2025/0004",
        is_rectificative=True,
        issue_date=dt.date(2025, 3, 21),
        rectification=Rectification(
            original_number="F2025/0042",
            original_date=dt.date(2025, 3, 14),
            cause="R4",
            reason="Faltaba una línea",
            kind="S",
        ),
    )


@pytest.fixture
def reverse_charge_invoice() -> InvoiceDocument:
    """Services to a French business: subject to IVA, reverse charge (S2) at 0 %."""
    return make_document(
        (
            make_line(1, "Desarrollo de software a medida", "40", "75", (IVA0_REVERSE,)),
            make_line(2, "Mantenimiento mensual", "3", "250", (IVA0_REVERSE,)),
        ),
        number="F2025/0043",
        recipient=FRENCH_CLIENT,
        lang="en",
        payment_method="Bank transfer",
    )


@pytest.fixture
def exempt_invoice() -> InvoiceDocument:
    """Training exempt under art. 20 LIVA (E1) next to a taxed line."""
    return make_document(
        (
            make_line(1, "Curso de formación reglada", "1", "900", (IVA_EXEMPT_E1,)),
            make_line(2, "Material didáctico", "10", "12.40", (IVA21,)),
        ),
        number="F2025/0044",
    )


@pytest.fixture
def intra_community_invoice() -> InvoiceDocument:
    """Goods delivered to a French business: exempt intra-community supply (E5)."""
    return make_document(
        (make_line(1, "Lámparas de diseño", "20", "48.75", (IVA_INTRA_E5,), sku="LAMP-7"),),
        number="F2025/0045",
        recipient=FRENCH_CLIENT,
        operation_date=dt.date(2025, 3, 10),
    )


@pytest.fixture
def surcharge_invoice() -> InvoiceDocument:
    """A sale to a retailer under recargo de equivalencia: IVA 21 % plus 5.2 %."""
    return make_document(
        (make_line(1, "Cajas de vino", "12", "35.90", (IVA21, RE52)),),
        number="F2025/0046",
    )


@pytest.fixture
def irpf_credit_note() -> InvoiceDocument:
    """A rectification of the IRPF invoice's professional line: IRPF comes back positive."""
    line = make_line(1, "Development and services", "1", "1800", (IRPF15, IVA21))
    return make_document(
        (negate(line),),
        number="R2024/0002",
        is_rectificative=True,
        issue_date=dt.date(2024, 12, 15),
        rectification=Rectification(
            original_number="F2024/0001",
            original_date=dt.date(2024, 12, 1),
            cause="R4",
            kind="I",
        ),
    )


@pytest.fixture
def not_subject_invoice() -> InvoiceDocument:
    """Services whose place of supply is outside Spain, to a Spanish company: no IVA at all."""
    return make_document(
        (
            make_line(1, "Asesoría para la filial en Chile", "1", "3000", ()),
            make_line(2, "Desplazamientos", "2", "150", ()),
        ),
        number="F2025/0048",
    )


@pytest.fixture
def dollar_invoice() -> InvoiceDocument:
    """An invoice in US dollars at 1.0834 USD per euro: VAT must also be stated in euros."""
    return make_document(
        (make_line(1, "Licencia anual", "2", "499.99", (IVA21,)),),
        number="F2025/0047",
        currency="USD",
        exchange_rate=Decimal("1.0834"),
    )


SCENARIOS = (
    "ordinary_invoice",
    "irpf_invoice",
    "rectificative_invoice",
    "substitute_invoice",
    "reverse_charge_invoice",
    "exempt_invoice",
    "intra_community_invoice",
    "surcharge_invoice",
    "irpf_credit_note",
    "not_subject_invoice",
    "dollar_invoice",
)


@pytest.fixture(params=SCENARIOS)
def scenario(request: pytest.FixtureRequest) -> tuple[str, InvoiceDocument]:
    """Each realistic invoice in turn, with its fixture name for artefact files."""
    name: str = request.param
    document: InvoiceDocument = request.getfixturevalue(name)
    return name.removesuffix("_invoice"), document


@pytest.fixture(scope="session")
def facturae_schema_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the fetch script as a fresh clone would; it is a no-op once the XSDs are there."""
    script = REPO / "scripts" / "fetch_einvoice_schemas.py"
    completed = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return Path(completed.stdout.strip().splitlines()[-1])


def _save_artifact(name: str, content: bytes) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(content)
    return path


@pytest.fixture(scope="session")
def save_artifact() -> Callable[[str, bytes], Path]:
    """Keep an example of each output for people to read (artifacts/ is not committed)."""
    return _save_artifact
