"""Hardening finding 14: ``/v1`` integer ids are counted per account, so a tenant's ids say
nothing of anyone else's activity; an id always names a row of the caller's own account."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Invoice
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from tests.tax_ids import new_tax_id

from .conftest import api

LINE = {"description": "Servicio", "quantity": 1, "price": 100, "taxes": []}


async def _account_key(database: Database, name: str) -> tuple[int, str]:
    async with database.sessions() as session:
        account = await create_account(session, name=name, tax_id=new_tax_id(), plan="professional")
    async with database.sessions() as session:
        created = await create_key(session, account, access="write")
    return account.id, created.text


async def _contact(http: object, name: str) -> int:
    answer = await http.post("contacts", json={"name": name})  # type: ignore[attr-defined]
    assert answer.status_code == 201, answer.text
    return int(answer.json()["data"]["id"])


async def _invoice(http: object, contact: int) -> int:
    catalog = {}
    for name, path in (("due_date_id", "due-dates"), ("payment_method_id", "payment-methods")):
        listed = await http.get(path)  # type: ignore[attr-defined]
        catalog[name] = listed.json()["data"][0]["id"]
    body = {
        "name": "Servicios",
        "contact_id": contact,
        **catalog,
        "lang": "es",
        "currency": "EUR",
        "date_format": "yyyy-mm-dd",
        "money_format": "symbol_before,none,point",
        "lines": [LINE],
    }
    answer = await http.post("invoices", json=body)  # type: ignore[attr-defined]
    assert answer.status_code == 201, answer.text
    return int(answer.json()["data"]["id"])


async def test_another_tenants_activity_leaves_no_gap_in_my_ids(database: Database) -> None:
    _, mine = await _account_key(database, "Mía S.L.")
    _, theirs = await _account_key(database, "Ajena S.L.")
    async with api(database, mine) as me, api(database, theirs) as them:
        first_contact = await _contact(me, "Primero")
        first_invoice = await _invoice(me, first_contact)
        # the other tenant works in between: three contacts and three invoices
        for n in range(3):
            await _invoice(them, await _contact(them, f"Ajeno {n}"))
        second_contact = await _contact(me, "Segundo")
        second_invoice = await _invoice(me, second_contact)
        their_contact = await _contact(them, "Ajeno 3")
    assert second_contact == first_contact + 1
    assert second_invoice == first_invoice + 1
    # each account counts from its own start: the other's fourth contact is number 4
    assert their_contact == 4


async def test_the_same_number_names_each_callers_own_row(database: Database) -> None:
    _, mine = await _account_key(database, "Mía S.L.")
    _, theirs = await _account_key(database, "Ajena S.L.")
    async with api(database, mine) as me, api(database, theirs) as them:
        my_contact = await _contact(me, "Mi cliente")
        their_contact = await _contact(them, "Su cliente")
        assert my_contact == their_contact == 1
        my_invoice = await _invoice(me, my_contact)
        their_invoice = await _invoice(them, their_contact)
        assert my_invoice == their_invoice
        mine_read = (await me.get(f"invoices/{my_invoice}")).json()["data"]
        theirs_read = (await them.get(f"invoices/{their_invoice}")).json()["data"]
        assert mine_read["issued_to"]["name"] == "Mi cliente"
        assert theirs_read["issued_to"]["name"] == "Su cliente"
        assert (await me.get(f"contacts/{my_contact}")).json()["data"]["name"] == "Mi cliente"
        # a number the caller's account has not reached is not found, whoever has it
        for n in range(2):
            await _contact(them, f"Otro {n}")
        assert (await me.get("contacts/3")).status_code == 404
        assert (await them.get("contacts/3")).status_code == 200


async def test_an_id_is_never_given_twice_after_a_delete(database: Database) -> None:
    _, key = await _account_key(database, "Borra S.L.")
    async with api(database, key) as http:
        contact = await _contact(http, "Cliente")
        draft = await _invoice(http, contact)
        assert (await http.delete(f"invoices/{draft}")).status_code == 204
        assert await _invoice(http, contact) == draft + 1


async def test_concurrent_creations_in_one_account_take_distinct_ids(
    postgresql_database: Database,
) -> None:
    database = postgresql_database
    account_id, key = await _account_key(database, "Concurrente S.L.")
    async with api(database, key) as http:
        contact = await _contact(http, "Cliente")
        ids = await asyncio.gather(*(_invoice(http, contact) for _ in range(12)))
    assert sorted(ids) == list(range(min(ids), min(ids) + 12))
    async with database.sessions() as session:
        stored = (
            await session.scalars(select(Invoice.id).where(Invoice.account_id == account_id))
        ).all()
    assert sorted(stored) == sorted(ids)
