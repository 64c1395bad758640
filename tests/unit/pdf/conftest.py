"""Invoices to print, and helpers to read the printed PDFs back.

The base fixture is the Orzame seed's invoice (Acme Inc. S.A. → Acme S.L., two lines, IVA 21 %
and IRPF −15 %: 3937.50 / 556.88 / 4494.38), issued as F2024/0050. Other fixtures derive from it
with ``dataclasses.replace`` so each test states only what differs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from invoicegraph.pdf.document import (
    DocumentLine,
    DocumentLineTax,
    InvoiceDocument,
    Party,
    Rectification,
    TaxBreakdownRow,
    TemplateOptions,
    Text,
    VerifactuMark,
)
from invoicegraph.pdf.sample import SAMPLE_LINES

D = Decimal
ARTIFACTS_DIR = Path(__file__).resolve().parents[3] / "artifacts" / "pdf"
QR_URL = (
    "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
    "?nif=B00000000&numserie=F2024%2F0050&fecha=10-03-2024&importe=4494.38"
)
IVA_21 = "IVA (21%)"
IRPF_15 = "IRPF (-15%)"

ISSUER = Party(
    name="Acme Inc. S.A.",
    tax_id="B00000000",
    address="Gran Via 1",
    city="Madrid",
    province="Madrid",
    postal_code="28080",
    country="ES",
)
RECIPIENT = Party(
    name="Acme S.L.",
    tax_id="ESB2700001",
    address="Acme address nº 99",
    city="My City",
    province="My Province",
    postal_code="55555",
    country="ES",
)


def round2(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def make_line(position: int, description: str, price: str, *, quantity: str = "1") -> DocumentLine:
    """A line taxed at IVA 21 %, amounts computed with the domain's rounding rule."""
    subtotal = round2(D(quantity) * D(price))
    vat = round2(subtotal * D("0.21"))
    return DocumentLine(
        position=position,
        description=description,
        quantity=D(quantity),
        price=D(price),
        discount=D("0"),
        subtotal=subtotal,
        total_discount=D("0.00"),
        total_before_taxes=subtotal,
        total_taxes=vat,
        total_with_taxes=subtotal + vat,
        taxes=(DocumentLineTax("vat", IVA_21, D("21"), vat),),
    )


@pytest.fixture
def seed_invoice() -> InvoiceDocument:
    """The seed's invoice, issued, in Spanish, without VERI*FACTU."""
    return InvoiceDocument(
        uuid="5f0c2a34-8f7e-4a43-9d0a-1d1c0e5b0050",
        status="issued",
        is_rectificative=False,
        is_simplified=False,
        series_code="F",
        number=50,
        full_number="F2024/0050",
        name="Development and services invoice",
        issue_date=dt.date(2024, 3, 10),
        operation_date=None,
        due_date=dt.date(2024, 3, 20),
        issuer=ISSUER,
        recipient=RECIPIENT,
        currency="EUR",
        exchange_rate=D("1"),
        lang="es",
        date_format="dd/mm/yyyy",
        money_format="symbol_after,point,comma",
        template_id=1,
        template_options=TemplateOptions(
            use_company_color=True, include_texts_before=True, include_texts_after=True
        ),
        brand_color="#1d6fa5",
        lines=SAMPLE_LINES,
        breakdown=(
            TaxBreakdownRow("vat", IVA_21, D("21"), D("3937.50"), D("826.88")),
            TaxBreakdownRow("withholding", IRPF_15, D("-15"), D("1800.00"), D("-270.00")),
        ),
        subtotal=D("4050.00"),
        total_discount=D("112.50"),
        total_before_taxes=D("3937.50"),
        total_taxes=D("556.88"),
        total_with_taxes=D("4494.38"),
        total_vat=D("826.88"),
        total_withholding=D("-270.00"),
        intro_texts=(
            Text("Name", "Invoice design and printing"),
            Text("Details", "Below you will **see the details** of the invoice."),
        ),
        close_texts=(
            Text("Thanks", "#### Thank you very much for hiring our services."),
            Text("Link", "If you have any questions, [visit our website](https://www.orzame.com)."),
        ),
        payment_method="Bank transfer",
        payment_iban="ES91 2100 0418 4502 0005 1332",
    )


