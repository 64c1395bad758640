"""POST /v1/invoices/{id}/issue and /rectify, and DELETE: Orzame issues a new invoice from
the proforma, rectifies with a new rectificative, and deletes only what the law lets go."""

from __future__ import annotations

import datetime as dt
import importlib.util

import httpx
import pytest
from sqlalchemy import update

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account

from .conftest import Seed, create, errors_of, issue, issued_invoice, seed_payload, today


async def test_issuing_a_proforma_gives_a_new_numbered_invoice(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed, date=today().isoformat()))

    response = await client.post(
        f"invoices/{draft['id']}/issue",
        # the seed sends serie_id as a string
        json={
            "date": today().isoformat(),
            "serie_id": str(seed.series["F"]),
            "delete_proforma": False,
        },
    )

    assert response.status_code == 201, response.text
    assert response.json() == {
        "data": {
            "issue_invoice_id": response.json()["data"]["issue_invoice_id"],
            "e_invoicing": None,
        }
    }
    new_id = response.json()["data"]["issue_invoice_id"]
    assert new_id != draft["id"]
    invoice = (await client.get(f"invoices/{new_id}")).json()["data"]
    assert invoice["type_id"] == 1 and invoice["number"] == 1
    assert invoice["serie"] == {"id": seed.series["F"], "name": "F"}
    assert invoice["due_date"] == (today() + dt.timedelta(days=10)).isoformat()
    assert (invoice["lines"], invoice["total_with_taxes"]) == (draft["lines"], 4494.38)
    proforma = (await client.get(f"invoices/{draft['id']}")).json()["data"]
    assert proforma["type_id"] == 2 and proforma["number"] is None
    second = await issue(client, seed, draft["id"])
    assert (await client.get(f"invoices/{second['issue_invoice_id']}")).json()["data"][
        "number"
    ] == 2


async def test_delete_proforma_removes_it_when_issuing(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed, date=today().isoformat()))

    await issue(client, seed, draft["id"], delete_proforma=True)

    assert (await client.get(f"invoices/{draft['id']}")).status_code == 404


async def test_issue_refusals(client: httpx.AsyncClient, seed: Seed) -> None:
    draft = await create(client, seed_payload(seed, date=today().isoformat()))
    empty = await create(client, seed_payload(seed, lines=[]))
    url = f"invoices/{draft['id']}/issue"
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()

    assert set(errors_of(await client.post(url, json={}))) == {"date", "serie_id"}
    bad_date = {"date": "2024-02-30", "serie_id": seed.series["F"]}
    assert list(errors_of(await client.post(url, json=bad_date))) == ["date"]
    # the model's problem and the rules' together: no such day, no such series
    bad_both = {"date": "2024-02-30", "serie_id": 987654321}
    assert list(errors_of(await client.post(url, json=bad_both))) == ["date", "serie_id"]
    wrong_series = {"date": today().isoformat(), "serie_id": seed.series["R"]}
    assert list(errors_of(await client.post(url, json=wrong_series))) == ["serie_id"]
    unknown_series = {"date": today().isoformat(), "serie_id": 987654321}
    assert list(errors_of(await client.post(url, json=unknown_series))) == ["serie_id"]
    future = {"date": tomorrow, "serie_id": seed.series["F"]}
    assert list(errors_of(await client.post(url, json=future))) == ["date"]
    no_lines = await client.post(
        f"invoices/{empty['id']}/issue",
        json={"date": today().isoformat(), "serie_id": seed.series["F"]},
    )
    assert list(errors_of(no_lines)) == ["lines"]
    issued = (await issue(client, seed, draft["id"]))["issue_invoice_id"]
    again = await client.post(
        f"invoices/{issued}/issue", json={"date": today().isoformat(), "serie_id": seed.series["F"]}
    )
    assert again.status_code == 409 and again.json()["code"] == "conflict"


