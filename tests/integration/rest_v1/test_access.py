"""Who may do what on /v1: 401 without a valid key, 403 for writes with a read key, 402 over
the plan, 404 for another account's (or the other mode's) invoices."""

from __future__ import annotations

import httpx
from sqlalchemy import insert

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice
from invoicegraph.services.api_keys import create_key
from tests.parties import CONTACT_BODY_V1

from ..conftest_helpers import with_counted_ids
from .conftest import Seed, api, create, issued_invoice, seed_payload, today


async def test_no_key_or_a_bad_key_is_401(database: Database, write_key: str) -> None:
    async with api(database, write_key) as http:
        for headers in ({"Authorization": ""}, {"Authorization": write_key[:-2] + "zz"}):
            response = await http.get("invoices", headers=headers)
            assert response.status_code == 401
            assert response.json()["code"] == "unauthenticated" and response.json()["message"]


async def test_a_read_key_reads_but_never_writes(
    database: Database, account: Account, client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed))
    async with database.sessions() as session:
        read_key = (await create_key(session, account, access="read")).text

    async with api(database, read_key) as http:
        assert (await http.get(f"invoices/{draft['id']}")).status_code == 200
        assert (await http.get("info")).status_code == 200
        for method, url in (
            ("POST", "invoices"),
            ("PATCH", f"invoices/{draft['id']}"),
            ("DELETE", f"invoices/{draft['id']}"),
            ("POST", f"invoices/{draft['id']}/issue"),
            ("POST", f"invoices/{draft['id']}/rectify"),
            ("POST", "contacts"),
        ):
            response = await http.request(method, url, json={"name": "x"})
            assert response.status_code == 403, (method, url)
            assert response.json()["code"] == "forbidden"


async def test_another_accounts_invoice_is_not_found(
    database: Database, other_account: Account, client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed))
    async with database.sessions() as session:
        other_key = (await create_key(session, other_account, access="write")).text

    async with api(database, other_key) as http:
        for method, url in (
            ("GET", f"invoices/{draft['id']}"),
            ("PATCH", f"invoices/{draft['id']}"),
            ("DELETE", f"invoices/{draft['id']}"),
            ("GET", f"invoices/{draft['id']}/download"),
            ("POST", f"invoices/{draft['id']}/issue"),
            ("POST", f"invoices/{draft['id']}/rectify"),
            ("GET", f"contacts/{seed.contact_id}"),
            ("GET", f"products/{seed.consulting_id}"),
        ):
            body = (
                {"name": "x"} if method == "PATCH" else {"date": today().isoformat(), "serie_id": 1}
            )
            response = await http.request(method, url, json=body if method != "GET" else None)
            assert response.status_code == 404, (method, url, response.text)
            assert response.json()["code"] == "not_found"
        assert (await http.get("invoices")).json()["meta"]["total"] == 0
        # ids count per account: the other account's catalogue has rows of the same numbers
        # as mine, and each number names the caller's own row, never mine
        for path, ref in (
            ("taxes", seed.iva21),
            ("series", seed.series["F"]),
            ("payment-methods", seed.payment_method_id),
            ("due-dates", seed.due_date_id),
        ):
            own = {row["id"]: row for row in (await http.get(path)).json()["data"]}
            response = await http.get(f"{path}/{ref}")
            if ref in own:
                assert response.json()["data"] == own[ref], path
            else:
                assert response.status_code == 404, (path, response.text)


async def test_malformed_ids_are_not_found(client: httpx.AsyncClient) -> None:
    for ref in ("abc", "0", "-1", "1.5", "9" * 30):
        assert (await client.get(f"invoices/{ref}")).status_code == 404, ref


async def test_a_test_key_works_on_the_sandbox(
    database: Database, account: Account, client: httpx.AsyncClient, seed: Seed
) -> None:
    live = await create(client, seed_payload(seed))
    async with database.sessions() as session:
        test_key = (await create_key(session, account, access="write", mode="test")).text

    async with api(database, test_key) as http:
        assert (await http.get(f"invoices/{live['id']}")).status_code == 404
        owner = (await http.get("info")).json()["data"]["app"]["owner"]
        assert owner["name"] == "Acme Inc. S.A."


async def test_over_the_free_plan_issuing_is_402(
    database: Database, other_account: Account
) -> None:
    async with database.sessions() as session:
        key = (await create_key(session, other_account, access="write")).text
    async with database.sessions() as session, session.begin():
        rows = [
            {
                "account_id": other_account.id,
                "status": "issued",
                "date": today(),
                "issuer_name": "Other S.L.",
                "issuer_tax_id": "B27346063",
                "issuer_country": "ES",
            }
            for _ in range(50)
        ]
        await session.execute(
            insert(Invoice), await with_counted_ids(session, "invoices", other_account.id, rows)
        )

    async with api(database, key) as http:
        taxes = (await http.get("taxes")).json()["data"]
        contact = (await http.post("contacts", json={"name": "Client", **CONTACT_BODY_V1})).json()[
            "data"
        ]
        methods = (await http.get("payment-methods")).json()["data"]
        terms = (await http.get("due-dates")).json()["data"]
        series = (await http.get("series")).json()["data"]
        draft = await create(
            http,
            {
                "name": "One too many",
                "contact_id": contact["id"],
                "due_date_id": terms[0]["id"],
                "payment_method_id": methods[0]["id"],
                "lang": "es",
                "currency": "€",
                "date_format": "dd/mm/yyyy",
                "money_format": "symbol_after,point,comma",
                "lines": [
                    {
                        "description": "Work",
                        "quantity": 1,
                        "price": 10,
                        "discount": 0,
                        "taxes": [taxes[0]["id"]],
                    }
                ],
            },
        )
        ordinary = next(s["id"] for s in series if s["kind"] == "ordinary")
        response = await http.post(
            f"invoices/{draft['id']}/issue",
            json={"date": today().isoformat(), "serie_id": ordinary},
        )

    assert response.status_code == 402, response.text
    assert response.json()["code"] == "plan_limit"


async def test_an_idempotent_issue_is_replayed_not_repeated(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed, date=today().isoformat()))
    body = {"date": today().isoformat(), "serie_id": seed.series["F"]}
    headers = {"Idempotency-Key": "issue-once"}

    first = await client.post(f"invoices/{draft['id']}/issue", json=body, headers=headers)
    again = await client.post(f"invoices/{draft['id']}/issue", json=body, headers=headers)

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert (await client.get("invoices?type_id=1")).json()["meta"]["total"] == 1


async def test_an_issued_invoice_of_the_seed_lists_with_its_series(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    invoice_id = await issued_invoice(client, seed)

    listed = (await client.get("invoices?type_id=1")).json()["data"]

    assert [(i["id"], i["serie"]["name"], i["number"]) for i in listed] == [(invoice_id, "F", 1)]
