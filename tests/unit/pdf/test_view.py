"""What the template is told to print, decided without weasyprint."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from invoicegraph.pdf.document import InvoiceDocument, TaxBreakdownRow, TemplateOptions
from invoicegraph.pdf.layouts import INVOICE_TEMPLATES, template_by_id
from invoicegraph.pdf.typeset import css_string, render_html
from invoicegraph.pdf.view import DEFAULT_ACCENT, build_view

D = Decimal


def test_the_three_templates_are_listed_for_the_info_endpoint() -> None:
    assert [(t.id, t.name) for t in INVOICE_TEMPLATES] == [
        (1, "classic"),
        (2, "modern"),
        (3, "minimal"),
    ]
    assert template_by_id(3).title == "Minimal"


def test_an_unknown_template_is_refused(seed_invoice: InvoiceDocument) -> None:
    with pytest.raises(ValueError, match="unknown invoice template id 9"):
        build_view(dataclasses.replace(seed_invoice, template_id=9))


def test_the_company_colour_is_used_only_when_asked(seed_invoice: InvoiceDocument) -> None:
    off = dataclasses.replace(seed_invoice, template_options=TemplateOptions(False))

    assert build_view(seed_invoice).accent == "#1d6fa5"
    assert build_view(off).accent == DEFAULT_ACCENT


@pytest.mark.parametrize("colour", ["red", "#12345", "#1d6fa5; } body { display: none", None])
def test_an_unusable_company_colour_falls_back_to_the_default(
    seed_invoice: InvoiceDocument, colour: str | None
) -> None:
    view = build_view(dataclasses.replace(seed_invoice, brand_color=colour))

    assert view.accent == DEFAULT_ACCENT


def test_the_operation_date_is_shown_only_when_it_differs(seed_invoice: InvoiceDocument) -> None:
    same = dataclasses.replace(seed_invoice, operation_date=seed_invoice.issue_date)
    earlier = dataclasses.replace(seed_invoice, operation_date=dt.date(2024, 2, 28))

    assert "Fecha de operación" not in dict(build_view(same).meta)
    assert dict(build_view(earlier).meta)["Fecha de operación"] == "28/02/2024"


def test_a_withholding_is_deducted_after_the_invoice_total(seed_invoice: InvoiceDocument) -> None:
    totals = [(t.label, t.value, t.grand) for t in build_view(seed_invoice).totals]

    assert totals == [
        ("Subtotal", "4.050,00\u00a0€", False),
        ("Descuento", "-112,50\u00a0€", False),
        ("Base imponible", "3.937,50\u00a0€", False),
        ("Total factura", "4.764,38\u00a0€", False),
        ("Retención IRPF", "-270,00\u00a0€", False),
        ("Total a pagar", "4.494,38\u00a0€", True),
    ]


def test_without_withholding_the_vat_total_leads_to_the_total_to_pay(
    seed_invoice: InvoiceDocument,
) -> None:
    document = dataclasses.replace(
        seed_invoice,
        total_discount=D("0"),
        total_withholding=D("0"),
        total_taxes=D("826.88"),
        total_with_taxes=D("4764.38"),
    )

    labels = [t.label for t in build_view(document).totals]

    assert labels == ["Base imponible", "IVA", "Total a pagar"]


def test_exempt_reverse_charge_and_non_subject_operations_carry_their_legal_mention(
    seed_invoice: InvoiceDocument,
) -> None:
    breakdown = (
        TaxBreakdownRow("vat", "IVA (0%)", D("0"), D("100"), D("0"), exemption_code="E5"),
        TaxBreakdownRow("vat", "IVA (21%)", D("21"), D("50"), D("0"), qualification="S2"),
        TaxBreakdownRow("vat", "No sujeto", D("0"), D("10"), D("0"), qualification="N2"),
        TaxBreakdownRow("vat", "IVA (0%)", D("0"), D("5"), D("0"), exemption_code="E5"),
    )

    notes = build_view(dataclasses.replace(seed_invoice, breakdown=breakdown)).legal_notes

    assert notes == (
        "Operación exenta (E5, art. 25 LIVA)",
        "Inversión del sujeto pasivo",
        "Operación no sujeta",
    )


def test_a_simplified_invoice_may_have_no_recipient(seed_invoice: InvoiceDocument) -> None:
    document = dataclasses.replace(seed_invoice, is_simplified=True, recipient=None)

    view = build_view(document)

    assert view.title == "Factura simplificada"
    assert view.recipient is None
    assert "Destinatario" not in render_html(document)


def test_the_footer_names_issuer_and_number_on_every_page(seed_invoice: InvoiceDocument) -> None:
    assert build_view(seed_invoice).footer == "Acme Inc. S.A. · NIF B00000000 · F2024/0050"


def test_html_from_clients_is_escaped_in_the_template(seed_invoice: InvoiceDocument) -> None:
    line = dataclasses.replace(seed_invoice.lines[0], description="<script>alert(1)</script>")
    document = dataclasses.replace(seed_invoice, lines=(line,), name='"><img src=x>')

    html = render_html(document)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html


def test_words_placed_in_css_are_escaped() -> None:
    assert css_string('Page "1" \\ </style>\n') == '"Page \\"1\\" \\\\ \\3c /style>\\a "'
