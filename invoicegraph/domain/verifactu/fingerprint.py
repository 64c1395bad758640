"""The fingerprint (huella): SHA-256 over ``Name=value`` pairs, chaining each record to the last.

The agency recomputes the fingerprint from the XML it receives, so every value must be hashed as
the *exact text* the XML carries. That is why the text forms (``format_amount``,
``format_date``, ``format_timestamp``) live here and the XML builder imports them: one function
per kind of value, used by both, and no second way to write an amount.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from invoicegraph.domain.verifactu.records import Registro, RegistroAlta, RegistroAnulacion

_CENT = Decimal("0.01")
_AMOUNT_LIMIT = Decimal("1E12")  # the schema's ImporteSgn12.2Type: 12 integer digits
# The agency trims U+0000..U+0020 only (like Java's String.trim), unlike str.strip(), which
# would also eat a no-break space or an em space that the agency keeps.
_TRIMMED = "".join(chr(code) for code in range(0x21))
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")

R = TypeVar("R", bound=Registro)


def format_amount(value: Decimal) -> str:
    """An amount as the agency hashes and reads it: ``.`` separator, exactly 2 decimals.

    ``123.1`` and ``123.10`` hash differently, so there is one form only; zero is ``0.00``,
    never ``-0.00``. It never rounds: an amount with more decimals is a bug upstream (round with
    the money rules first), and a float is refused outright.

    >>> format_amount(Decimal("123.1")), format_amount(Decimal("-0"))
    ('123.10', '0.00')
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"amounts are Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"amount must be finite, got {value}")
    if abs(value) >= _AMOUNT_LIMIT:
        raise ValueError(f"amount {value} has more than 12 integer digits")
    cents = value.quantize(_CENT)
    if cents != value:
        raise ValueError(f"amount {value} has more than 2 decimals; round it first")
    if cents.is_zero():
        cents = abs(cents)
    return f"{cents:f}"


def format_date(value: date) -> str:
    """A date as ``dd-mm-yyyy``.

    >>> format_date(date(2024, 1, 1))
    '01-01-2024'
    """
    if isinstance(value, datetime):
        raise TypeError("expected a date, not a datetime")
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def format_timestamp(value: datetime) -> str:
    """A generation timestamp as ``YYYY-MM-DDThh:mm:ss±hh:mm``: no ``Z``, no fractions.

    The offset is the datetime's own (the issuing system's zone, Europe/Madrid or
    Atlantic/Canary): converting it here would change the text already hashed elsewhere.
    UTC is written ``+00:00``.

    >>> from zoneinfo import ZoneInfo
    >>> format_timestamp(datetime(2024, 1, 1, 19, 20, 30, tzinfo=ZoneInfo("Europe/Madrid")))
    '2024-01-01T19:20:30+01:00'
    """
    if value.utcoffset() is None:
        raise ValueError("a generation timestamp needs a time zone")
    text = value.replace(microsecond=0).isoformat()
    if not _TIMESTAMP.fullmatch(text):
        raise ValueError(f"the offset cannot be written as ±hh:mm: {text}")
    return text


def trim(value: str) -> str:
    """Strip leading and trailing characters up to U+0020, as the agency does before hashing."""
    return value.strip(_TRIMMED)


def fingerprint_input(pairs: Sequence[tuple[str, str]]) -> str:
    """The text that is hashed: ``Name=value`` joined by ``&``, values trimmed, not URL-encoded.

    An empty value stays as the bare ``Name=`` (the first record's ``Huella=``).
    """
    return "&".join(f"{name}={trim(value)}" for name, value in pairs)


def sha256_upper(text: str) -> str:
    """SHA-256 of the UTF-8 text as 64 uppercase hex characters (``TipoHuella`` 01)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest().upper()


def _previous_fingerprint(record: Registro) -> str:
    return "" if record.previous is None else record.previous.fingerprint


def alta_pairs(record: RegistroAlta) -> list[tuple[str, str]]:
    """The registration record's hashed fields, in the agency's order."""
    return [
        ("IDEmisorFactura", record.issuer_nif),
        ("NumSerieFactura", record.number),
        ("FechaExpedicionFactura", format_date(record.issue_date)),
        ("TipoFactura", record.invoice_type.value),
        ("CuotaTotal", format_amount(record.cuota_total)),
        ("ImporteTotal", format_amount(record.importe_total)),
        ("Huella", _previous_fingerprint(record)),
        ("FechaHoraHusoGenRegistro", format_timestamp(record.generated_at)),
    ]


def anulacion_pairs(record: RegistroAnulacion) -> list[tuple[str, str]]:
    """The cancellation record's hashed fields, in the agency's order."""
    return [
        ("IDEmisorFacturaAnulada", record.issuer_nif),
        ("NumSerieFacturaAnulada", record.number),
        ("FechaExpedicionFacturaAnulada", format_date(record.issue_date)),
        ("Huella", _previous_fingerprint(record)),
        ("FechaHoraHusoGenRegistro", format_timestamp(record.generated_at)),
    ]


def record_fingerprint_input(record: Registro) -> str:
    """The exact text hashed for ``record`` (useful to show a verifier what was hashed)."""
    if isinstance(record, RegistroAlta):
        return fingerprint_input(alta_pairs(record))
    return fingerprint_input(anulacion_pairs(record))


def compute_fingerprint(record: Registro) -> str:
    """The fingerprint ``record`` must carry, whatever its ``fingerprint`` field says."""
    return sha256_upper(record_fingerprint_input(record))


def seal(record: R) -> R:
    """A copy of ``record`` carrying its computed fingerprint: the last step of generating it."""
    return replace(record, fingerprint=compute_fingerprint(record))
