"""find_or_create_client: what web shops call on every order, concurrently and with retries."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Client
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.services.clients import ClientInput, find_or_create_client

from .helpers import field_codes


async def _count(database: Database, account: Account) -> int:
    async with database.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Client).where(Client.account_id == account.id)
        )
    assert count is not None
    return count


async def test_the_first_call_creates_and_the_next_finds_the_same_client(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        created, was_created = await find_or_create_client(
            session, account, ClientInput(name="Tienda", tax_id="B12345674", city="Lugo")
        )
    assert was_created and created.tax_id == "B12345674" and created.city == "Lugo"
    async with database.sessions() as session:
        found, was_created = await find_or_create_client(
            session, account, ClientInput(name="Another name", tax_id="es b-12345674")
        )
    assert not was_created
    assert (found.id, found.uuid, found.name) == (created.id, created.uuid, "Tienda")
    assert await _count(database, account) == 1


async def test_the_same_tax_id_in_another_account_is_another_client(
    database: Database, account: Account, other_account: Account
) -> None:
    async with database.sessions() as session:
        mine, _ = await find_or_create_client(
            session, account, ClientInput(name="A", tax_id="12345678Z")
        )
    async with database.sessions() as session:
        theirs, created = await find_or_create_client(
            session, other_account, ClientInput(name="A", tax_id="12345678Z")
        )
    assert created and theirs.uuid != mine.uuid and theirs.account_id == other_account.id


async def test_a_missing_or_blank_tax_id_is_refused(database: Database, account: Account) -> None:
    for data in (
        ClientInput(name="No id"),
        ClientInput(name="No id", tax_id=None),
        ClientInput(name="No id", tax_id="   "),
    ):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await find_or_create_client(session, account, data)
        assert field_codes(error.value) == {"tax_id": "required"}
    assert await _count(database, account) == 0


async def test_an_invalid_input_creates_nothing(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await find_or_create_client(
                session, account, ClientInput(tax_id="B87654321", country="ES")
            )
    assert field_codes(error.value) == {"name": "required", "tax_id": "invalid"}
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await find_or_create_client(session, account, ClientInput(email="a@b.es"))
    assert field_codes(error.value) == {"name": "required", "tax_id": "required"}
    assert await _count(database, account) == 0


async def test_fifty_concurrent_calls_with_one_tax_id_create_exactly_one_client(
    database: Database, account: Account
) -> None:
    async def call(index: int) -> tuple[int, bool]:
        async with database.sessions() as session:
            client, created = await find_or_create_client(
                session, account, ClientInput(name=f"Shopper {index}", tax_id="X1234567L")
            )
        return client.id, created

    results = await asyncio.gather(*(call(index) for index in range(50)))
    assert len({client_id for client_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert await _count(database, account) == 1
