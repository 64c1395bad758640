"""Spanish tax qualifications mapped to EN 16931 VAT categories (UNCL 5305) and reasons.

A document line carries its IVA as a rate plus the VERI*FACTU codes snapshotted from the tax
catalogue: the qualification (S1 subject, S2 subject with reverse charge, N1/N2 not subject)
and, for exempt lines, the exemption cause E1..E6 (the article of Ley 37/1992 that exempts
it). EN 16931 asks instead for one category per line and, for every category but S and Z, an
exemption reason (text, VATEX code or both). The mapping:

====================  ========  ==========================================================
Spanish               Category  Why
====================  ========  ==========================================================
S1, rate > 0          S         standard rate (21, 10, 4 … are all "S" with their rate)
S1, rate 0            Z         zero-rated goods (IVA 0 %): subject, taxed at zero
S2                    AE        reverse charge (inversión del sujeto pasivo), VATEX-EU-AE
E1 art. 20            E         domestic exemptions = art. 132 Directive, VATEX-EU-132
E2 art. 21            G         exports outside the EU, VATEX-EU-G
E3 art. 22, E4 23-24  E         operations treated as exports / free zones: reason text
E5 art. 25            K         intra-community supply of goods, VATEX-EU-IC
E6                    E         other exemptions: reason text
N1, N2, no IVA        O         not subject to VAT, VATEX-EU-O
====================  ========  ==========================================================

Recargo de equivalencia (kind "surcharge") is a second VAT charge on the same base for
retailers; EN 16931 has one VAT rate per line, so the line's rate becomes IVA + surcharge
(21 + 5.2 = 26.2, category S) and the invoice note spells out both parts. IRPF (kind
"withholding") is not VAT at all and never enters a category (see ``en16931``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from invoicegraph.pdf.document import DocumentLine, DocumentLineTax, TaxBreakdownRow
from invoicegraph.pdf.einvoice.errors import EInvoiceError

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class VatCategory:
    """BT-151/BT-152 on a line, BT-118..BT-121 in the breakdown."""

    code: str  # UNCL 5305: S, Z, E, AE, K, G, O
    rate: Decimal | None  # None only for O, which must not carry a rate (BR-O-05)
    exemption_code: str | None = None  # VATEX, BT-121
    exemption_reason: str | None = None  # BT-120


@dataclass(frozen=True, slots=True)
class LineVat:
    """A line's VAT category and the VAT (plus surcharge) charged on it."""

    category: VatCategory
    amount: Decimal
    has_surcharge: bool


_EXEMPTIONS: dict[str, VatCategory] = {
    "E1": VatCategory(
        "E", _ZERO, "VATEX-EU-132", "Operación exenta por el artículo 20 de la Ley 37/1992"
    ),
    "E2": VatCategory(
        "G", _ZERO, "VATEX-EU-G", "Exportación exenta por el artículo 21 de la Ley 37/1992"
    ),
    "E3": VatCategory("E", _ZERO, None, "Operación exenta por el artículo 22 de la Ley 37/1992"),
    "E4": VatCategory(
        "E", _ZERO, None, "Operación exenta por los artículos 23 y 24 de la Ley 37/1992"
    ),
    "E5": VatCategory(
        "K",
        _ZERO,
        "VATEX-EU-IC",
        "Entrega intracomunitaria exenta por el artículo 25 de la Ley 37/1992",
    ),
    "E6": VatCategory("E", _ZERO, None, "Operación exenta por otra causa"),
}
_REVERSE_CHARGE = VatCategory(
    "AE", _ZERO, "VATEX-EU-AE", "Inversión del sujeto pasivo (reverse charge)"
)
_NOT_SUBJECT = {
    "N1": VatCategory("O", None, "VATEX-EU-O", "Operación no sujeta a IVA"),
    "N2": VatCategory(
        "O", None, "VATEX-EU-O", "Operación no sujeta a IVA por reglas de localización"
    ),
}


def _category(tax: DocumentLineTax, rate: Decimal) -> VatCategory:
    if tax.exemption_code is not None:
        try:
            return _EXEMPTIONS[tax.exemption_code]
        except KeyError:
            raise EInvoiceError(f"unknown exemption code {tax.exemption_code!r}") from None
    if tax.qualification == "S2":
        return _REVERSE_CHARGE
    if tax.qualification in _NOT_SUBJECT:
        return _NOT_SUBJECT[tax.qualification]
    if tax.qualification != "S1":
        raise EInvoiceError(f"unknown tax qualification {tax.qualification!r}")
    return VatCategory("Z" if rate == 0 else "S", rate)


def line_vat(line: DocumentLine) -> LineVat:
    """The line's category, its rate (IVA plus any surcharge) and the amount charged."""
    vat = [tax for tax in line.taxes if tax.kind == "vat"]
    surcharges = [tax for tax in line.taxes if tax.kind == "surcharge"]
    if not vat:
        if surcharges:
            raise EInvoiceError(f"line {line.position} has a surcharge without IVA")
        return LineVat(_NOT_SUBJECT["N1"], _ZERO, has_surcharge=False)
    if len(vat) > 1:
        raise EInvoiceError(f"line {line.position} has {len(vat)} IVA taxes; EN 16931 allows one")
    rate = vat[0].percentage + sum((tax.percentage for tax in surcharges), _ZERO)
    amount = vat[0].amount + sum((tax.amount for tax in surcharges), _ZERO)
    return LineVat(_category(vat[0], rate), amount, has_surcharge=bool(surcharges))


def row_category(row: TaxBreakdownRow) -> VatCategory | None:
    """The category of a breakdown row of IVA or surcharge (None for IRPF): the one of the
    lines it sums, so a row's amount goes to the category of those lines."""
    if row.kind not in ("vat", "surcharge"):
        return None
    vat_rate = row.percentage if row.kind == "vat" else (row.paired_rate or _ZERO)
    rate = row.percentage + (row.paired_rate or _ZERO)
    tax = DocumentLineTax(
        kind="vat",
        name=row.name,
        percentage=vat_rate,
        amount=row.amount,
        exemption_code=row.exemption_code,
        qualification=row.qualification,
    )
    return _category(tax, rate)
