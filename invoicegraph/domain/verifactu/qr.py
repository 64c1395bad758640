"""The URL inside an invoice's QR code, which lets anyone check it at the agency's site.

Only the URL is built here; rendering the symbol (ISO/IEC 18004, level M) is the PDF layer's
job. The URL depends on the invoice's identity and total, never on the fingerprint, so an
invoice can print it before its record has reached the agency.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import quote

from invoicegraph.domain.verifactu.codes import QR_URL_PRODUCTION, QR_URL_TEST
from invoicegraph.domain.verifactu.fingerprint import format_amount, format_date
from invoicegraph.domain.verifactu.records import RegistroAlta


def _encode(value: str) -> str:
    # Every reserved character is escaped (``&`` → %26, ``/`` → %2F, space → %20): a number is
    # data, not a path, and the fingerprint (unlike the URL) uses the raw text.
    return quote(value, safe="", encoding="utf-8")


def build_qr_url(nif: str, numserie: str, fecha: date, importe: Decimal, *, test_mode: bool) -> str:
    """The validation URL: ``nif``, ``numserie``, ``fecha``, ``importe``, in that order.

    ``importe`` is the record's ``ImporteTotal`` and is written with exactly 2 decimals, the
    same text the record carries in its XML (and its fingerprint). The agency's own example
    writes ``importe=241.4``; its format (up to 12 integer digits and 2 decimals) admits both
    ``241.4`` and ``241.40``, and both are the same amount. We write ``241.40`` because then the
    QR matches the registered ``ImporteTotal`` whether the agency compares numbers or text, and
    because there stays exactly one way to write an amount in this package.

    Test-mode keys use the agency's test host, so a sandbox invoice never points at the
    production check service.
    """
    base = QR_URL_TEST if test_mode else QR_URL_PRODUCTION
    params = (
        ("nif", nif),
        ("numserie", numserie),
        ("fecha", format_date(fecha)),
        ("importe", format_amount(importe)),
    )
    query = "&".join(f"{name}={_encode(value)}" for name, value in params)
    return f"{base}?{query}"


def qr_url(record: RegistroAlta, *, test_mode: bool) -> str:
    """The validation URL of the invoice a registration record registers."""
    return build_qr_url(
        record.issuer_nif,
        record.number,
        record.issue_date,
        record.importe_total,
        test_mode=test_mode,
    )
