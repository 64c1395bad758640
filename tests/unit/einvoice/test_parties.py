"""Party facts: VAT ids per format, residence, person type, names, countries, addresses."""

from __future__ import annotations

import pytest

from invoicegraph.pdf.document import Party
from invoicegraph.pdf.einvoice import EInvoiceError, parties


@pytest.mark.parametrize(
    ("tax_id", "country", "vat_id", "national"),
    [
        ("B12345674", "ES", "ESB12345674", "B12345674"),
        ("ESB12345674", "ES", "ESB12345674", "B12345674"),
        ("es b-1234567.4", "ES", "ESB12345674", "B12345674"),
        ("X1234567L", "ES", "ESX1234567L", "X1234567L"),
        ("FR 40 303265045", "FR", "FR40303265045", "40303265045"),
        ("123456783", "GR", "EL123456783", "123456783"),
        ("EL123456783", "GR", "EL123456783", "123456783"),
        ("12-3456789", "US", None, "123456789"),
    ],
)
def test_tax_ids_are_spelled_for_each_use(
    tax_id: str, country: str, vat_id: str | None, national: str
) -> None:
    party = Party(name="X", tax_id=tax_id, country=country)

    assert parties.vat_id(party) == vat_id
    assert parties.national_tax_id(party) == national


@pytest.mark.parametrize(
    ("country", "residence"), [("ES", "R"), ("FR", "U"), ("GR", "U"), ("US", "E"), ("GB", "E")]
)
def test_residence_follows_the_country(country: str, residence: str) -> None:
    assert parties.residence(Party(name="X", tax_id="1", country=country)) == residence


@pytest.mark.parametrize(
    ("tax_id", "person"),
    [("12345678Z", True), ("X1234567L", True), ("K1234567L", True), ("B12345674", False)],
)
def test_spanish_nif_tells_persons_from_entities(tax_id: str, person: bool) -> None:
    assert parties.is_natural_person(Party(name="X", tax_id=tax_id, country="ES")) is person


def test_foreign_party_is_taken_as_an_entity() -> None:
    assert not parties.is_natural_person(Party(name="X", tax_id="12345678Z", country="PT"))


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("José Luis García López", ("José Luis", "García", "López")),
        ("Ana Pérez", ("Ana", "Pérez", None)),
        ("Madonna", ("Madonna", "Madonna", None)),
    ],
)
def test_person_names_split_into_given_name_and_surnames(
    full_name: str, expected: tuple[str, str, str | None]
) -> None:
    name = parties.split_person_name(full_name)

    assert (name.name, name.first_surname, name.second_surname) == expected


@pytest.mark.parametrize(
    ("alpha2", "alpha3"),
    [("ES", "ESP"), ("DE", "DEU"), ("FR", "FRA"), ("MM", "MMR"), ("cd", "COD")],
)
def test_countries_convert_to_alpha3(alpha2: str, alpha3: str) -> None:
    assert parties.alpha3(alpha2) == alpha3


@pytest.mark.parametrize("code", ["QQ", "XK", "ZZ", "EU", "E"])
def test_code_that_is_no_country_is_refused(code: str) -> None:
    with pytest.raises(EInvoiceError, match="unknown ISO 3166-1"):
        parties.alpha3(code)


@pytest.mark.parametrize(
    ("party", "address"),
    [
        (Party(name="X", tax_id="B12345674", country="ES"), ("9920", "ESB12345674")),
        (Party(name="X", tax_id="DE811907980", country="DE"), ("9930", "DE811907980")),
        (Party(name="X", tax_id="123456783", country="GR"), ("9933", "EL123456783")),
        (Party(name="X", tax_id="IT01234567897", country="IT", email="a@b.es"), ("EM", "a@b.es")),
        (Party(name="X", tax_id="IT01234567897", country="IT"), None),
    ],
)
def test_electronic_address_prefers_the_vat_scheme_then_email(
    party: Party, address: tuple[str, str] | None
) -> None:
    assert parties.electronic_address(party) == address
