"""POST /v1/invoices: the seed's create example, answered as the seed answers it."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx

from invoicegraph.db.models import Account

from .conftest import PAYMENT_TEXT, Seed, create, errors_of, seed_payload, today

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")


async def test_the_seed_payload_gives_the_seed_answer(
    client: httpx.AsyncClient, seed: Seed, account: Account
) -> None:
    response = await client.post("invoices", json=seed_payload(seed))

    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert TIMESTAMP.match(data.pop("created_at")) and TIMESTAMP.match(data.pop("updated_at"))
    assert isinstance(data.pop("id"), int)
    iva = {"id": seed.iva21, "name": "IVA (21%)", "percentage": 21}
    iva_version = seed.versions["IVA (21%)"]
    assert data == {
        "name": "Development and services invoice",
        "type_id": 2,
        "serie": {"id": None, "name": None},
        "number": None,
        "e_invoicing": None,
        "date": "2024-12-01",
        "due_date": "2024-12-11",
        "payment_method": PAYMENT_TEXT,
        "rectification_invoice_id": None,
        "issued_by": {
            "name": "Acme Inc. S.A.",
            "vat": account.tax_id,  # every test account has a tax id of its own
            "address": "Gran Via 1",
            "population": "Madrid",
            "province_state": "Madrid",
            "country": "ES",
            "zip": "28080",
        },
        "issued_to": {
            "id": seed.contact_id,
            "name": "Acme S.L.",
            "number": "B87654323",
            "address": "Acme address nº 99",
            "population": "My City",
            "province_state": "My Province",
            "country": "ES",
            "zip": "55555",
        },
        "payed_at": None,
        "currency": "ARS",
        "lang": "gl",
        "date_format": "yyyy-mm-dd",
        "money_format": "symbol_before,none,point",
        "template": {
            "id": 3,
            "options": {
                "use_company_color": True,
                "include_texts_before": True,
                "include_texts_after": False,
            },
        },
        "intro_texts": [
            {"label": "Header", "text": "# Invoice\n\nDevelopment and services invoice"},
            {
                "label": "subheader",
                "text": "Invoice for development and services developed in the current year",
            },
        ],
        # the seed answers the product line first; we keep the order the client sent
        "lines": [
            {
                "sku": None,
                "product_id": None,
                "description": "Development and services",
                "quantity": 1,
                "price": 1800,
                "discount": 0,
                "business_line_id": None,
                "subtotal": 1800,
                "total_discount": 0,
                "total_before_taxes": 1800,
                "taxes": [
                    {
                        "id": seed.irpf15,
                        "name": "IRPF (-15%)",
                        "percentage": -15,
                        "total": -270,
                        "version": seed.versions["IRPF (-15%)"],
                    },
                    {**iva, "total": 378, "version": iva_version},
                ],
                "total_taxes": 108,
                "total_with_taxes": 1908,
            },
            {
                "sku": "CS200010005",
                "product_id": seed.consulting_id,
                "description": "Consulting with discount 5%",
                "quantity": 1,
                "price": 2250,
                "discount": 5,
                "business_line_id": None,
                "subtotal": 2250,
                "total_discount": 112.5,
                "total_before_taxes": 2137.5,
                "taxes": [{**iva, "total": 448.88, "version": iva_version}],
                "total_taxes": 448.88,
                "total_with_taxes": 2586.38,
            },
        ],
        "close_texts": seed_payload(seed)["close_texts"],
        "notes": "Automatically created invoice via API",
        "total_before_taxes": 3937.5,
        "total_taxes": 556.88,
        "total_with_taxes": 4494.38,
    }
    # exact decimals on the wire, never a float's digits
    assert b'"total_with_taxes":4494.38' in response.content
    assert b'"total_discount":112.5' in response.content


async def test_the_seeds_second_invoice_comes_to_the_cent(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    payload = seed_payload(
        seed,
        lines=[
            {"product_id": seed.producto_one_id},
            {
                "description": "Service two",
                "quantity": 1,
                "price": 2500,
                "discount": 15,
                "taxes": [seed.iva21, seed.irpf15],
            },
        ],
    )

    data = await create(client, payload)

    first, second = data["lines"]
    assert (first["sku"], first["description"], first["price"], first["discount"]) == (
        "IM232323",
        "Producto one",
        2015,
        10,
    )
    assert (first["total_discount"], first["total_before_taxes"]) == (201.5, 1813.5)
    assert [(t["name"], t["total"]) for t in first["taxes"]] == [("IVA (4%)", 72.54)]
    assert (first["total_taxes"], first["total_with_taxes"]) == (72.54, 1886.04)
    assert (second["total_discount"], second["total_before_taxes"]) == (375, 2125)
    assert [t["total"] for t in second["taxes"]] == [446.25, -318.75]
    assert (second["total_taxes"], second["total_with_taxes"]) == (127.5, 2252.5)
    totals = (data["total_before_taxes"], data["total_taxes"], data["total_with_taxes"])
    assert totals == (3938.5, 200.04, 4138.54)


async def test_date_defaults_to_today_and_texts_are_optional(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    payload = seed_payload(seed)
    for name in ("date", "notes", "intro_texts", "close_texts", "lines", "template"):
        del payload[name]

    data = await create(client, payload)

    assert data["date"] == today().isoformat()
    assert data["lines"] == [] and data["intro_texts"] == [] and data["notes"] == ""
    assert data["template"]["id"] == 1


async def test_a_product_line_takes_what_is_sent_over_the_product(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    lines = [{"product_id": seed.consulting_id, "quantity": "2.5", "taxes": []}]

    data = await create(client, seed_payload(seed, lines=lines))

    line = data["lines"][0]
    assert (line["quantity"], line["price"], line["taxes"]) == (2.5, 2250, [])
    assert line["subtotal"] == 5625 and line["total_with_taxes"] == Decimal("5343.75")


async def test_currency_symbols_come_back_as_sent(client: httpx.AsyncClient, seed: Seed) -> None:
    euro = await create(client, seed_payload(seed, currency="€"))
    dollar = await create(client, seed_payload(seed, currency="$"))
    eur = await create(client, seed_payload(seed, currency="eur"))

    assert (euro["currency"], dollar["currency"], eur["currency"]) == ("€", "$", "€")
    fetched = (await client.get(f"invoices/{euro['id']}")).json()["data"]
    assert fetched["currency"] == "€"


async def test_the_seed_required_fields_are_required(client: httpx.AsyncClient) -> None:
    errors = errors_of(await client.post("invoices", json={}))

    assert set(errors) == {
        "name",
        "contact_id",
        "due_date_id",
        "payment_method_id",
        "lang",
        "currency",
        "date_format",
        "money_format",
    }


async def test_another_accounts_catalogue_ids_are_not_found(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    payload = seed_payload(seed, contact_id=seed.contact_id + 10_000)
    payload["lines"][1]["product_id"] = 999_999_999

    errors = errors_of(await client.post("invoices", json=payload))

    assert set(errors) == {"contact_id", "lines.1.product_id"}
