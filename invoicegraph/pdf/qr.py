"""The VERI*FACTU QR symbol, drawn to the tax agency's specification.

AEAT asks for an ISO/IEC 18004 QR code with error correction level M, 30–40 mm square, with a
quiet zone of at least 2 mm (6 mm recommended). The symbol is a PNG without quiet zone, placed at
:data:`QR_SYMBOL_MM` by the stylesheet inside a white padding of :data:`QR_QUIET_ZONE_MM`: a
raster of whole pixels per module stays exact, is embedded losslessly, works in PDF/A, and the
quiet zone is guaranteed by layout rather than by the image. The PNG arrives as a ``data:`` URL,
the only kind of non-bundled URL the renderer's fetcher accepts.

The data mask is the one ISO/IEC 18004 7.8.3 prescribes, the lowest penalty of the eight, the
same one segno chooses (tests/unit/pdf/test_verifactu_block.py compares them), but scored here
(:func:`best_mask`): segno masks and scores the eight candidates module by module in Python, 11 of
the 13 ms a symbol took and most of a one-page invoice's view; a row at a time, as integers and
byte strings, the eight take ~2 ms. segno still encodes the data (with mask 0, the probe) and the
symbol is drawn from the probe with the chosen mask.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import segno
from segno import consts
from segno import encoder as _segno_encoder

#: Printed side of the symbol itself (modules only), in millimetres.
QR_SYMBOL_MM = 35
#: White margin kept free around the symbol, in millimetres (AEAT: ≥ 2, 6 recommended).
QR_QUIET_ZONE_MM = 6
#: Error correction level required by AEAT.
QR_ERROR_LEVEL = "M"

#: segno's steps of building a symbol (untyped): its function patterns, masks, format bits.
_encoder: Any = _segno_encoder

#: Translates the bytes of a comparison: b"1" where equal (zero), b"0" elsewhere.
_ZERO_AS_ONE = b"1" + b"0" * 255
#: N3: dark-light-dark-dark-dark-light-dark.
_FINDER_LIKE = bytes((1, 0, 1, 1, 1, 0, 1))
#: Ends each row and column when they are scanned as one byte string.
_SEPARATOR = b"\x09"
#: A module (1 dark) as the ASCII digit of its PNG bit (1 white).
_PNG_BITS = bytes.maketrans(b"\x00\x01", b"10")


@dataclass(frozen=True, slots=True)
class _Layout:
    """What does not depend on the data in a QR symbol of one size, as one integer per row (or
    column) with a byte per module, so that a whole row is masked or compared in one operation.
    """

    size: int
    #: The function patterns as segno lays them out before masking (reserved format and
    #: version areas light; 0 in the encoding region).
    functions: tuple[int, ...]
    #: The encoding region: 0x03 per module.
    region: tuple[int, ...]
    #: Each data mask restricted to the encoding region (0x01 per masked module), by rows and
    #: by columns.
    mask_rows: tuple[tuple[int, ...], ...]
    mask_columns: tuple[tuple[int, ...], ...]


def _line_ints(lines: Iterable[Iterable[int]]) -> tuple[int, ...]:
    return tuple(int.from_bytes(bytes(line), "big") for line in lines)


@lru_cache(maxsize=8)
def _layout(size: int) -> _Layout:
    matrix = _encoder.make_matrix(size, size)
    _encoder.add_finder_patterns(matrix, size, size)
    _encoder.add_alignment_patterns(matrix, size, size)
    masks = _encoder.get_data_mask_functions(False)
    masked = [
        [
            [1 if v == 0x2 and mask(i, j) else 0 for j, v in enumerate(row)]
            for i, row in enumerate(matrix)
        ]
        for mask in masks
    ]
    return _Layout(
        size=size,
        functions=_line_ints([0 if v == 0x2 else v for v in row] for row in matrix),
        region=_line_ints([3 if v == 0x2 else 0 for v in row] for row in matrix),
        mask_rows=tuple(_line_ints(rows) for rows in masked),
        mask_columns=tuple(_line_ints(zip(*rows, strict=True)) for rows in masked),
    )


def _finder_like_penalty(lines: bytes, size: int) -> int:
    """N3 of every row and column, ``lines`` holding them one after another, each followed by
    a separator byte: exactly segno's count (``encoder.mask_scores``), line by line."""
    stride = size + 1
    count = 0
    idx = lines.find(_FINDER_LIKE)
    while idx != -1:
        start = idx - idx % stride
        pos = idx - start
        offset = pos + 7
        if (
            pos in (0, size - 7)
            or not any(lines[start + max(pos - 4, 0) : start + min(pos, size)])
            or not any(lines[start + offset : start + min(offset + 4, size)])
        ):
            count += 40
        else:
            offset = pos + 4
        idx = lines.find(_FINDER_LIKE, start + offset)
    return count


