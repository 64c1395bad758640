"""Issuing on /v1 names the party fields a complete invoice lacks, in Laravel's 422 and the
names a /v1 invoice shows them under (``issued_to.zip``)."""

from __future__ import annotations

import httpx

from .conftest import Seed, create, errors_of, seed_payload, today


async def test_a_contact_without_address_is_a_422_naming_issued_to_fields(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    contact = await client.post("contacts", json={"name": "Sin Dirección S.L."})
    assert contact.status_code == 201, contact.text
    draft = await create(
        client,
        seed_payload(seed, date=today().isoformat(), contact_id=contact.json()["data"]["id"]),
    )

    refused = await client.post(
        f"invoices/{draft['id']}/issue",
        json={"date": today().isoformat(), "serie_id": seed.series["F"]},
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["message"] == "The given data was invalid."
    assert list(errors_of(refused)) == [
        "issued_to.number",
        "issued_to.address",
        "issued_to.zip",
        "issued_to.population",
    ]
