"""Bad input on /v1 is a 4xx that names the field (Laravel's 422 body), never a 500."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import Seed, errors_of, seed_payload


def line(**fields: Any) -> dict[str, Any]:
    return {"description": "Work", "quantity": 1, "price": 10, "discount": 0, **fields}


# (changes to the seed's create payload, the field the 422 must name)
BAD_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"name": 5}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 256}, "name"),
    ({"contact_id": "abc"}, "contact_id"),
    ({"contact_id": True}, "contact_id"),
    ({"contact_id": 10**30}, "contact_id"),
    ({"contact_id": -3}, "contact_id"),
    ({"due_date_id": None}, "due_date_id"),
    ({"payment_method_id": 1.5}, "payment_method_id"),
    ({"date": "2024-02-30"}, "date"),
    ({"date": "01/12/2024"}, "date"),
    ({"date": 20241201}, "date"),
    ({"date": "9999-12-31"}, "date"),
    ({"lang": "xx"}, "lang"),
    ({"lang": ["gl"]}, "lang"),
    ({"currency": "XYZ"}, "currency"),
    ({"currency": 978}, "currency"),
    ({"date_format": "dd/yy"}, "date_format"),
    ({"money_format": "symbol_before"}, "money_format"),
    ({"notes": {"a": 1}}, "notes"),
    ({"intro_texts": "hello"}, "intro_texts"),
    ({"intro_texts": [{"label": "x"}]}, "intro_texts.0.text"),
    ({"intro_texts": [{"label": "x", "text": "y" * 5001}]}, "intro_texts.0.text"),
    ({"close_texts": [{"label": "x", "text": "y"}] * 21}, "close_texts"),
    ({"close_texts": ["just text"]}, "close_texts.0"),
    ({"template": {"id": 9, "options": {}}}, "template.options.use_company_color"),
    ({"template": {"id": "x"}}, "template.id"),
    ({"template": 3}, "template"),
    ({"lines": "x"}, "lines"),
    ({"lines": [5]}, "lines.0"),
    ({"lines": [line()] * 501}, "lines"),
    ({"lines": [line(quantity=-1)]}, "lines.0.quantity"),
    ({"lines": [line(quantity=10**13)]}, "lines.0.quantity"),
    ({"lines": [line(quantity=2_000_000_000)]}, "lines.0.quantity"),
    ({"lines": [line(quantity="many")]}, "lines.0.quantity"),
    ({"lines": [line(quantity=True)]}, "lines.0.quantity"),
    ({"lines": [line(quantity="1e400")]}, "lines.0.quantity"),
    ({"lines": [line(quantity=0.00001)]}, "lines.0.quantity"),
    ({"lines": [line(price=None)]}, "lines.0.price"),
    ({"lines": [line(price="-100.0000001")]}, "lines.0.price"),
    ({"lines": [line(price=10**20)]}, "lines.0.price"),
    ({"lines": [line(discount=101)]}, "lines.0.discount"),
    ({"lines": [line(discount=-1)]}, "lines.0.discount"),
    ({"lines": [line(description="")]}, "lines.0.description"),
    ({"lines": [line(description="d" * 501)]}, "lines.0.description"),
    ({"lines": [line(taxes=["IVA"])]}, "lines.0.taxes.0"),
    ({"lines": [line(taxes=[10**40])]}, "lines.0.taxes.0"),
    ({"lines": [line(taxes=[987654321])]}, "lines.0.taxes.0"),
    ({"lines": [line(taxes="21")]}, "lines.0.taxes"),
    ({"lines": [{"product_id": "abc"}]}, "lines.0.product_id"),
    ({"lines": [{"product_id": 987654321}]}, "lines.0.product_id"),
    ({"lines": [{"quantity": 1}]}, "lines.0.price"),
]


async def test_each_bad_field_of_a_create_is_named(client: httpx.AsyncClient, seed: Seed) -> None:
    # one catalogue for all the cases: each case is a request, not a new tenant
    for changes, field in BAD_FIELDS:
        response = await client.post("invoices", json=seed_payload(seed, **changes))

        assert response.status_code == 422, (changes, response.text)
        assert field in errors_of(response), (changes, response.text)


async def test_json_numbers_too_large_for_a_float_are_refused_cleanly(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    payload = (
        httpx.Request("POST", "http://x", json=seed_payload(seed))
        .content.replace(b'"price": 1800', b'"price": 1e999999')
        .replace(b'"price":1800', b'"price":1e999999')
    )

    response = await client.post(
        "invoices", content=payload, headers={"Content-Type": "application/json"}
    )

    assert "lines.0.price" in errors_of(response)


async def test_a_body_that_is_not_an_object_is_refused(client: httpx.AsyncClient) -> None:
    for body in ([], "text", 5):
        assert list(errors_of(await client.post("invoices", json=body))) == ["body"]
    json = {"content-type": "application/json"}
    malformed = await client.post("invoices", content=b"{not json", headers=json)
    assert malformed.status_code == 400 and malformed.json()["code"] == "malformed_json"
    as_text = await client.post("invoices", content=b"{}", headers={"content-type": "text/plain"})
    assert as_text.status_code == 415 and as_text.json()["code"] == "unsupported_media_type"


async def test_a_megabyte_string_is_refused_by_field_or_by_size(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    under_the_limit = await client.post("invoices", json=seed_payload(seed, name="x" * 900_000))
    over_the_limit = await client.post("invoices", json=seed_payload(seed, name="x" * 1_100_000))

    assert list(errors_of(under_the_limit)) == ["name"]
    assert over_the_limit.status_code == 413


async def test_every_offending_field_is_named_at_once(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    payload = seed_payload(seed, contact_id="x", date="tomorrow", lines=[line(quantity=-2)])

    errors = errors_of(await client.post("invoices", json=payload))

    assert set(errors) == {"contact_id", "date", "lines.0.quantity"}
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)


async def test_decimal_quantities_and_numeric_strings_are_taken(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    lines = [line(quantity="1.5", price="-100.05", discount="10", taxes=[str(seed.iva21)])]

    response = await client.post("invoices", json=seed_payload(seed, lines=lines))

    assert response.status_code == 201, response.text
    created = response.json()["data"]["lines"][0]
    assert (created["quantity"], created["price"], created["subtotal"]) == (1.5, -100.05, -150.08)
