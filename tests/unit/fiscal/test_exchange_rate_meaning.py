"""The direction of ``exchange_rate`` is stated where clients read it (issue 14 point 7): units
of the invoice currency per euro, the ECB convention, so 252.00 USD at 1.0834 are 232.60 EUR."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

from invoicegraph.rest.openapi import openapi_document
from invoicegraph.schema import build_schema


def test_the_sdl_describes_the_exchange_rate_as_currency_per_euro() -> None:
    sdl = build_schema().as_str()

    assert sdl.count("Units of the invoice currency per euro (the ECB convention") >= 3


def test_the_facturovia_openapi_describes_it_the_same_way() -> None:
    assert "Units of the invoice currency per euro" in json.dumps(openapi_document())


def test_the_issue_example_converts_to_the_euros_the_agency_expects() -> None:
    assert (Decimal("252.00") / Decimal("1.0834")).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    ) == Decimal("232.60")