@pytest.fixture
def verifactu_invoice(seed_invoice: InvoiceDocument) -> InvoiceDocument:
    return dataclasses.replace(seed_invoice, verifactu=VerifactuMark(qr_url=QR_URL))


@pytest.fixture
def rectificative_invoice(seed_invoice: InvoiceDocument) -> InvoiceDocument:
    """R2024/0001 fully correcting F2024/0050 (every amount negated), cause R1."""

    def negate_line(line: DocumentLine) -> DocumentLine:
        return dataclasses.replace(
            line,
            quantity=-line.quantity,
            subtotal=-line.subtotal,
            total_discount=-line.total_discount,
            total_before_taxes=-line.total_before_taxes,
            total_taxes=-line.total_taxes,
            total_with_taxes=-line.total_with_taxes,
            taxes=tuple(dataclasses.replace(t, amount=-t.amount) for t in line.taxes),
        )

    return dataclasses.replace(
        seed_invoice,
        is_rectificative=True,
        series_code="R",
        number=1,
        full_number="R2024/0001",
        issue_date=dt.date(2024, 4, 2),
        due_date=None,
        lines=tuple(negate_line(line) for line in seed_invoice.lines),
        breakdown=tuple(
            dataclasses.replace(row, base=-row.base, amount=-row.amount)
            for row in seed_invoice.breakdown
        ),
        subtotal=-seed_invoice.subtotal,
        total_discount=-seed_invoice.total_discount,
        total_before_taxes=-seed_invoice.total_before_taxes,
        total_taxes=-seed_invoice.total_taxes,
        total_with_taxes=-seed_invoice.total_with_taxes,
        total_vat=-seed_invoice.total_vat,
        total_withholding=-seed_invoice.total_withholding,
        rectification=Rectification(
            original_number="F2024/0050",
            original_date=dt.date(2024, 3, 10),
            cause="R1",
            reason="Wrong unit price",
        ),
    )


@pytest.fixture
def draft_invoice(seed_invoice: InvoiceDocument) -> InvoiceDocument:
    return dataclasses.replace(
        seed_invoice, status="draft", series_code=None, number=None, full_number=None
    )


@pytest.fixture
def long_invoice(verifactu_invoice: InvoiceDocument) -> InvoiceDocument:
    """Sixty lines at IVA 21 %: enough for two or three A4 pages."""
    lines = tuple(
        make_line(i, f"Service item number {i:02d}", f"{10 * i}.50", quantity="2")
        for i in range(1, 61)
    )
    base = sum((line.total_before_taxes for line in lines), D("0"))
    vat = sum((line.total_taxes for line in lines), D("0"))
    return dataclasses.replace(
        verifactu_invoice,
        lines=lines,
        breakdown=(TaxBreakdownRow("vat", IVA_21, D("21"), base, vat),),
        subtotal=base,
        total_discount=D("0.00"),
        total_before_taxes=base,
        total_taxes=vat,
        total_with_taxes=base + vat,
        total_vat=vat,
        total_withholding=D("0.00"),
    )


def pdf_pages_text(pdf: bytes) -> list[str]:
    """Each page's text, with no-break spaces made plain and runs of whitespace collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        re.sub(r"\s+", " ", page.extract_text().replace("\u00a0", " ")) for page in reader.pages
    ]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages_text(pdf))


def save_artifact(name: str, pdf: bytes) -> Path:
    """Keep the PDF and a PNG of its first page under ``artifacts/pdf/`` for people to look at."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS_DIR / f"{name}.pdf"
    pdf_path.write_bytes(pdf)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (Debian package poppler-utils) is needed for the PDF artefacts"
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-singlefile", pdf_path, pdf_path.with_suffix("")],
        check=True,
    )
    return pdf_path.with_suffix(".png")


@pytest.fixture
def artifact() -> Callable[[str, bytes], Path]:
    """``artifact(name, pdf)`` keeps the PDF and a PNG of page 1 under ``artifacts/pdf/``."""
    return save_artifact


@pytest.fixture
def read_pdf_pages() -> Callable[[bytes], list[str]]:
    """``read_pdf_pages(pdf)`` gives each page's normalised text."""
    return pdf_pages_text


@pytest.fixture
def read_pdf_text() -> Callable[[bytes], str]:
    """``read_pdf_text(pdf)`` gives the whole document's normalised text."""
    return pdf_text