def penalty(rows: Sequence[int], columns: Sequence[int], size: int) -> int:
    """The ISO/IEC 18004 7.8.3.1 penalty (N1 + N2 + N3 + N4) of a masked matrix given as its rows
    and its columns, one integer each with a byte per module holding segno's value, scored as
    segno's ``encoder.mask_scores`` scores it."""
    first = 0xFF << (8 * (size - 1))  # compares each line's first module with "none"
    lines = [*rows, *columns]
    # N1: a zero byte where a module equals the one before it; a run of 5 + i equal modules is
    # 4 + i such bytes in a row and costs 3 + i
    same = b"0".join(
        (line ^ ((line >> 8) | first)).to_bytes(size, "big").translate(_ZERO_AS_ONE)
        for line in lines
    )
    # Σ (ones - 1) over runs of 4 + ones: the places where four ones end, plus 2 per run
    ones = int(same, 2)
    score = (ones & (ones >> 1) & (ones >> 2) & (ones >> 3)).bit_count()
    score += 2 * (b"0" + same).count(b"01111")
    # N3, on the modules, each line closed by a byte no module has
    modules = _SEPARATOR.join(line.to_bytes(size, "big") for line in lines) + _SEPARATOR
    score += _finder_like_penalty(modules, size)
    # N2: a zero byte where a module equals its left neighbour and the two below them
    for upper, lower in pairwise(rows):
        differences = (upper ^ (upper >> 8)) | (lower ^ (lower >> 8)) | (upper ^ lower)
        score += 3 * differences.to_bytes(size, "big")[1:].count(0)
    # N4, from the rows only
    in_rows = modules[: len(rows) * (size + 1)]
    dark = in_rows.count(1) + 2 * in_rows.count(2) + 3 * in_rows.count(3)
    percent = float(dark) / (size**2)
    return score + 10 * int(abs(percent * 100 - 50) / 5)


def _masked_symbol(probe: segno.QRCode) -> tuple[int, list[bytearray]]:
    """The lowest-penalty data mask of ``probe``'s data (the first on a tie) and the symbol's
    modules drawn with it (format information included), whatever mask ``probe`` was drawn with.

    ``probe`` carries everything but the choice: its encoding region unmasked is the data,
    everywhere else are the function patterns and the format and version information.
    """
    layout = _layout(len(probe.matrix))
    drawn = layout.mask_rows[probe.mask]
    rows = _line_ints(probe.matrix)
    # segno scores a candidate before the format and version information is written (those
    # areas light), so they are left out of the data here
    data = [
        base | ((row & area) ^ mask)
        for base, area, mask, row in zip(layout.functions, layout.region, drawn, rows, strict=True)
    ]
    size = layout.size
    data_columns = _line_ints(zip(*(row.to_bytes(size, "big") for row in data), strict=True))
    scores = [
        penalty(
            [row ^ mask for row, mask in zip(data, mask_rows, strict=True)],
            [column ^ mask for column, mask in zip(data_columns, mask_columns, strict=True)],
            size,
        )
        for mask_rows, mask_columns in zip(layout.mask_rows, layout.mask_columns, strict=True)
    ]
    best = scores.index(min(scores))
    change = layout.mask_rows[best]
    symbol = [
        bytearray((row ^ old ^ new).to_bytes(size, "big"))
        for row, old, new in zip(rows, drawn, change, strict=True)
    ]
    if best != probe.mask:
        _encoder.add_format_info(symbol, probe.version, consts.ERROR_MAPPING[probe.error], best)
    return best, symbol


def _probe(url: str) -> segno.QRCode:
    """``url`` encoded at level M exactly (segno would otherwise boost the level), with mask 0:
    the data, before the mask is chosen."""
    return segno.make_qr(url, error=QR_ERROR_LEVEL, boost_error=False, mask=0)


def best_mask(url: str) -> int:
    """The data mask ISO/IEC 18004 7.8.3.1 gives the symbol of ``url``: the lowest penalty."""
    mask, _ = _masked_symbol(_probe(url))
    return mask


def make_qr(url: str) -> segno.QRCode:
    """The QR symbol of ``url`` at level M exactly, with the lowest-penalty data mask, as a
    segno symbol (what the PDF prints is :func:`qr_png_data_url`, the same modules)."""
    return segno.make_qr(url, error=QR_ERROR_LEVEL, boost_error=False, mask=best_mask(url))


def _png(modules: list[bytearray]) -> bytes:
    """A 1-bit greyscale PNG, a pixel per module, black for dark modules."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    size = len(modules)
    padding = b"0" * (-size % 8)
    scanlines = bytearray()
    for row in modules:
        # greyscale 1 is white: a light module is a set bit
        bits = int(row.translate(_PNG_BITS) + padding, 2)
        scanlines += b"\x00" + bits.to_bytes((size + len(padding)) // 8, "big")
    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(scanlines), 9))
        + chunk(b"IEND", b"")
    )


def qr_png_data_url(url: str) -> str:
    """The symbol of ``url`` as a black-on-white PNG ``data:`` URL, without quiet zone, a pixel
    per module (the stylesheet scales it without smoothing)."""
    _, modules = _masked_symbol(_probe(url))
    encoded = base64.b64encode(_png(modules)).decode("ascii")
    return f"data:image/png;base64,{encoded}"
