"""Tax identifiers: Spanish NIF/NIE/CIF and EU VAT numbers, validated with python-stdnum."""

from __future__ import annotations

from stdnum.es import nif as es_nif
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from invoicegraph.domain.errors import ValidationFailed

MAX_FOREIGN_ID_LENGTH = 32


def normalise_tax_id(value: str, country: str | None = "ES", *, field: str = "tax_id") -> str:
    """Return the compact, validated form of a tax id, or raise ``ValidationFailed`` on ``field``.

    A Spanish recipient needs a valid NIF/NIE/CIF (``ES``-prefixed accepted). Another EU
    country needs a valid VAT number (the country prefix is added when missing). Outside the
    EU there is no checksum to apply: any identifier of reasonable length is kept as given.
    """
    raw = value.strip()
    if not raw:
        raise ValidationFailed.single(field, "must not be empty", "required")
    country = (country or "ES").upper()
    compact = eu_vat.compact(raw) if raw[:2].isalpha() and raw[:2].upper() in _EU else raw
    try:
        if country == "ES":
            local = es_nif.compact(raw[2:] if raw.upper().startswith("ES") else raw)
            return str(es_nif.validate(local))
        if country in _EU:
            candidate = compact if compact[:2].isalpha() else f"{_vat_prefix(country)}{compact}"
            return str(eu_vat.validate(candidate))
    except StdnumError as exc:
        kind = "NIF/NIE/CIF" if country == "ES" else "EU VAT number"
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        raise ValidationFailed.single(field, f"{shown!r} is not a valid {kind}: {exc}") from exc
    if len(raw) > MAX_FOREIGN_ID_LENGTH:
        raise ValidationFailed.single(field, f"at most {MAX_FOREIGN_ID_LENGTH} characters")
    return raw.upper().replace(" ", "")


def is_valid_tax_id(value: str, country: str | None = "ES") -> bool:
    try:
        normalise_tax_id(value, country)
    except ValidationFailed:
        return False
    return True


def _vat_prefix(country: str) -> str:
    return "EL" if country == "GR" else country


_EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
    ]
)
