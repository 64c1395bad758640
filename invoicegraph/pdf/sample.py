"""A realistic invoice to warm the renderer up with and to benchmark it on.

It is the Orzame seed's example (two lines, IVA 21 %, IRPF −15 %: 3937.50 + 556.88 = 4494.38),
issued in series F with a VERI*FACTU QR, so a warm-up touches every part of the layout: both
parties, discount column, tax breakdown with a withholding, markdown texts and the QR image.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from invoicegraph.pdf.document import (
    DocumentLine,
    DocumentLineTax,
    InvoiceDocument,
    Party,
    TaxBreakdownRow,
    TemplateOptions,
    Text,
    VerifactuMark,
)

D = Decimal

_IVA_21 = "IVA (21%)"
_IRPF_15 = "IRPF (-15%)"

SAMPLE_ISSUER = Party(
    name="Acme Inc. S.A.",
    tax_id="B00000000",
    address="Gran Via 1",
    city="Madrid",
    province="Madrid",
    postal_code="28080",
    country="ES",
)
SAMPLE_RECIPIENT = Party(
    name="Acme S.L.",
    tax_id="ESB2700001",
    address="Acme address nº 99",
    city="My City",
    province="My Province",
    postal_code="55555",
    country="ES",
)
SAMPLE_QR_URL = (
    "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
    "?nif=B00000000&numserie=F2024%2F0050&fecha=01-12-2024&importe=4494.38"
)

SAMPLE_LINES: tuple[DocumentLine, ...] = (
    DocumentLine(
        position=1,
        description="Consulting with discount 5%",
        quantity=D("1"),
        price=D("2250"),
        discount=D("5"),
        subtotal=D("2250.00"),
        total_discount=D("112.50"),
        total_before_taxes=D("2137.50"),
        total_taxes=D("448.88"),
        total_with_taxes=D("2586.38"),
        taxes=(DocumentLineTax("vat", _IVA_21, D("21"), D("448.88")),),
        sku="CS200010005",
    ),
    DocumentLine(
        position=2,
        description="Development and services",
        quantity=D("1"),
        price=D("1800"),
        discount=D("0"),
        subtotal=D("1800.00"),
        total_discount=D("0.00"),
        total_before_taxes=D("1800.00"),
        total_taxes=D("108.00"),
        total_with_taxes=D("1908.00"),
        taxes=(
            DocumentLineTax("withholding", _IRPF_15, D("-15"), D("-270.00")),
            DocumentLineTax("vat", _IVA_21, D("21"), D("378.00")),
        ),
    ),
)


def sample_document(*, template_id: int = 1, lang: str = "es") -> InvoiceDocument:
    """The seed's invoice F2024/0050, issued with VERI*FACTU, in ``template_id`` and ``lang``."""
    return InvoiceDocument(
        uuid="00000000-0000-4000-8000-000000000050",
        status="issued",
        is_rectificative=False,
        is_simplified=False,
        series_code="F",
        number=50,
        full_number="F2024/0050",
        name="Development and services invoice",
        issue_date=dt.date(2024, 12, 1),
        operation_date=None,
        due_date=dt.date(2024, 12, 11),
        issuer=SAMPLE_ISSUER,
        recipient=SAMPLE_RECIPIENT,
        currency="EUR",
        exchange_rate=D("1"),
        lang=lang,
        date_format="dd/mm/yyyy",
        money_format="symbol_after,point,comma",
        template_id=template_id,
        template_options=TemplateOptions(use_company_color=True),
        brand_color="#1d6fa5",
        lines=SAMPLE_LINES,
        breakdown=(
            TaxBreakdownRow("vat", _IVA_21, D("21"), D("3937.50"), D("826.88")),
            TaxBreakdownRow("withholding", _IRPF_15, D("-15"), D("1800.00"), D("-270.00")),
        ),
        subtotal=D("4050.00"),
        total_discount=D("112.50"),
        total_before_taxes=D("3937.50"),
        total_taxes=D("556.88"),
        total_with_taxes=D("4494.38"),
        total_vat=D("826.88"),
        total_withholding=D("-270.00"),
        intro_texts=(
            Text("Header", "# Invoice\n\nDevelopment and services invoice"),
            Text("subheader", "Invoice for development and services developed this year"),
        ),
        close_texts=(
            Text("Thanks", "#### Thank you very much.\n\nSincerely the ***dev team***."),
            Text("Link", "Questions? [Visit our website](https://www.orzame.com)."),
        ),
        payment_method="Bank transfer",
        payment_iban="ES91 2100 0418 4502 0005 1332",
        verifactu=VerifactuMark(qr_url=SAMPLE_QR_URL),
    )
