"""Facts about parties that every e-invoice format needs: VAT ids, residence, person type.

The document keeps a party's tax id as the user typed it ("B12345678", "ESB12345678",
"FR 12 345678901"); each format wants its own spelling. EN 16931 wants an EU VAT id with its
ISO prefix (BR-CO-09), the Spanish tax agency and Facturae want a Spanish NIF without "ES",
and Facturae must know whether a party is a company or a person and where it resides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from babel.core import get_global

from invoicegraph.pdf.document import Party
from invoicegraph.pdf.einvoice.errors import EInvoiceError

# EU member states (ISO 3166-1 alpha-2): where intra-community VAT rules apply.
EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)
# VAT number prefixes differ from the country code only for Greece.
_VAT_PREFIX = {"GR": "EL"}
_PREFIX_COUNTRY = {prefix: country for country, prefix in _VAT_PREFIX.items()}

# EAS (CEF Electronic Address Scheme) codes that identify a party by its VAT number (9920 is
# the Spanish tax agency's); all are in the EN 16931 EAS code list (BR-CL-25). Countries not
# here (IT, DK, FI, SE, ...) have non-VAT schemes; their parties are reached by e-mail (EM).
_EAS_VAT_SCHEMES = (
    "HU=9910 AT=9914 ES=9920 AD=9922 AL=9923 BA=9924 BE=9925 BG=9926 CH=9927 CY=9928 CZ=9929 "
    "DE=9930 EE=9931 GB=9932 GR=9933 HR=9934 IE=9935 LI=9936 LT=9937 LU=9938 LV=9939 MC=9940 "
    "ME=9941 MK=9942 MT=9943 NL=9944 PL=9945 PT=9946 RO=9947 RS=9948 SI=9949 SK=9950 SM=9951 "
    "TR=9952 VA=9953 FR=9957"
)
_EAS_BY_COUNTRY = dict(pair.split("=") for pair in _EAS_VAT_SCHEMES.split())

# Spanish NIF of a natural person: DNI (8 digits + letter), NIE (X/Y/Z) and K/L/M NIFs.
_PERSON_NIF = re.compile(r"^([0-9]{8}|[KLMXYZ][0-9]{7})[A-Z]$")
# Babel's alias table also maps withdrawn alpha-3 codes and user-assigned or grouping codes
# (QQ, XK, ZZ, EU, UN ...), which are no country Facturae knows.
_WITHDRAWN_ALPHA3 = frozenset({"BUR", "ZAR", "DDR", "FXX", "TMP", "YMD"})
_NOT_A_COUNTRY = re.compile(r"^(AA|ZZ|Q[M-Z]|X[A-Z]|EU|EZ|UN)$")


def compact(tax_id: str) -> str:
    """The id without spaces, dots, dashes or slashes, upper-cased, as registries compare it."""
    return re.sub(r"[\s.\-/]", "", tax_id).upper()


def _has_prefix(tax_id: str, country: str) -> bool:
    prefix = tax_id[:2]
    if not prefix.isalpha():
        return False
    if prefix in _PREFIX_COUNTRY or prefix == _VAT_PREFIX.get(country, country):
        return True
    # Any other two-letter start is an EU prefix only if it names a member state; a Spanish
    # NIF never starts with two letters, so "ES" or another state's code is unambiguous.
    return prefix in EU_COUNTRIES


def vat_id(party: Party) -> str | None:
    """The EU VAT identifier with its ISO prefix (EN 16931 BT-31/BT-48), or None outside the EU."""
    if party.tax_id is None or party.country not in EU_COUNTRIES:
        return None
    tax_id = compact(party.tax_id)
    if _has_prefix(tax_id, party.country):
        return tax_id
    return _VAT_PREFIX.get(party.country, party.country) + tax_id


def electronic_address(party: Party) -> tuple[str, str] | None:
    """(EAS scheme, identifier) to reach the party (BT-34/BT-49), or None when none is known.

    The VAT number under the country's EAS scheme when there is one, else the e-mail address.
    """
    scheme = _EAS_BY_COUNTRY.get(party.country)
    if scheme is not None and party.tax_id is not None:
        tax_id = compact(party.tax_id)
        if not _has_prefix(tax_id, party.country):
            tax_id = _VAT_PREFIX.get(party.country, party.country) + tax_id
        return scheme, tax_id
    if party.email:
        return "EM", party.email.strip()
    return None


def national_tax_id(party: Party) -> str | None:
    """The tax id without the EU prefix of the party's own country ("ESB123" -> "B123")."""
    if party.tax_id is None:
        return None
    tax_id = compact(party.tax_id)
    own_prefix = _VAT_PREFIX.get(party.country, party.country)
    if party.country in EU_COUNTRIES and tax_id.startswith(own_prefix) and len(tax_id) > 4:
        return tax_id[len(own_prefix) :]
    return tax_id


def residence(party: Party) -> str:
    """Facturae ResidenceTypeCode: R resident in Spain, U elsewhere in the EU, E outside it."""
    if party.country == "ES":
        return "R"
    return "U" if party.country in EU_COUNTRIES else "E"


def is_natural_person(party: Party) -> bool:
    """Whether the Spanish NIF belongs to a person (DNI, NIE, K/L/M) rather than an entity.

    Only a Spanish NIF tells; a foreign party is taken to be a legal entity, which is what
    an e-invoice to a foreign business almost always is.
    """
    if party.country != "ES" or party.tax_id is None:
        return False
    nif = national_tax_id(party)
    return bool(nif and _PERSON_NIF.match(nif))


@dataclass(frozen=True, slots=True)
class PersonName:
    """Facturae's Individual: a name and one or two surnames."""

    name: str
    first_surname: str
    second_surname: str | None


def split_person_name(full_name: str) -> PersonName:
    """Split a Spanish full name into given name and surnames.

    The document holds one name string. Spanish names end with two surnames, so the last
    two words are taken as surnames and the rest as the given name ("José Luis García
    López"); a two-word name has one surname; a single word is repeated as the surname
    because Facturae requires one.
    """
    words = full_name.split()
    if len(words) >= 3:
        return PersonName(" ".join(words[:-2]), words[-2], words[-1])
    if len(words) == 2:
        return PersonName(words[0], words[1], None)
    return PersonName(full_name.strip(), full_name.strip(), None)


@cache
def _alpha3_by_alpha2() -> dict[str, str]:
    aliases: Mapping[str, list[str]] = get_global("territory_aliases")
    table: dict[str, str] = {}
    for alpha3, targets in aliases.items():
        if len(alpha3) != 3 or not alpha3.isalpha() or alpha3 in _WITHDRAWN_ALPHA3:
            continue
        if len(targets) != 1 or len(targets[0]) != 2 or not targets[0].isalpha():
            continue
        if not _NOT_A_COUNTRY.match(targets[0]):
            table[targets[0]] = alpha3
    return table


def alpha3(country: str) -> str:
    """ISO 3166-1 alpha-3 for an alpha-2 code (Facturae's CountryType), from Babel's CLDR data."""
    try:
        return _alpha3_by_alpha2()[country.upper()]
    except KeyError:
        raise EInvoiceError(f"unknown ISO 3166-1 country code {country!r}") from None
