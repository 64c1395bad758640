"""The VERI*FACTU block: "QR tributario:", a level-M QR of 30–40 mm in a white quiet zone at the
top of page 1, once, and the "VERI*FACTU" legend below it no smaller than the invoice's text."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from base64 import b64decode
from collections import Counter
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PageObject, PdfReader

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.qr import QR_QUIET_ZONE_MM, QR_SYMBOL_MM, make_qr
from invoicegraph.pdf.render import render_pdf_sync

MM = 72 / 25.4  # PDF points per millimetre
ReadPages = Callable[[bytes], list[str]]


def image_placements(page: PageObject) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) in points of every image drawn on ``page``."""
    placements: list[tuple[float, float, float, float]] = []

    def visit(operator: bytes, operands: Any, cm: list[float], tm: list[float]) -> None:
        if operator == b"Do":
            placements.append((cm[4], cm[5], cm[0], cm[3]))

    page.extract_text(visitor_operand_before=visit)
    return placements


def text_sizes(page: PageObject) -> list[tuple[str, float]]:
    """(text, font size) of every text run on ``page``."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), size))

    page.extract_text(visitor_text=visit)
    return runs


def test_the_symbol_uses_error_correction_level_m(verifactu_invoice: InvoiceDocument) -> None:
    assert verifactu_invoice.verifactu is not None

    symbol = make_qr(verifactu_invoice.verifactu.qr_url)

    assert symbol.error == "M"
    assert not symbol.is_micro


def test_the_block_is_on_top_of_page_one_with_its_texts(
    verifactu_invoice: InvoiceDocument,
) -> None:
    page = PdfReader(BytesIO(render_pdf_sync(verifactu_invoice))).pages[0]

    text = page.extract_text()
    assert text.index("QR tributario:") < text.index("VERI*FACTU")
    [(_x, y, width, height)] = image_placements(page)
    assert 30 * MM <= width <= 40 * MM
    assert abs(width - QR_SYMBOL_MM * MM) < 0.1
    assert abs(width - height) < 0.01
    page_height = float(page.mediabox.height)
    assert page_height - (y + height) < 40 * MM  # its top edge within 40 mm of the page top


def test_the_legend_is_no_smaller_than_the_invoice_text(
    verifactu_invoice: InvoiceDocument,
) -> None:
    page = PdfReader(BytesIO(render_pdf_sync(verifactu_invoice))).pages[0]

    runs = text_sizes(page)
    body_size, _ = Counter(size for _, size in runs).most_common(1)[0]
    legend_sizes = [size for text, size in runs if text == "VERI*FACTU"]
    title_sizes = [size for text, size in runs if text == "QR tributario:"]
    assert legend_sizes == [pytest.approx(legend_sizes[0])]
    assert legend_sizes[0] >= body_size
    assert title_sizes[0] >= body_size


def test_the_quiet_zone_around_the_symbol_is_white(
    verifactu_invoice: InvoiceDocument, tmp_path: Path
) -> None:
    pdf = render_pdf_sync(verifactu_invoice)
    page = PdfReader(BytesIO(pdf)).pages[0]
    [(x, y, width, height)] = image_placements(page)
    (tmp_path / "qr.pdf").write_bytes(pdf)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (Debian package poppler-utils) is needed"
    dpi = 150
    subprocess.run(
        [pdftoppm, "-png", "-r", str(dpi), "-singlefile", tmp_path / "qr.pdf", tmp_path / "qr"],
        check=True,
    )
    image = Image.open(tmp_path / "qr.png").convert("L")
    scale = dpi / 72
    page_height = float(page.mediabox.height)
    left, right = x * scale, (x + width) * scale
    top, bottom = (page_height - y - height) * scale, (page_height - y) * scale
    margin = QR_QUIET_ZONE_MM * MM * scale
    inset = 0.5 * MM * scale  # stay clear of anti-aliased symbol edges

    bands: list[tuple[float, float, float, float]] = [
        (left - margin, top - margin, right + margin, top - inset),  # above
        (left - margin, bottom + inset, right + margin, bottom + margin),  # below
        (left - margin, top, left - inset, bottom),  # left
        (right + inset, top, right + margin, bottom),  # right
    ]
    for band in bands:
        extrema: Any = image.crop(band).getextrema()
        assert extrema[0] >= 250, f"something is drawn in the quiet zone {band}"
    assert QR_QUIET_ZONE_MM >= 2


def test_the_block_appears_once_even_on_a_long_invoice(
    long_invoice: InvoiceDocument, read_pdf_pages: ReadPages
) -> None:
    pdf = render_pdf_sync(long_invoice)

    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert len(image_placements(reader.pages[0])) == 1
    for page in reader.pages[1:]:
        assert image_placements(page) == []
    pages = read_pdf_pages(pdf)
    assert sum(text.count("QR tributario:") for text in pages) == 1
    assert sum(text.count("VERI*FACTU") for text in pages) == 1


def test_without_verifactu_there_is_no_block(
    seed_invoice: InvoiceDocument, read_pdf_pages: ReadPages
) -> None:
    pdf = render_pdf_sync(seed_invoice)

    page = PdfReader(BytesIO(pdf)).pages[0]
    assert image_placements(page) == []
    text = read_pdf_pages(pdf)[0]
    assert "QR tributario" not in text
    assert "VERI*FACTU" not in text


def test_a_draft_never_shows_a_tax_agency_qr(
    verifactu_invoice: InvoiceDocument, read_pdf_pages: ReadPages
) -> None:
    draft = dataclasses.replace(
        verifactu_invoice, status="draft", series_code=None, number=None, full_number=None
    )

    pdf = render_pdf_sync(draft)

    assert image_placements(PdfReader(BytesIO(pdf)).pages[0]) == []
    assert "QR tributario" not in read_pdf_pages(pdf)[0]


def _check_urls() -> list[str]:
    """AEAT check URLs of growing length (QR versions 6 to 11), and texts from 1 to 400 bytes
    (versions 1 to 15: with and without version information and remainder bits): all eight
    masks are chosen among them."""
    urls = [
        "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
        f"?nif=B{n:08d}&numserie={'F' * (n % 70)}2024%2F{n:04d}&fecha=01-12-2024&importe={n}.38"
        for n in range(0, 140, 3)
    ]
    return urls + ["x" * length for length in (*range(1, 400, 17), 16)]


def test_the_mask_is_the_lowest_penalty_one_as_iso_18004_asks() -> None:
    """segno's own choice (it scores the eight masks module by module) is the reference; ours
    scores them a row at a time and must pick the same mask and draw the same modules."""
    import segno

    from invoicegraph.pdf.qr import best_mask, qr_png_data_url

    masks = set()
    for url in _check_urls():
        reference = segno.make_qr(url, error="M", boost_error=False)
        masks.add(reference.mask)
        assert best_mask(url) == reference.mask, url
        assert make_qr(url).matrix == reference.matrix
        png = b64decode(qr_png_data_url(url).partition(",")[2])
        pixels = Image.open(BytesIO(png)).convert("L")
        assert pixels.size == (len(reference.matrix),) * 2
        dark = [
            [pixels.getpixel((x, y)) == 0 for x in range(pixels.size[0])]
            for y in range(pixels.size[1])
        ]
        assert dark == [[bool(module) for module in row] for row in reference.matrix], url
    assert masks == set(range(8))
