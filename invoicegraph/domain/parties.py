"""Which party data an invoice must name before it is issued (RD 1619/2012).

A complete invoice (*factura completa*, art. 6.1) names the issuer and the recipient: full
legal name, tax id and address (street, postal code, town, country) of both. A simplified
invoice (art. 7.1) names the issuer by name and tax id only, and its recipient is optional:
what a recipient who asks for it adds (art. 7.2) is theirs to give.

A postal code is asked of Spanish addresses, which always have one; several countries have none.
Fields are reported as ``issuer.<field>`` (the account's settings) and ``client.<field>`` (the
client the invoice is addressed to); each face renames them to its own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from invoicegraph.domain.errors import FieldError

ISSUER = "issuer"
RECIPIENT = "client"

_LABELS = {
    "name": "legal name",
    "tax_id": "tax id",
    "address": "street address",
    "postal_code": "postal code",
    "city": "town or city",
    "country": "country",
}
_WHO = {
    ISSUER: "the issuer (the account's settings)",
    RECIPIENT: "the recipient (the client)",
}


@dataclass(frozen=True, slots=True)
class Party:
    """One party's data as the invoice would state it."""

    name: str | None
    tax_id: str | None
    address: str | None
    postal_code: str | None
    city: str | None
    country: str | None


def _missing(party: Party, needed: tuple[str, ...]) -> list[str]:
    missing = []
    for name in needed:
        if name == "postal_code" and (party.country or "").upper() not in ("", "ES"):
            continue
        if not (getattr(party, name) or "").strip():
            missing.append(name)
    return missing


def _errors(prefix: str, missing: list[str], kind: str) -> list[FieldError]:
    return [
        FieldError(
            f"{prefix}.{name}",
            f"{kind} needs the {_LABELS[name]} of {_WHO[prefix]}",
            "required",
        )
        for name in missing
    ]


_COMPLETE = ("name", "tax_id", "address", "postal_code", "city", "country")
_SIMPLIFIED_ISSUER = ("name", "tax_id")


def party_problems(issuer: Party, recipient: Party | None, *, simplified: bool) -> list[FieldError]:
    """Every field the invoice lacks to be issued; ``recipient`` None = no client at all,
    which the caller reports in its own words (a complete invoice needs one)."""
    if simplified:
        return _errors(ISSUER, _missing(issuer, _SIMPLIFIED_ISSUER), "a simplified invoice")
    kind = "a complete invoice"
    errors = _errors(ISSUER, _missing(issuer, _COMPLETE), kind)
    if recipient is not None:
        errors += _errors(RECIPIENT, _missing(recipient, _COMPLETE), kind)
    return errors
