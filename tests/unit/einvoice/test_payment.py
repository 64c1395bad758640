"""Payment means read from the document's free text and IBAN."""

from __future__ import annotations

from dataclasses import replace

import pytest

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.einvoice.payment import payment_means


@pytest.mark.parametrize(
    ("text", "iban", "untdid", "facturae"),
    [
        ("Transferencia bancaria", "ES91 2100 0418 4502 0005 1332", "58", "04"),
        ("Bank transfer", "US64SVBKUS6S3300958879", "30", "04"),
        (None, "ES9121000418450200051332", "58", "04"),
        ("Recibo domiciliado", "ES9121000418450200051332", "59", "02"),
        ("Tarjeta de crédito", None, "48", "19"),
        ("Efectivo", None, "10", "01"),
        ("Pagaré a 90 días", None, "ZZZ", "13"),
    ],
)
def test_payment_text_maps_to_codes(
    ordinary_invoice: InvoiceDocument,
    text: str | None,
    iban: str | None,
    untdid: str,
    facturae: str,
) -> None:
    means = payment_means(replace(ordinary_invoice, payment_method=text, payment_iban=iban))

    assert means is not None
    assert (means.untdid_4461, means.facturae) == (untdid, facturae)
    assert means.text == text


def test_transfer_keeps_the_iban_without_spaces(ordinary_invoice: InvoiceDocument) -> None:
    means = payment_means(ordinary_invoice)

    assert means is not None
    assert means.iban == "ES9121000418450200051332"


def test_direct_debit_does_not_offer_the_payee_account(ordinary_invoice: InvoiceDocument) -> None:
    means = payment_means(replace(ordinary_invoice, payment_method="Domiciliación bancaria"))

    assert means is not None
    assert means.iban is None


def test_no_payment_information_gives_no_payment_means(ordinary_invoice: InvoiceDocument) -> None:
    document = replace(ordinary_invoice, payment_method=None, payment_iban=None)

    assert payment_means(document) is None
