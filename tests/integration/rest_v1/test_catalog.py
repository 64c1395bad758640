"""/v1/info and the catalogues whose ids an invoice names."""

from __future__ import annotations

import uuid

import httpx

from invoicegraph.db.models import Account
from invoicegraph.pdf.formatting import DATE_FORMATS, MONEY_FORMATS
from invoicegraph.pdf.labels import LANGUAGES

from .conftest import CONTACT, Seed, errors_of


async def test_info_lists_the_options_and_the_owner(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.get("info")

    assert response.status_code == 200
    data = response.json()["data"]
    options = data["options"]
    assert options["langs"] == list(LANGUAGES) and "gl" in options["langs"]
    assert options["date_formats"] == list(DATE_FORMATS)
    assert options["money_formats"] == list(MONEY_FORMATS)
    assert "symbol_before,none,point" in options["money_formats"]
    assert options["currencies"][:3] == ["€", "$", "£"] and "ARS" in options["currencies"]
    assert "EUR" not in options["currencies"]
    assert options["invoice_templates"] == [
        {"id": 1, "name": "Classic"},
        {"id": 2, "name": "Modern"},
        {"id": 3, "name": "Minimal"},
    ]
    assert options["invoice_types"] == [
        {"id": 1, "name": "ordinary"},
        {"id": 2, "name": "proforma"},
        {"id": 3, "name": "rectificative"},
    ]
    assert data["app"]["owner"] == {
        "name": "Acme Inc. S.A.",
        "vat": account.tax_id,
        "address": "Gran Via 1",
        "population": "Madrid",
        "province_state": "Madrid",
        "country": "ES",
        "zip": "28080",
    }


async def test_a_contact_is_created_read_and_listed(client: httpx.AsyncClient) -> None:
    created = await client.post("contacts", json={**CONTACT, "email": "a@acme.test"})

    assert created.status_code == 201, created.text
    contact = created.json()["data"]
    assert {k: contact[k] for k in CONTACT} == CONTACT
    assert contact["email"] == "a@acme.test" and contact["phone"] is None
    assert (await client.get(f"contacts/{contact['id']}")).json()["data"] == contact
    listed = (await client.get("contacts?search=acme")).json()
    assert [c["id"] for c in listed["data"]] == [contact["id"]]
    assert listed["meta"]["total"] == 1


async def test_a_bad_contact_is_named(client: httpx.AsyncClient) -> None:
    await client.post("contacts", json=CONTACT)

    assert set(errors_of(await client.post("contacts", json={}))) == {"name"}
    assert set(errors_of(await client.post("contacts", json={"name": 5, "zip": 5}))) == {
        "name",
        "zip",
    }
    assert list(errors_of(await client.post("contacts", json={**CONTACT, "number": "123"}))) == [
        "number"
    ]
    assert list(errors_of(await client.post("contacts", json=CONTACT))) == ["number"]
    assert list(errors_of(await client.post("contacts", json={**CONTACT, "country": "Spain"})))
    assert list(errors_of(await client.get("contacts?search=ab"))) == ["search"]


async def test_taxes_answer_their_current_rate_and_version(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    listed = (await client.get("taxes")).json()

    by_name = {tax["name"]: tax for tax in listed["data"]}
    assert by_name["IVA (21%)"]["percentage"] == 21 and by_name["IVA (21%)"]["kind"] == "vat"
    assert by_name["IRPF (-15%)"]["percentage"] == -15
    uuid.UUID(by_name["IVA (21%)"]["version"])
    one = (await client.get(f"taxes/{seed.iva21}")).json()["data"]
    assert one == by_name["IVA (21%)"]
    assert listed["meta"]["total"] == len(listed["data"]) == 10


async def test_products_series_methods_and_terms(client: httpx.AsyncClient, seed: Seed) -> None:
    product = (await client.get(f"products/{seed.consulting_id}")).json()["data"]
    series = (await client.get("series")).json()["data"]
    methods = (await client.get("payment-methods")).json()["data"]
    terms = (await client.get("due-dates")).json()["data"]

    assert (product["sku"], product["price"], product["discount"]) == ("CS200010005", 2250, 5)
    assert product["taxes"] == [seed.iva21]
    found = (await client.get("products?search=consulting")).json()["data"]
    assert [p["id"] for p in found] == [seed.consulting_id]
    assert [(s["name"], s["kind"]) for s in series] == [("F", "ordinary"), ("R", "rectificative")]
    assert seed.payment_method_id in [m["id"] for m in methods]
    assert {"id": seed.due_date_id, "name": "10 days", "days": 10} == {
        k: v
        for k, v in (await client.get(f"due-dates/{seed.due_date_id}")).json()["data"].items()
        if k in ("id", "name", "days")
    }
    assert len(terms) == 2
    assert (await client.get(f"series/{seed.series['R']}")).json()["data"]["name"] == "R"
    method = (await client.get(f"payment-methods/{seed.payment_method_id}")).json()["data"]
    assert method["description"].startswith("Bank transfer to account")


async def test_catalogue_pages_follow_laravel(client: httpx.AsyncClient, seed: Seed) -> None:
    first = (await client.get("taxes?per_page=4")).json()
    last = (await client.get(first["links"]["last"])).json()

    assert first["meta"]["last_page"] == 3 and first["links"]["next"].endswith("page=2")
    assert [t["id"] for t in first["data"]] == sorted(t["id"] for t in first["data"])
    assert (last["meta"]["from"], last["meta"]["to"], last["links"]["next"]) == (9, 10, None)
    assert list(errors_of(await client.get("series?per_page=101"))) == ["per_page"]
    assert (await client.get("products/0")).status_code == 404
