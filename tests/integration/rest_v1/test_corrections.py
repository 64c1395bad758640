"""POST /v1/invoices/{id}/rectify beyond the seed: ``corrections`` state lines with a new
price, discount or quantity, by differences (the default) or by substitution (S)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice

from .conftest import Seed, errors_of, issued_invoice, today

TOTALS = ("total_before_taxes", "total_taxes", "total_with_taxes")


async def _rectify(client: httpx.AsyncClient, seed: Seed, original: int, **body: object) -> dict:
    response = await client.post(
        f"invoices/{original}/rectify",
        json={"date": today().isoformat(), "serie_id": seed.series["R"], **body},
    )
    assert response.status_code == 201, response.text
    rectificative_id = response.json()["data"]["rectification_invoice_id"]
    data: dict = (await client.get(f"invoices/{rectificative_id}")).json()["data"]
    return data


async def _kind(database: Database, account: Account, invoice_id: int) -> str | None:
    async with database.sessions() as session, session.begin():
        return await session.scalar(
            select(Invoice.rectification_kind).where(
                Invoice.account_id == account.id, Invoice.id == invoice_id
            )
        )


async def test_a_price_corrected_by_differences_states_the_difference(
    client: httpx.AsyncClient, seed: Seed, database: Database, account: Account
) -> None:
    original = await issued_invoice(client, seed)

    rectificative = await _rectify(
        client,
        seed,
        original,
        corrections=[{"description": "Development and services", "price": 1500}],
    )

    # −1 × 1800 and +1 × 1500, each with IRPF −15 % and IVA 21 %: −300, −63 + 45
    assert [rectificative[k] for k in TOTALS] == [-300, -18, -318]
    assert [(line["quantity"], line["price"]) for line in rectificative["lines"]] == [
        (-1, 1800),
        (1, 1500),
    ]
    assert await _kind(database, account, rectificative["id"]) == "I"


async def test_a_substitution_states_the_whole_invoice_as_it_should_have_been(
    client: httpx.AsyncClient, seed: Seed, database: Database, account: Account
) -> None:
    original = await issued_invoice(client, seed)

    rectificative = await _rectify(
        client,
        seed,
        original,
        rectification_type="substitution",
        corrections=[{"description": "Development and services", "price": "1500"}],
    )

    # 1500 + 2137.50 at 21 % on the summed base (763.875 → 763.88), IRPF −225 on 1500
    assert [rectificative[k] for k in TOTALS] == [3637.5, 538.88, 4176.38]
    assert [line["price"] for line in rectificative["lines"]] == [1500, 2250]
    assert await _kind(database, account, rectificative["id"]) == "S"


async def test_correction_refusals_name_the_field(client: httpx.AsyncClient, seed: Seed) -> None:
    original = await issued_invoice(client, seed)
    body = {"date": today().isoformat(), "serie_id": seed.series["R"]}
    url = f"invoices/{original}/rectify"

    unknown = await client.post(url, json={**body, "corrections": [{"description": "nope"}]})
    unchanged = await client.post(
        url, json={**body, "corrections": [{"description": "Development and services"}]}
    )
    bad_type = await client.post(url, json={**body, "rectification_type": "partial"})
    substitution_alone = await client.post(url, json={**body, "rectification_type": "substitution"})
    bad_discount = await client.post(
        url,
        json={
            **body,
            "corrections": [{"description": "Development and services", "discount": 120}],
        },
    )

    assert list(errors_of(unknown)) == ["corrections.0.description"]
    assert list(errors_of(unchanged)) == ["corrections.0"]
    assert list(errors_of(bad_type)) == ["rectification_type"]
    assert list(errors_of(substitution_alone)) == ["corrections"]
    assert list(errors_of(bad_discount)) == ["corrections.0.discount"]
    # nothing was written by any refusal: the full rectification still takes everything
    full = await client.post(url, json=body)
    assert full.status_code == 201, full.text
