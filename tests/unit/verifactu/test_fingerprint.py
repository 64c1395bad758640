"""The fingerprint: the agency's worked examples, exactly, and the traps around them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.verifactu.fingerprint import (
    compute_fingerprint,
    fingerprint_input,
    format_amount,
    format_date,
    format_timestamp,
    record_fingerprint_input,
    seal,
    sha256_upper,
)
from invoicegraph.domain.verifactu.records import RegistroAlta, RegistroAnulacion

AGENCY_ALTA_1 = (
    "IDEmisorFactura=89890001K&NumSerieFactura=12345678/G33&FechaExpedicionFactura=01-01-2024"
    "&TipoFactura=F1&CuotaTotal=12.35&ImporteTotal=123.45&Huella="
    "&FechaHoraHusoGenRegistro=2024-01-01T19:20:30+01:00"
)
AGENCY_HASH_1 = "3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
AGENCY_ALTA_2 = (
    "IDEmisorFactura=89890001K&NumSerieFactura=12345679/G34&FechaExpedicionFactura=01-01-2024"
    "&TipoFactura=F1&CuotaTotal=12.35&ImporteTotal=123.45"
    "&Huella=3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
    "&FechaHoraHusoGenRegistro=2024-01-01T19:20:35+01:00"
)
AGENCY_HASH_2 = "F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
AGENCY_ANULACION = (
    "IDEmisorFacturaAnulada=89890001K&NumSerieFacturaAnulada=12345679/G34"
    "&FechaExpedicionFacturaAnulada=01-01-2024"
    "&Huella=F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
    "&FechaHoraHusoGenRegistro=2024-01-01T19:20:40+01:00"
)
AGENCY_HASH_3 = "177547C0D57AC74748561D054A9CEC14B4C4EA23D1BEFD6F2E69E3A388F90C68"

Record = RegistroAlta | RegistroAnulacion


# --- The agency's worked examples -------------------------------------------------------------


def test_agency_strings_hash_to_the_agency_fingerprints() -> None:
    # given the three strings the agency publishes / when hashed / then its three results
    assert sha256_upper(AGENCY_ALTA_1) == AGENCY_HASH_1
    assert sha256_upper(AGENCY_ALTA_2) == AGENCY_HASH_2
    assert sha256_upper(AGENCY_ANULACION) == AGENCY_HASH_3


def test_first_agency_record_builds_the_agency_string(agency_chain: list[Record]) -> None:
    # given the agency's first registration record, the first of its issuer
    first = agency_chain[0]
    # when its fingerprint input is built
    text = record_fingerprint_input(first)
    # then it is the agency's string, with the bare "Huella=" of a first record
    assert text == AGENCY_ALTA_1
    assert "&Huella=&" in text
    assert first.fingerprint == AGENCY_HASH_1


def test_second_agency_record_chains_to_the_first(agency_chain: list[Record]) -> None:
    second = agency_chain[1]
    assert record_fingerprint_input(second) == AGENCY_ALTA_2
    assert second.fingerprint == AGENCY_HASH_2


def test_agency_cancellation_record(agency_chain: list[Record]) -> None:
    cancellation = agency_chain[2]
    assert isinstance(cancellation, RegistroAnulacion)
    assert record_fingerprint_input(cancellation) == AGENCY_ANULACION
    assert cancellation.fingerprint == AGENCY_HASH_3


# --- Amounts -----------------------------------------------------------------------------------


def test_amounts_always_have_two_decimals() -> None:
    assert format_amount(Decimal("123.1")) == "123.10"
    assert format_amount(Decimal("123.10")) == "123.10"
    assert format_amount(Decimal("5")) == "5.00"
    assert format_amount(Decimal("1E+2")) == "100.00"
    assert format_amount(Decimal("-7.5")) == "-7.50"
    assert format_amount(Decimal("1234567.89")) == "1234567.89"  # no thousands separator


def test_123_1_and_123_10_would_hash_differently_so_records_write_one_form(
    make_alta: Callable[..., RegistroAlta],
) -> None:
    # given the trap: the two spellings of one amount give two fingerprints
    one = fingerprint_input([("ImporteTotal", "123.1")])
    two = fingerprint_input([("ImporteTotal", "123.10")])
    assert sha256_upper(one) != sha256_upper(two)
    # when records carry the amount with one or two decimals
    short = make_alta(cuota_total=Decimal("21.0"), importe_total=Decimal("121.0"))
    long = make_alta(cuota_total=Decimal("21.00"), importe_total=Decimal("121.00"))
    # then both hash the 2-decimal text
    assert "CuotaTotal=21.00&ImporteTotal=121.00&" in record_fingerprint_input(short)
    assert compute_fingerprint(short) == compute_fingerprint(long)


@pytest.mark.parametrize("zero", ["-0", "-0.00", "0", "0.0", "-0E+3"])
def test_zero_is_never_negative(zero: str) -> None:
    assert format_amount(Decimal(zero)) == "0.00"


def test_amounts_are_never_rounded_silently() -> None:
    with pytest.raises(ValueError, match="more than 2 decimals"):
        format_amount(Decimal("1.005"))


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("1E12")])
def test_amounts_the_schema_cannot_hold_are_refused(value: Decimal) -> None:
    with pytest.raises(ValueError):
        format_amount(value)


def test_a_float_is_refused() -> None:
    bad: Any = 12.35
    with pytest.raises(TypeError):
        format_amount(bad)


# --- Dates and timestamps -----------------------------------------------------------------------


def test_dates_are_day_month_year() -> None:
    assert format_date(date(2024, 1, 1)) == "01-01-2024"
    assert format_date(date(2025, 12, 31)) == "31-12-2025"


def test_a_datetime_is_not_a_date() -> None:
    with pytest.raises(TypeError):
        format_date(datetime(2024, 1, 1, tzinfo=UTC))


def test_timestamps_carry_the_offset_never_z_nor_fractions() -> None:
    madrid = ZoneInfo("Europe/Madrid")
    assert format_timestamp(datetime(2024, 7, 1, 9, 5, 3, tzinfo=madrid)) == (
        "2024-07-01T09:05:03+02:00"
    )
    assert format_timestamp(datetime(2024, 1, 1, 18, 20, 30, 999999, tzinfo=UTC)) == (
        "2024-01-01T18:20:30+00:00"
    )
    canary = ZoneInfo("Atlantic/Canary")
    assert format_timestamp(datetime(2024, 1, 1, 18, 20, 30, tzinfo=canary)).endswith("+00:00")


def test_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        format_timestamp(datetime(2024, 1, 1, 19, 20, 30))


def test_an_offset_with_seconds_is_refused() -> None:
    odd = timezone(timedelta(minutes=14, seconds=44))
    with pytest.raises(ValueError, match="hh:mm"):
        format_timestamp(datetime(1900, 1, 1, tzinfo=odd))


def test_records_hold_whole_seconds_so_the_hash_covers_the_stored_value(
    make_alta: Callable[..., RegistroAlta],
) -> None:
    madrid = ZoneInfo("Europe/Madrid")
    with pytest.raises(ValidationFailed) as caught:
        make_alta(generated_at=datetime(2025, 3, 14, 10, 0, 0, 500, tzinfo=madrid))
    assert [error.field for error in caught.value.fields] == ["generated_at"]


# --- Trimming and encoding ---------------------------------------------------------------------


def test_values_are_trimmed_of_characters_up_to_u0020_only() -> None:
    # given values padded with spaces, tabs, newlines and NUL, and one with a no-break space
    padded = fingerprint_input([("NumSerieFactura", " \t\n\x00F1/7 \r"), ("Huella", "   ")])
    kept = fingerprint_input([("NumSerieFactura", "F1/7\u00a0")])
    # then the ASCII padding goes, a blank value becomes the bare "Name=", and U+00A0 stays
    assert padded == "NumSerieFactura=F1/7&Huella="
    assert kept == "NumSerieFactura=F1/7\u00a0"


def test_a_padded_number_hashes_like_the_bare_one(make_alta: Callable[..., RegistroAlta]) -> None:
    padded = make_alta(number="  F2025/0001 ")
    bare = make_alta(number="F2025/0001")
    assert compute_fingerprint(padded) == compute_fingerprint(bare)


def test_the_hash_takes_raw_text_never_url_encoded(make_alta: Callable[..., RegistroAlta]) -> None:
    # given a number with characters a URL would escape
    record = make_alta(number="A&B/1 2")
    # then the input holds them as they are, and the hash is of that UTF-8 text
    text = record_fingerprint_input(record)
    assert "NumSerieFactura=A&B/1 2&" in text
    assert "%26" not in text and "%2F" not in text
    assert compute_fingerprint(record) == sha256_upper(text)


def test_seal_fills_the_fingerprint_and_nothing_else(
    make_alta: Callable[..., RegistroAlta],
) -> None:
    record = make_alta()
    sealed = seal(record)
    assert record.fingerprint == ""
    assert sealed.fingerprint == compute_fingerprint(record)
    assert replace(sealed, fingerprint="") == record
