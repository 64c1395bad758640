"""How the invoice is to be paid, as the coded means each e-invoice format asks for.

The document carries the payment method as the free text the user typed ("Bank transfer to
account ES12…", "Transferencia", "Efectivo") and, for transfers, the payee IBAN. Formats want
a code (UNTDID 4461 for EN 16931, Facturae's own list), so the text is read for the usual
words in the languages the product speaks; an IBAN without words means a transfer. Unknown
text keeps its words but gets the "mutually defined / special" code rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from invoicegraph.pdf.document import InvoiceDocument

PaymentKind = Literal["transfer", "direct_debit", "card", "cash", "other"]

# Checked in order: "recibo domiciliado" must win over "transferencia" and so on.
_KEYWORDS: tuple[tuple[PaymentKind, tuple[str, ...]], ...] = (
    ("direct_debit", ("domicilia", "direct debit", "adeudo", "sepa dd", "recibo", "rebut")),
    ("transfer", ("transfer", "wire", "iban", "bizum")),
    ("card", ("card", "tarjeta", "targeta", "txartel", "tarxeta")),
    ("cash", ("cash", "efectivo", "efectiu", "metálico", "metalico", "contado", "diru")),
)
# SEPA members by IBAN country: a transfer to these is a SEPA credit transfer (4461 code 58).
_SEPA_IBAN_PREFIXES = (
    "AD AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT "
    "RO SE SI SK SM VA"
)
_SEPA_IBAN_COUNTRIES = frozenset(_SEPA_IBAN_PREFIXES.split())
_UNTDID_4461: dict[PaymentKind, str] = {
    "direct_debit": "59",
    "card": "48",
    "cash": "10",
    "other": "ZZZ",
}
_FACTURAE: dict[PaymentKind, str] = {
    "transfer": "04",
    "direct_debit": "02",
    "card": "19",
    "cash": "01",
    "other": "13",
}


@dataclass(frozen=True, slots=True)
class PaymentMeans:
    kind: PaymentKind
    text: str | None  # the user's words, kept as EN 16931 BT-82 payment means text
    iban: str | None  # payee account for transfers, without spaces

    @property
    def untdid_4461(self) -> str:
        """EN 16931 BT-81: 58 SEPA credit transfer, 30 other credit transfer, 59, 48, 10, ZZZ."""
        if self.kind == "transfer":
            sepa = self.iban is not None and self.iban[:2] in _SEPA_IBAN_COUNTRIES
            return "58" if sepa else "30"
        return _UNTDID_4461[self.kind]

    @property
    def facturae(self) -> str:
        """Facturae PaymentMeans: 04 transfer, 02 direct debit, 19 card, 01 cash, 13 special."""
        return _FACTURAE[self.kind]


def payment_means(document: InvoiceDocument) -> PaymentMeans | None:
    """The payment means of the document, or None when it says nothing about payment."""
    text = (document.payment_method or "").strip() or None
    iban = "".join(document.payment_iban.split()).upper() if document.payment_iban else None
    if text is None and iban is None:
        return None
    lowered = (text or "").lower()
    for kind, words in _KEYWORDS:
        if any(word in lowered for word in words):
            if kind == "transfer" and iban is None:
                # EN 16931 (CII-SR-470, BR-50): a credit transfer must name the account
                return PaymentMeans("other", text, None)
            return PaymentMeans(kind, text, iban if kind == "transfer" else None)
    if iban is not None:
        return PaymentMeans("transfer", text, iban)
    return PaymentMeans("other", text, None)
