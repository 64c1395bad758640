"""Small helpers shared by the XML writers: elements that never come out empty, and numbers.

Every format here rejects empty elements (PEPPOL-EN16931-R008, Facturae's minLength rules),
so ``child`` simply skips a ``None`` or blank value instead of each writer checking it.
Numbers are written from ``Decimal`` in plain notation: never ``1E+1``, never ``-0.00``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

_CENT = Decimal("0.01")


def child(
    parent: etree._Element,
    tag: str,
    text: str | None = None,
    attrib: dict[str, str] | None = None,
) -> etree._Element:
    """Append ``tag`` under ``parent`` with optional text and attributes; returns the element."""
    element = etree.SubElement(parent, tag, attrib or {})
    if text is not None:
        element.text = text
    return element


def optional_child(
    parent: etree._Element,
    tag: str,
    text: str | None,
    attrib: dict[str, str] | None = None,
) -> etree._Element | None:
    """Append ``tag`` only when ``text`` has content (empty elements are invalid everywhere)."""
    if text is None or not text.strip():
        return None
    return child(parent, tag, text.strip(), attrib)


def amount(value: Decimal) -> str:
    """A money amount with exactly two decimals, half away from zero (the design's rounding)."""
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return format(rounded, "f")


def decimal(value: Decimal, *, min_places: int = 0, max_places: int = 8) -> str:
    """A quantity, price or rate without trailing zeros, with ``min_places``..``max_places``."""
    quantum = Decimal(1).scaleb(-max_places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP).normalize()
    if rounded == 0:
        rounded = Decimal(0)
    exponent = rounded.as_tuple().exponent
    places = max(min_places, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return format(rounded, f".{places}f")


def serialize(root: etree._Element) -> bytes:
    """UTF-8 with an XML declaration, indented so a person can read the saved file."""
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
