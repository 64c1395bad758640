"""The QR code's URL: the agency's example, hosts, order and encoding."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

from invoicegraph.domain.verifactu.codes import QR_URL_PRODUCTION, QR_URL_TEST
from invoicegraph.domain.verifactu.fingerprint import record_fingerprint_input
from invoicegraph.domain.verifactu.qr import build_qr_url, qr_url
from invoicegraph.domain.verifactu.records import RegistroAlta

AGENCY_EXAMPLE = (
    "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
    "?nif=89890001K&numserie=12345678%26G33&fecha=01-01-2024&importe=241.4"
)


def test_agency_example_is_reproduced_with_the_amount_in_its_two_decimal_form() -> None:
    # given the agency's example invoice, in test mode
    # when its URL is built
    url = build_qr_url(
        "89890001K", "12345678&G33", date(2024, 1, 1), Decimal("241.4"), test_mode=True
    )
    # then it is the agency's URL, byte for byte, except that the amount is written as the
    # record's ImporteTotal is: 241.40 (see build_qr_url's docstring for why)
    assert url == AGENCY_EXAMPLE.replace("importe=241.4", "importe=241.40")
    assert url.startswith(AGENCY_EXAMPLE.removesuffix("241.4"))
    # and both say the same thing to whoever reads them
    ours = parse_qsl(urlsplit(url).query)
    theirs = parse_qsl(urlsplit(AGENCY_EXAMPLE).query)
    assert [name for name, _ in ours] == [name for name, _ in theirs]
    assert ours[:3] == theirs[:3]
    assert Decimal(ours[3][1]) == Decimal(theirs[3][1])


def test_parameters_come_in_the_agency_order() -> None:
    url = build_qr_url("B12345674", "F1", date(2025, 3, 14), Decimal("10"), test_mode=False)
    names = [name for name, _ in parse_qsl(urlsplit(url).query)]
    assert names == ["nif", "numserie", "fecha", "importe"]


def test_a_slash_in_the_number_is_escaped_as_in_the_seed_example() -> None:
    url = build_qr_url("B12345674", "F1000/52", date(2025, 3, 14), Decimal("10"), test_mode=False)
    assert "&numserie=F1000%2F52&" in url


def test_values_are_url_encoded_as_utf8() -> None:
    url = build_qr_url("B12345674", "Ñ 1+2", date(2025, 3, 14), Decimal("10"), test_mode=False)
    assert "numserie=%C3%91%201%2B2&" in url


def test_test_mode_picks_the_test_host_and_live_mode_the_production_host(
    make_alta: Callable[..., RegistroAlta],
) -> None:
    record = make_alta()
    assert qr_url(record, test_mode=True).startswith(QR_URL_TEST + "?")
    assert qr_url(record, test_mode=False).startswith(QR_URL_PRODUCTION + "?")
    assert QR_URL_PRODUCTION == "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"


def test_a_record_url_carries_its_importe_total_with_the_fingerprint_text(
    make_alta: Callable[..., RegistroAlta],
) -> None:
    # given a record whose number needs escaping and whose total has one decimal
    record = make_alta(number="F&1/9", cuota_total=Decimal("21.0"), importe_total=Decimal("121.0"))
    # when its QR URL is built
    url = qr_url(record, test_mode=False)
    # then the URL escapes the number (the hash does not) and writes the hashed total
    assert url == (
        QR_URL_PRODUCTION + "?nif=B12345674&numserie=F%261%2F9&fecha=14-03-2025&importe=121.00"
    )
    assert "NumSerieFactura=F&1/9&" in record_fingerprint_input(record)
    assert "ImporteTotal=121.00&" in record_fingerprint_input(record)


def test_the_qr_uses_the_total_before_irpf(make_alta: Callable[..., RegistroAlta]) -> None:
    # given an invoice of 100 + 21% VAT - 15% IRPF: the customer pays 106.00, but IRPF is not
    # part of the record, so the record's ImporteTotal (and the QR) say 121.00
    record = make_alta()
    assert qr_url(record, test_mode=False).endswith("&importe=121.00")
