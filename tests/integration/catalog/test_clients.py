"""Clients: tax ids by country, partial updates, search, pagination and tenancy."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Client
from invoicegraph.domain.errors import NotFound, ValidationFailed
from invoicegraph.services.clients import (
    ClientInput,
    create_client,
    get_client,
    list_clients,
    update_client,
)
from invoicegraph.services.pagination import PageRequest

from .helpers import field_codes


async def _create(database: Database, account: Account, **fields: Any) -> Client:
    async with database.sessions() as session:
        return await create_client(session, account, ClientInput(**fields))


async def test_spanish_clients_take_a_nif_nie_or_cif_in_compact_form(
    database: Database, account: Account
) -> None:
    given = {"12345678Z": "12345678Z", "x-1234567-l": "X1234567L", "ES B-12345674": "B12345674"}
    for raw, compact in given.items():
        async with database.sessions() as session:
            client = await create_client(session, account, ClientInput(name=raw, tax_id=raw))
        assert client.tax_id == compact and client.country == "ES"


async def test_an_invalid_spanish_tax_id_is_refused(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_client(session, account, ClientInput(name="Bad", tax_id="B87654321"))
    assert field_codes(error.value) == {"tax_id": "invalid"}
    assert "NIF/NIE/CIF" in error.value.fields[0].message


async def test_an_eu_client_takes_a_valid_vat_number_with_its_prefix(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        client = await create_client(
            session, account, ClientInput(name="Société", tax_id="40303265045", country="fr")
        )
    assert client.tax_id == "FR40303265045" and client.country == "FR"
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_client(
                session, account, ClientInput(name="GmbH", tax_id="DE136695977", country="DE")
            )
    assert field_codes(error.value) == {"tax_id": "invalid"}
    assert "EU VAT number" in error.value.fields[0].message


async def test_a_client_outside_the_eu_keeps_a_free_identifier(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        client = await create_client(
            session, account, ClientInput(name="Inc.", tax_id="12-3456789", country="US")
        )
    assert client.tax_id == "12-3456789" and client.country == "US"


async def test_every_offending_field_is_reported_once(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_client(
                session, account, ClientInput(email="x" * 256, country="España", tax_id=" ")
            )
    assert field_codes(error.value) == {
        "name": "required",
        "email": "too_long",
        "country": "invalid",
    }
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_client(
                session, account, ClientInput(name="X", country="FRA", tax_id="FR40303265045")
            )
    assert field_codes(error.value) == {"country": "invalid"}  # not a Spanish NIF either


async def test_a_too_long_name_is_one_error_not_also_a_missing_one(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_client(session, account, ClientInput(name="n" * 256))
    assert field_codes(error.value) == {"name": "too_long"}


async def test_update_changes_only_what_is_sent_and_null_clears(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(name="Old", email="a@example.com", phone="600000000", city="Vigo"),
        )
    async with database.sessions() as session:
        updated = await update_client(
            session, account, client.uuid, ClientInput(name="New", email=None)
        )
    assert updated.name == "New" and updated.email is None
    assert updated.phone == "600000000" and updated.city == "Vigo"
    async with database.sessions() as session:
        again = await get_client(session, account, client.id)
    assert (again.name, again.email, again.phone) == ("New", None, "600000000")


async def test_update_refuses_a_null_or_blank_name(database: Database, account: Account) -> None:
    client = await _create(database, account, name="Named")
    for name in (None, "   "):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await update_client(session, account, client.id, ClientInput(name=name))  # type: ignore[arg-type]
        assert field_codes(error.value) == {"name": "required"}


async def test_moving_a_client_abroad_rechecks_its_tax_id(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        client = await create_client(session, account, ClientInput(name="S.L.", tax_id="B12345674"))
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await update_client(session, account, client.id, ClientInput(country="FR"))
    assert field_codes(error.value) == {"tax_id": "invalid"}
    async with database.sessions() as session:
        moved = await update_client(
            session, account, client.id, ClientInput(country="FR", tax_id="FR40303265045")
        )
    assert (moved.country, moved.tax_id) == ("FR", "FR40303265045")


async def test_a_tax_id_belongs_to_one_client_of_an_account(
    database: Database, account: Account, other_account: Account
) -> None:
    first = await _create(database, account, name="First", tax_id="12345678Z")
    second = await _create(database, account, name="Second")
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_client(session, account, ClientInput(name="Dup", tax_id="12345678-z"))
    assert field_codes(error.value) == {"tax_id": "duplicate"}
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await update_client(session, account, second.id, ClientInput(tax_id="12345678Z"))
    assert field_codes(error.value) == {"tax_id": "duplicate"}
    async with database.sessions() as session:
        same = await update_client(session, account, first.id, ClientInput(tax_id="12345678Z"))
    assert same.tax_id == "12345678Z"
    elsewhere = await _create(database, other_account, name="Theirs", tax_id="12345678Z")
    assert elsewhere.tax_id == "12345678Z"


async def test_concurrent_creates_with_one_tax_id_make_one_client(
    database: Database, account: Account
) -> None:
    async def attempt() -> str:
        async with database.sessions() as session:
            try:
                await create_client(session, account, ClientInput(name="R", tax_id="A58818501"))
            except ValidationFailed as exc:
                return field_codes(exc)["tax_id"]
        return "created"

    outcomes = await asyncio.gather(*(attempt() for _ in range(8)))
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 7


async def test_search_matches_name_email_or_tax_id_from_three_characters(
    database: Database, account: Account
) -> None:
    await _create(database, account, name="Panadería López", email="pan@lopez.es")
    await _create(database, account, name="Ferretería", tax_id="12345678Z")
    await _create(database, account, name="100% Algodón")
    async with database.sessions() as session:
        by_name = await list_clients(session, account, PageRequest(), search="  LÓPEZ ")
        by_tax_id = await list_clients(session, account, PageRequest(), search="345678z")
        by_email = await list_clients(session, account, PageRequest(), search="@lopez")
        literal = await list_clients(session, account, PageRequest(), search="0% A")
        wildcard = await list_clients(session, account, PageRequest(), search="___")
    assert [c.name for c in by_name.items] == ["Panadería López"] and by_name.total == 1
    assert [c.name for c in by_tax_id.items] == ["Ferretería"]
    assert [c.name for c in by_email.items] == ["Panadería López"]
    assert [c.name for c in literal.items] == ["100% Algodón"]
    assert wildcard.items == [] and wildcard.total == 0


async def test_a_search_shorter_than_three_characters_is_refused(
    database: Database, account: Account
) -> None:
    for search in ("ab", "  ab  ", ""):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await list_clients(session, account, PageRequest(), search=search)
        assert field_codes(error.value) == {"search": "too_short"}


async def test_clients_filter_by_exact_tax_id(database: Database, account: Account) -> None:
    await _create(database, account, name="Match", tax_id="12345678Z")
    await _create(database, account, name="Other", tax_id="X1234567L")
    async with database.sessions() as session:
        page = await list_clients(session, account, PageRequest(), tax_id=" 12345678z ")
    assert [c.name for c in page.items] == ["Match"]


async def test_list_pages_forwards_and_backwards_by_cursor_and_by_offset(
    database: Database, account: Account, other_account: Account
) -> None:
    for name in ("Delta", "Foxtrot", "Echo", "Bravo", "Charlie"):
        await _create(database, account, name=name)
    await _create(database, other_account, name="Aaron (another tenant)")
    by_name = PageRequest(limit=2, order_by="name", descending=False)
    async with database.sessions() as session:
        first = await list_clients(session, account, by_name)
    assert [c.name for c in first.items] == ["Bravo", "Charlie"]
    assert first.total == 5 and first.has_next and not first.has_previous
    async with database.sessions() as session:
        second = await list_clients(session, account, replace(by_name, after=first.cursors[-1]))
    assert [c.name for c in second.items] == ["Delta", "Echo"]
    assert second.has_next and second.has_previous
    async with database.sessions() as session:
        last = await list_clients(session, account, replace(by_name, after=second.cursors[-1]))
    assert [c.name for c in last.items] == ["Foxtrot"] and not last.has_next
    async with database.sessions() as session:
        back = await list_clients(session, account, replace(by_name, before=last.cursors[0]))
    assert [c.name for c in back.items] == ["Delta", "Echo"]
    assert back.has_next and back.has_previous
    async with database.sessions() as session:
        start = await list_clients(session, account, replace(by_name, before=back.cursors[0]))
    assert [c.name for c in start.items] == ["Bravo", "Charlie"] and not start.has_previous
    async with database.sessions() as session:
        offset = await list_clients(
            session, account, PageRequest(limit=2, offset=3, order_by="name", descending=False)
        )
    assert [c.name for c in offset.items] == ["Echo", "Foxtrot"]
    assert offset.has_previous and not offset.has_next


async def test_a_bad_cursor_or_order_is_a_validation_error(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await list_clients(session, account, PageRequest(after="not-a-cursor"))
    assert field_codes(error.value) == {"after": "invalid"}
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await list_clients(session, account, PageRequest(order_by="email"))
    assert field_codes(error.value) == {"order": "invalid_choice"}


async def test_another_accounts_client_is_not_found(
    database: Database, account: Account, other_account: Account
) -> None:
    theirs = await _create(database, other_account, name="Theirs")
    for ref in (theirs.uuid, theirs.id):
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await get_client(session, account, ref)
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await update_client(session, account, ref, ClientInput(name="Mine now"))
    async with database.sessions() as session:
        page = await list_clients(session, account, PageRequest(), search="Theirs")
    assert page.items == []