async def test_rectifying_gives_a_negative_rectificative(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    original = await issued_invoice(client, seed)

    response = await client.post(
        f"invoices/{original}/rectify",
        json={"date": today().isoformat(), "serie_id": str(seed.series["R"])},
    )

    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert set(data) == {"rectification_invoice_id", "e_invoicing"} and data["e_invoicing"] is None
    rectificative = (await client.get(f"invoices/{data['rectification_invoice_id']}")).json()[
        "data"
    ]
    assert rectificative["type_id"] == 3 and rectificative["rectification_invoice_id"] == original
    assert rectificative["serie"] == {"id": seed.series["R"], "name": "R"}
    assert rectificative["number"] == 1
    totals = [rectificative[k] for k in ("total_before_taxes", "total_taxes", "total_with_taxes")]
    assert totals == [-3937.5, -556.88, -4494.38]
    assert [line["total_with_taxes"] for line in rectificative["lines"]] == [-1908, -2586.38]


async def test_rectify_refusals(client: httpx.AsyncClient, seed: Seed) -> None:
    draft = await create(client, seed_payload(seed))
    original = await issued_invoice(client, seed)
    body = {"date": today().isoformat(), "serie_id": seed.series["R"]}

    proforma = await client.post(f"invoices/{draft['id']}/rectify", json=body)
    wrong_series = await client.post(
        f"invoices/{original}/rectify", json={**body, "serie_id": seed.series["F"]}
    )
    rectified = await client.post(f"invoices/{original}/rectify", json=body)
    rectificative = rectified.json()["data"]["rectification_invoice_id"]
    of_a_rectificative = await client.post(f"invoices/{rectificative}/rectify", json=body)

    assert proforma.status_code == 409
    assert list(errors_of(wrong_series)) == ["serie_id"]
    # a rectificative can itself be rectified (issue 14), by a rectificative of its own
    assert of_a_rectificative.status_code == 201
    second = of_a_rectificative.json()["data"]["rectification_invoice_id"]
    assert second not in (None, rectificative)
    assert set(errors_of(await client.post(f"invoices/{original}/rectify", json={}))) == {
        "date",
        "serie_id",
    }


async def test_delete_a_proforma(client: httpx.AsyncClient, seed: Seed) -> None:
    draft = await create(client, seed_payload(seed))

    response = await client.delete(f"invoices/{draft['id']}")

    assert response.status_code == 204 and response.content == b""
    assert (await client.get(f"invoices/{draft['id']}")).status_code == 404
    assert (await client.delete(f"invoices/{draft['id']}")).status_code == 404


async def test_only_the_last_issued_invoice_of_a_series_is_deleted(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    first = await issued_invoice(client, seed)
    second = await issued_invoice(client, seed)

    not_last = await client.delete(f"invoices/{first}")
    last = await client.delete(f"invoices/{second}")

    assert not_last.status_code == 409 and not_last.json()["fields"] == ["number"]
    assert last.status_code == 204
    assert (await client.delete(f"invoices/{first}")).status_code == 204


async def test_a_rectified_invoice_is_not_deleted_before_its_rectificative(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    original = await issued_invoice(client, seed)
    rectified = await client.post(
        f"invoices/{original}/rectify",
        json={"date": today().isoformat(), "serie_id": seed.series["R"]},
    )

    refused = await client.delete(f"invoices/{original}")
    rectificative = rectified.json()["data"]["rectification_invoice_id"]

    assert refused.status_code == 409
    assert (await client.delete(f"invoices/{rectificative}")).status_code == 204
    assert (await client.delete(f"invoices/{original}")).status_code == 204


async def test_no_issued_invoice_is_deleted_with_verifactu_on(
    client: httpx.AsyncClient, seed: Seed, database: Database, account: Account
) -> None:
    invoice_id = await issued_invoice(client, seed)
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(Account).where(Account.id == account.id).values(verifactu_enabled=True)
        )

    response = await client.delete(f"invoices/{invoice_id}")

    assert response.status_code == 409 and "VERI*FACTU" in response.json()["message"]


@pytest.mark.skipif(
    importlib.util.find_spec("invoicegraph.services.documents") is None,
    reason="invoicegraph.services.documents (invoice_pdf) is not written yet",
)
async def test_download_answers_a_pdf_also_for_a_proforma(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed))
    invoice_id = await issued_invoice(client, seed)

    for ref in (draft["id"], invoice_id):
        response = await client.get(f"invoices/{ref}/download")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
