"""A printed invoice says everything RD 1619/2012 art. 6 asks for, in its language and formats."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from invoicegraph.pdf.document import InvoiceDocument, TemplateOptions
from invoicegraph.pdf.layouts import INVOICE_TEMPLATES, InvoiceTemplate
from invoicegraph.pdf.render import render_pdf_sync

Artifact = Callable[[str, bytes], Path]
ReadText = Callable[[bytes], str]
ReadPages = Callable[[bytes], list[str]]


def test_an_issued_invoice_shows_its_legal_content(
    seed_invoice: InvoiceDocument, read_pdf_text: ReadText, artifact: Artifact
) -> None:
    pdf = render_pdf_sync(seed_invoice)
    artifact("issued-es-classic", pdf)

    text = read_pdf_text(pdf)
    assert pdf.startswith(b"%PDF-")
    # series and number, issue date, due date
    assert "Número F2024/0050" in text
    assert "Fecha de expedición 10/03/2024" in text
    assert "Vencimiento 20/03/2024" in text
    # both parties: names, tax ids, addresses
    assert "Acme Inc. S.A." in text
    assert "NIF: B00000000" in text
    assert "Gran Via 1 28080 Madrid Madrid España" in text
    assert "Acme S.L." in text
    assert "NIF: ESB2700001" in text
    assert "Acme address nº 99 55555 My City My Province España" in text
    # each line: description, quantity, price, discount, amount
    assert "Consulting with discount 5%" in text
    assert "1 2.250,00 € 5 % IVA (21%) 2.137,50 €" in text
    assert "Development and services 1 1.800,00 €" in text
    # base, rate and amount of each tax; IRPF as a withholding
    assert "Impuesto Base imponible Tipo Cuota" in text
    assert "IVA 3.937,50 € 21 % 826,88 €" in text
    assert "Retención IRPF 1.800,00 € 15 % -270,00 €" in text
    # totals
    assert "Base imponible 3.937,50 €" in text
    assert "Total factura 4.764,38 €" in text
    assert "Total a pagar 4.494,38 €" in text
    assert "Página 1 de 1" in text


def test_fonts_are_subset_by_harfbuzz() -> None:
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset is not None, "install Debian's libharfbuzz-subset0"


def test_the_pdf_embeds_its_fonts(seed_invoice: InvoiceDocument) -> None:
    page = PdfReader(BytesIO(render_pdf_sync(seed_invoice))).pages[0]
    resources: Any = page["/Resources"]
    fonts: list[Any] = [font.get_object() for font in resources["/Font"].values()]

    assert fonts
    for font in fonts:
        assert "DejaVu-Sans" in font["/BaseFont"]
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", ["Factura", "Base imponible", "Retención IRPF", "Total a pagar", "Página 1 de 1"]),
        ("en", ["Invoice", "Taxable base", "IRPF withholding", "Total to pay", "Page 1 of 1"]),
        ("ca", ["Factura", "Base imposable", "Retenció IRPF", "Total a pagar", "Pàgina 1 de 1"]),
        ("gl", ["Factura", "Base impoñible", "Retención IRPF", "Total a pagar", "Páxina 1 de 1"]),
        (
            "eu",
            ["Faktura", "Zerga-oinarria", "PFEZ atxikipena", "Ordaintzeko guztira", "1/1 orria"],
        ),
    ],
)
def test_every_language_prints_its_own_words(
    seed_invoice: InvoiceDocument,
    read_pdf_text: ReadText,
    artifact: Artifact,
    lang: str,
    expected: list[str],
) -> None:
    document = dataclasses.replace(seed_invoice, lang=lang, template_id=2)

    pdf = render_pdf_sync(document)
    artifact(f"issued-{lang}-modern", pdf)

    text = read_pdf_text(pdf)
    for words in expected:
        assert words in text
    assert "F2024/0050" in text
    assert "Acme S.L." in text
    assert "ESB2700001" in text
    assert "4.494,38 €" in text
    assert "-270,00 €" in text


@pytest.mark.parametrize("template", INVOICE_TEMPLATES, ids=lambda t: t.name)
def test_every_template_prints_the_whole_invoice(
    verifactu_invoice: InvoiceDocument,
    read_pdf_text: ReadText,
    artifact: Artifact,
    template: InvoiceTemplate,
) -> None:
    document = dataclasses.replace(verifactu_invoice, template_id=template.id)

    pdf = render_pdf_sync(document)
    artifact(f"verifactu-es-{template.name}", pdf)

    text = read_pdf_text(pdf)
    assert "factura" in text.lower()
    for words in ("F2024/0050", "B00000000", "ESB2700001", "QR tributario:", "VERI*FACTU"):
        assert words in text
    assert "Total a pagar 4.494,38 €" in text


def test_a_rectificative_invoice_names_the_original_and_the_cause(
    rectificative_invoice: InvoiceDocument, read_pdf_text: ReadText, artifact: Artifact
) -> None:
    pdf = render_pdf_sync(rectificative_invoice)
    artifact("rectificative-es-classic", pdf)

    text = read_pdf_text(pdf)
    assert "factura rectificativa" in text.lower()
    assert "Número R2024/0001" in text
    assert "Factura rectificada F2024/0050" in text
    assert "Fecha de la factura rectificada 10/03/2024" in text
    assert "Causa de la rectificación R1 – Error fundado en derecho" in text
    assert "Tipo de rectificación Por diferencias" in text
    assert "Motivo Wrong unit price" in text
    assert "Total a devolver 4.494,38 €" in text  # a credit note is refunded, not paid


def test_a_draft_is_a_marked_preview_without_number(
    draft_invoice: InvoiceDocument, read_pdf_text: ReadText, artifact: Artifact
) -> None:
    pdf = render_pdf_sync(draft_invoice)
    artifact("draft-es-classic", pdf)

    text = read_pdf_text(pdf)
    assert "BORRADOR / DRAFT" in text
    assert "Número Borrador" in text
    assert "F2024" not in text
    assert "Total a pagar 4.494,38 €" in text


def test_an_annulled_invoice_says_so_on_every_page(
    seed_invoice: InvoiceDocument, read_pdf_text: ReadText
) -> None:
    pdf = render_pdf_sync(dataclasses.replace(seed_invoice, status="annulled"))

    assert "ANULADA" in read_pdf_text(pdf)


def test_a_long_invoice_repeats_the_table_header_and_numbers_its_pages(
    long_invoice: InvoiceDocument, read_pdf_pages: ReadPages, artifact: Artifact
) -> None:
    pdf = render_pdf_sync(long_invoice)
    artifact("sixty-lines-es-classic", pdf)

    pages = read_pdf_pages(pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Descripción Cantidad Precio unitario Impuestos Importe" in text
        assert f"Página {number} de {len(pages)}" in text
        assert "Acme Inc. S.A. · NIF B00000000 · F2024/0050" in text
    everything = " ".join(pages)
    for i in range(1, 61):
        assert f"Service item number {i:02d}" in everything
    assert "Total a pagar" in pages[-1]


@pytest.mark.parametrize(
    ("lang", "date_format", "money_format", "expected"),
    [
        ("en", "mm/dd/yyyy", "symbol_before,comma,point", ["03/10/2024", "€4,494.38", "-€270.00"]),
        ("es", "yyyy-mm-dd", "code_after,space,comma", ["2024-03-10", "4 494,38 EUR"]),
        ("gl", "dd.mm.yyyy", "symbol_before,none,point", ["10.03.2024", "€4494.38"]),
        ("ca", "dd-mm-yyyy", "code_before,point,comma", ["10-03-2024", "EUR 4.494,38"]),
    ],
)
def test_dates_and_amounts_follow_the_invoice_formats(
    seed_invoice: InvoiceDocument,
    read_pdf_text: ReadText,
    lang: str,
    date_format: str,
    money_format: str,
    expected: list[str],
) -> None:
    document = dataclasses.replace(
        seed_invoice, lang=lang, date_format=date_format, money_format=money_format
    )

    text = read_pdf_text(render_pdf_sync(document))

    for written in expected:
        assert written in text


def test_texts_before_and_after_follow_the_template_options(
    seed_invoice: InvoiceDocument, read_pdf_text: ReadText
) -> None:
    both = read_pdf_text(render_pdf_sync(seed_invoice))
    options = TemplateOptions(include_texts_before=False, include_texts_after=False)
    neither = read_pdf_text(
        render_pdf_sync(dataclasses.replace(seed_invoice, template_options=options))
    )

    assert "Below you will see the details of the invoice." in both
    assert "Thank you very much for hiring our services." in both
    assert "(https://www.orzame.com)" in both
    assert "see the details" not in neither
    assert "Thank you very much" not in neither


def test_client_text_is_printed_literally_never_as_markup(
    seed_invoice: InvoiceDocument, read_pdf_text: ReadText
) -> None:
    recipient = dataclasses.replace(seed_invoice.recipient, name='<b>Bold & "Co"</b>')  # type: ignore[type-var]

    text = read_pdf_text(render_pdf_sync(dataclasses.replace(seed_invoice, recipient=recipient)))

    assert '<b>Bold & "Co"</b>' in text


def test_a_pdf_a_3b_variant_is_produced_for_factur_x(seed_invoice: InvoiceDocument) -> None:
    pdf = render_pdf_sync(seed_invoice, variant="pdf/a-3b")

    catalog: Any = PdfReader(BytesIO(pdf)).trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp
    assert b"3" in xmp.split(b"pdfaid:part")[1][:8]
    assert "/OutputIntents" in catalog
