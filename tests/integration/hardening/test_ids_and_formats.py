"""Issue 12, findings 7 and 11: integer ids are ASCII digits, number formats are read, not
rendered."""

from __future__ import annotations

import tracemalloc
from urllib.parse import quote

import httpx
import pytest

from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.numbering import check_number_format
from invoicegraph.domain.validation import parse_id

from .conftest import api_invoice, bearer, new_client
from .routes import rest_routes

V1_ID_ROUTES = [r for r in rest_routes() if r.path.startswith("/v1") and "{id}" in r.path]


def test_only_ascii_digits_make_an_id() -> None:
    assert [parse_id(t) for t in ("1", "208", str(2**63 - 1))] == [1, 208, 2**63 - 1]
    for text in ("¹", "١", "１", "0", "01", "-1", "1 ", str(2**63), "", "1e3"):
        assert parse_id(text) is None, text


# zero of each family of decimal digits that ``str.isdigit`` takes and an id must not
FAMILIES = {"arabic-indic": 0x660, "fullwidth": 0xFF10, "devanagari": 0x966}


@pytest.mark.parametrize("family", [*FAMILIES, "superscript"])
async def test_unicode_digits_in_a_v1_id_are_not_found_on_every_route(
    http: httpx.AsyncClient, write_key: str, family: str
) -> None:
    """``/v1/invoices/%C2%B9`` was a 500 on all 13 routes, ``%D9%A1`` (Arabic-Indic one)
    answered invoice 1."""
    assert len(V1_ID_ROUTES) >= 13
    client = await new_client(http, write_key)
    created = await http.post(
        "/api/invoices", json=api_invoice(client["id"]), headers=bearer(write_key)
    )
    assert created.status_code == 201, created.text
    [listed] = (await http.get("/v1/invoices", headers=bearer(write_key))).json()["data"]
    own = str(listed["id"])
    assert (await http.get(f"/v1/invoices/{own}", headers=bearer(write_key))).status_code == 200
    if family == "superscript":
        digits = "\u00b9"
    else:
        digits = "".join(chr(FAMILIES[family] + int(c)) for c in own)
    for route in V1_ID_ROUTES:
        path = route.path.replace("{id}", quote(digits))
        body = {} if route.method in ("POST", "PATCH", "PUT") else None
        response = await http.request(route.method, path, json=body, headers=bearer(write_key))
        assert response.status_code == 404, (route, response.status_code, response.text[:300])


async def test_unicode_digits_in_a_graphql_id_are_bad_input(
    http: httpx.AsyncClient, write_key: str
) -> None:
    for text in ("¹", "١"):
        response = await http.post(
            "/graphql",
            json={
                "query": "query($id: ID!) { invoice(id: $id) { id } }",
                "variables": {"id": text},
            },
            headers=bearer(write_key),
        )
        assert response.status_code == 200, response.text
        errors = response.json()["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"], errors


@pytest.mark.parametrize(
    "fmt", ["{number:>200000000}", "{number:>99999999999999}", "{code:>199999999}{number}"]
)
def test_a_wide_number_format_is_refused_without_rendering_it(fmt: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ValidationFailed) as refused:
            check_number_format(fmt)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.fields[0].field == "number_format"
    assert peak < 1_000_000, f"{peak} bytes allocated to check {fmt!r}"


def test_the_formats_series_use_still_pass() -> None:
    for fmt in ("{code}{number}", "{code}{year}/{number:05d}", "{code}-{number:>6}", "{number}"):
        assert check_number_format(fmt) == fmt
