"""Fixed words exist in every language, and the Spanish legal terms are the legal ones."""

from __future__ import annotations

import dataclasses

import pytest

from invoicegraph.pdf.labels import LANGUAGES, labels_for


def test_the_five_invoice_languages_are_offered() -> None:
    assert LANGUAGES == ("es", "en", "ca", "gl", "eu")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_label_is_translated(lang: str) -> None:
    labels = labels_for(lang)

    for field in dataclasses.fields(labels):
        value = getattr(labels, field.name)
        assert value, f"{lang}.{field.name} is empty"
    assert sorted(labels.causes) == ["R1", "R2", "R3", "R4", "R5"]
    assert "{page}" in labels.page_of
    assert "{pages}" in labels.page_of


def test_spanish_uses_the_terms_of_rd_1619_2012() -> None:
    es = labels_for("es")

    assert es.invoice == "Factura"
    assert es.rectificative_invoice == "Factura rectificativa"
    assert es.tax_base == "Base imponible"
    assert es.tax_amount == "Cuota"
    assert es.withholding == "Retención IRPF"
    assert es.total_to_pay == "Total a pagar"
    assert "artículo 80 Uno, Dos y Seis" in es.causes["R1"]
    assert es.causes["R4"] == "Resto de causas"


def test_galician_and_basque_name_vat_as_their_tax_texts_do() -> None:
    assert labels_for("gl").vat == "IVE"
    assert labels_for("eu").vat == "BEZ"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported invoice language"):
        labels_for("fr")
