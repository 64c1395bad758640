"""PATCH /v1/invoices/{id}: what is sent changes, what is not stays; an issued invoice only
takes changes without fiscal meaning."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Client

from .conftest import Seed, create, errors_of, issued_invoice, seed_payload, today


async def test_the_seed_patch_on_an_issued_invoice_is_refused_for_its_currency(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    invoice_id = await issued_invoice(client, seed)
    seed_patch = {
        "name": "Development and services",
        "payed_at": today().isoformat(),
        "currency": "$",
        "lang": "en",
        "notes": "",
        "close_texts": [],
    }

    refused = await client.patch(f"invoices/{invoice_id}", json=seed_patch)

    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "conflict" and refused.json()["fields"] == ["currency"]
    del seed_patch["currency"]
    accepted = await client.patch(f"invoices/{invoice_id}", json=seed_patch)
    assert accepted.status_code == 200, accepted.text
    data = accepted.json()["data"]
    assert (data["name"], data["payed_at"], data["lang"]) == (
        "Development and services",
        today().isoformat(),
        "en",
    )
    assert data["notes"] == "" and data["close_texts"] == [] and data["currency"] == "ARS"
    assert len(data["lines"]) == 2 and data["total_with_taxes"] == 4494.38
    # the intro text keeps the name it was written with, as in the seed's answer
    assert data["intro_texts"][0]["text"] == "# Invoice\n\nDevelopment and services invoice"


async def test_an_issued_invoice_refuses_each_fiscal_change(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    invoice_id = await issued_invoice(client, seed)

    for change, field in (
        ({"lines": []}, "lines"),
        ({"date": "2024-01-01"}, "date"),
        ({"contact_id": seed.contact_id}, "contact_id"),
        ({"reload_issued_by": True}, "reload_issued_by"),
        ({"currency": "€"}, "currency"),
    ):
        response = await client.patch(f"invoices/{invoice_id}", json=change)
        assert response.status_code == 409, (change, response.text)
        assert response.json()["fields"] == [field]
    same_currency = await client.patch(f"invoices/{invoice_id}", json={"currency": "ars"})
    assert same_currency.status_code == 200, same_currency.text


async def test_payed_at_is_set_and_deleted_with_null(client: httpx.AsyncClient, seed: Seed) -> None:
    invoice_id = await issued_invoice(client, seed)

    paid = await client.patch(f"invoices/{invoice_id}", json={"payed_at": "2024-12-12"})
    unpaid = await client.patch(f"invoices/{invoice_id}", json={"payed_at": None})

    assert paid.json()["data"]["payed_at"] == "2024-12-12"
    assert unpaid.json()["data"]["payed_at"] is None


async def test_a_proforma_cannot_be_paid(client: httpx.AsyncClient, seed: Seed) -> None:
    draft = await create(client, seed_payload(seed))

    errors = errors_of(
        await client.patch(f"invoices/{draft['id']}", json={"payed_at": "2024-12-12"})
    )

    assert list(errors) == ["payed_at"]


async def test_empty_arrays_clear_texts_and_lines_of_a_proforma(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed))

    response = await client.patch(
        f"invoices/{draft['id']}", json={"intro_texts": [], "close_texts": [], "lines": []}
    )

    data = response.json()["data"]
    assert data["intro_texts"] == [] and data["close_texts"] == [] and data["lines"] == []
    assert (data["total_before_taxes"], data["total_taxes"], data["total_with_taxes"]) == (0, 0, 0)


async def test_what_is_not_sent_is_kept(client: httpx.AsyncClient, seed: Seed) -> None:
    draft = await create(client, seed_payload(seed))

    data = (await client.patch(f"invoices/{draft['id']}", json={"name": "Renamed"})).json()["data"]

    assert data["name"] == "Renamed"
    for kept in ("lines", "intro_texts", "close_texts", "template", "notes", "currency", "date"):
        assert data[kept] == draft[kept], kept


async def test_a_new_date_moves_the_due_date_by_the_term(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed))

    data = (await client.patch(f"invoices/{draft['id']}", json={"date": "2024-12-20"})).json()

    assert (data["data"]["date"], data["data"]["due_date"]) == ("2024-12-20", "2024-12-30")


async def test_texts_variables_take_the_name_sent_or_the_stored_one(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed))
    texts = [{"label": "Title", "text": "## {document_title}\nThanks {client_name}"}]

    stored = await client.patch(f"invoices/{draft['id']}", json={"close_texts": texts})
    renamed = await client.patch(
        f"invoices/{draft['id']}", json={"name": "New name", "close_texts": texts}
    )

    assert stored.json()["data"]["close_texts"][0]["text"] == (
        "## Development and services invoice\n\nThanks {client_name}"
    )
    assert renamed.json()["data"]["close_texts"][0]["text"] == "## New name\n\nThanks {client_name}"


async def test_reload_issued_by_and_contact_id_reload_the_parties(
    client: httpx.AsyncClient, seed: Seed, database: Database, account: Account
) -> None:
    draft = await create(client, seed_payload(seed))
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(Account).where(Account.id == account.id).values(address="Serrano 2")
        )
        await session.execute(
            update(Client)
            .where(Client.account_id == account.id, Client.id == seed.contact_id)
            .values(address="New street 1")
        )

    untouched = (await client.patch(f"invoices/{draft['id']}", json={"lang": "es"})).json()
    reloaded = await client.patch(
        f"invoices/{draft['id']}", json={"reload_issued_by": True, "contact_id": seed.contact_id}
    )

    assert untouched["data"]["issued_by"]["address"] == "Gran Via 1"
    assert untouched["data"]["issued_to"]["address"] == "Acme address nº 99"
    assert reloaded.json()["data"]["issued_by"]["address"] == "Serrano 2"
    assert reloaded.json()["data"]["issued_to"]["address"] == "New street 1"


async def test_a_patch_without_parameters_is_refused(client: httpx.AsyncClient, seed: Seed) -> None:
    draft = await create(client, seed_payload(seed))

    for body in ({}, None):
        response = await client.patch(f"invoices/{draft['id']}", json=body)
        assert "at least one parameter" in errors_of(response)["body"][0]
    unknown = await client.patch(f"invoices/{draft['id']}", json={"unknown": 1})
    assert errors_of(unknown) == {"unknown": ["is not a field of this body"]}


async def test_bad_patch_values_are_named(client: httpx.AsyncClient, seed: Seed) -> None:
    draft = await create(client, seed_payload(seed))

    errors = errors_of(
        await client.patch(
            f"invoices/{draft['id']}",
            json={
                "name": None,
                "lang": "xx",
                "payed_at": "12/12/2024",
                "reload_issued_by": "yes",
                "lines": [{"quantity": "many", "price": 1, "description": "x"}],
            },
        )
    )

    assert set(errors) == {"name", "lang", "payed_at", "reload_issued_by", "lines.0.quantity"}
