"""What the printed invoice says in the reader's language and in the law's words: the name of a
rectificative, the payment method and its IBAN, exempt bases, a credit note's total, and the
IVA in euros on an invoice in another currency."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest

from invoicegraph.pdf.document import InvoiceDocument, TaxBreakdownRow
from invoicegraph.pdf.labels import labels_for
from invoicegraph.pdf.render import render_pdf_sync
from invoicegraph.pdf.view import build_view, euro_amount

D = Decimal
ReadText = Callable[[bytes], str]


def test_an_english_rectificative_is_not_named_in_spanish(
    rectificative_invoice: InvoiceDocument, read_pdf_text: ReadText
) -> None:
    # the rectification service names every rectificative "Rectificativa de <number>"
    document = dataclasses.replace(
        rectificative_invoice, lang="en", name="Rectificativa de F2024/0050"
    )

    text = read_pdf_text(render_pdf_sync(document))

    assert "Correction of F2024/0050" in text
    assert "Rectificativa" not in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("es", "Rectificativa de F2024/0050"), ("ca", "Rectificativa de F2024/0050")],
)
def test_the_rectificative_name_follows_the_invoice_language(
    rectificative_invoice: InvoiceDocument, lang: str, expected: str
) -> None:
    document = dataclasses.replace(
        rectificative_invoice, lang=lang, name="Rectificativa de F2024/0050"
    )

    assert build_view(document).document_name == expected
    assert build_view(dataclasses.replace(document, lang="eu")).document_name == (
        "F2024/0050 fakturaren zuzenketa"
    )


def test_a_name_the_user_gave_is_printed_as_written(
    rectificative_invoice: InvoiceDocument,
) -> None:
    document = dataclasses.replace(rectificative_invoice, lang="en", name="Abono pedido 77")

    assert build_view(document).document_name == "Abono pedido 77"


def test_a_default_payment_method_is_translated_and_shows_the_iban(
    seed_invoice: InvoiceDocument, read_pdf_text: ReadText
) -> None:
    document = dataclasses.replace(
        seed_invoice, payment_method="Bank transfer", payment_kind="bank_transfer"
    )

    text = read_pdf_text(render_pdf_sync(document))

    assert "Forma de pago: Transferencia bancaria" in text
    assert "IBAN: ES91 2100 0418 4502 0005 1332" in text
    assert "Bank transfer" not in text


@pytest.mark.parametrize(
    ("lang", "kind", "expected"),
    [
        ("en", "bank_transfer", "Bank transfer"),
        ("ca", "bank_transfer", "Transferència bancària"),
        ("gl", "card", "Tarxeta"),
        ("eu", "cash", "Eskudirua"),
        ("es", "direct_debit", "Domiciliación bancaria"),
    ],
)
def test_every_language_names_the_payment_kind(
    seed_invoice: InvoiceDocument, lang: str, kind: str, expected: str
) -> None:
    # the method is named after its kind in English, as the catalogue's default is
    english = labels_for("en").payment_kinds[kind]
    document = dataclasses.replace(
        seed_invoice, lang=lang, payment_method=english, payment_kind=kind
    )

    view = build_view(document)

    assert dict(view.payment)[view.labels.payment_method] == expected


def test_the_users_own_payment_text_is_kept(seed_invoice: InvoiceDocument) -> None:
    document = dataclasses.replace(
        seed_invoice, payment_method="Transferencia a 30 días", payment_kind="bank_transfer"
    )

    assert build_view(document).payment[0] == ("Forma de pago", "Transferencia a 30 días")


def test_no_iban_is_printed_for_a_method_that_is_not_a_transfer(
    seed_invoice: InvoiceDocument,
) -> None:
    document = dataclasses.replace(seed_invoice, payment_method="Cash", payment_kind="cash")

    assert build_view(document).payment == (("Forma de pago", "Efectivo"),)


def test_an_exempt_base_is_printed_as_exempt_not_as_vat_at_zero(
    seed_invoice: InvoiceDocument, read_pdf_text: ReadText
) -> None:
    exempt = TaxBreakdownRow("vat", "IVA (0%)", D("0"), D("1000.00"), D("0"), exemption_code="E1")
    document = dataclasses.replace(seed_invoice, breakdown=(*seed_invoice.breakdown, exempt))

    rows = build_view(document).breakdown
    text = read_pdf_text(render_pdf_sync(document))

    assert (rows[-1].tax, rows[-1].base, rows[-1].rate, rows[-1].amount) == (
        "Operación exenta (E1)",
        "1.000,00\u00a0€",
        "",
        "0,00\u00a0€",
    )
    assert "Operación exenta (E1) 1.000,00 € 0,00 €" in text
    assert "IVA 1.000,00 € 0 %" not in text
    assert "Operación exenta (E1, art. 20 LIVA)" in text


def test_a_taxed_supply_at_zero_percent_keeps_its_rate(seed_invoice: InvoiceDocument) -> None:
    zero = TaxBreakdownRow("vat", "IVA (0%)", D("0"), D("50.00"), D("0.00"))
    document = dataclasses.replace(seed_invoice, breakdown=(zero,))

    [row] = build_view(document).breakdown

    assert (row.tax, row.rate.replace("\u00a0", " "), row.amount) == ("IVA", "0 %", "0,00\u00a0€")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", "Total a devolver 4.494,38 €"),
        ("en", "Total to refund 4.494,38 €"),
        ("ca", "Total a retornar 4.494,38 €"),
        ("gl", "Total a devolver 4.494,38 €"),
        ("eu", "Itzultzeko guztira 4.494,38 €"),
    ],
)
def test_a_credit_note_states_what_is_refunded_not_a_negative_total_to_pay(
    rectificative_invoice: InvoiceDocument, read_pdf_text: ReadText, lang: str, expected: str
) -> None:
    text = read_pdf_text(render_pdf_sync(dataclasses.replace(rectificative_invoice, lang=lang)))

    assert expected in text
    assert "-4.494,38" not in text
    assert "Total a pagar" not in text


def test_euros_are_the_amount_divided_by_units_of_currency_per_euro() -> None:
    # issue 14: 252.00 USD of IVA at 1.0834 USD per euro is 232.60 €, not 273.02 €
    assert euro_amount(D("252.00"), D("1.0834")) == D("232.60")
    assert euro_amount(D("-252.00"), D("1.0834")) == D("-232.60")
    assert euro_amount(D("0.005"), D("1")) == D("0.01")  # half up


def test_a_foreign_currency_invoice_also_states_its_vat_in_euros(
    seed_invoice: InvoiceDocument, read_pdf_text: ReadText
) -> None:
    document = dataclasses.replace(
        seed_invoice,
        currency="USD",
        exchange_rate=D("1.0834"),
        breakdown=(TaxBreakdownRow("vat", "IVA (21%)", D("21"), D("1200.00"), D("252.00")),),
    )

    view = build_view(document)
    text = read_pdf_text(render_pdf_sync(document))

    notes = tuple(note.replace("\u00a0", " ") for note in view.euro_notes)
    assert notes == ("Tipo de cambio: 1 € = 1,0834 USD", "IVA 21 % en euros: 232,60 €")
    assert "IVA 1.200,00 $ 21 % 252,00 $" in text or "IVA 1.200,00 US$ 21 % 252,00 US$" in text
    assert "IVA 21 % en euros: 232,60 €" in text
    assert "273,02" not in text


def test_a_euro_invoice_has_no_conversion(seed_invoice: InvoiceDocument) -> None:
    assert build_view(seed_invoice).euro_notes == ()
