"""Payment methods: kinds, checked IBANs, one default, partial updates and tenancy."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, PaymentMethod
from invoicegraph.domain.errors import NotFound, ValidationFailed
from invoicegraph.services.catalog import (
    PaymentMethodInput,
    create_payment_method,
    get_payment_method,
    list_payment_methods,
    update_payment_method,
)
from invoicegraph.services.pagination import PageRequest

from .helpers import field_codes


async def _create(database: Database, account: Account, **fields: Any) -> PaymentMethod:
    async with database.sessions() as session:
        return await create_payment_method(session, account, PaymentMethodInput(**fields))


async def _update(
    database: Database, account: Account, method: PaymentMethod, **fields: Any
) -> PaymentMethod:
    async with database.sessions() as session:
        return await update_payment_method(
            session,
            account,
            method.id,
            PaymentMethodInput(**fields),
        )


async def _default_names(database: Database, account: Account) -> list[str]:
    async with database.sessions() as session:
        names = await session.scalars(
            select(PaymentMethod.name).where(
                PaymentMethod.account_id == account.id, PaymentMethod.is_default.is_(True)
            )
        )
        return list(names)


async def test_a_transfer_keeps_its_iban_in_compact_form(
    database: Database, account: Account
) -> None:
    method = await _create(
        database,
        account,
        name="Transfer",
        description="Bank transfer to ES91 2100 0418 4502 0005 1332",
        iban="es91 2100 0418 4502 0005 1332",
    )
    assert (method.kind, method.iban) == ("bank_transfer", "ES9121000418450200051332")
    cash = await _create(database, account, name="Cash", kind="cash")
    assert (cash.iban, cash.description, cash.is_default, cash.active) == (None, "", False, True)


async def test_every_offending_field_is_reported(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_payment_method(
                session,
                account,
                PaymentMethodInput(
                    kind="cheque",
                    description="d" * 501,
                    iban="ES91 2100 0418 4502 0005 1333",
                    active=None,  # type: ignore[arg-type]
                ),
            )
    assert field_codes(error.value) == {
        "name": "required",
        "kind": "invalid_choice",
        "description": "too_long",
        "iban": "invalid",
        "active": "invalid",
    }


async def test_update_changes_only_what_is_sent_and_null_clears(
    database: Database, account: Account
) -> None:
    method = await _create(
        database,
        account,
        name="Card",
        kind="card",
        description="Visa",
        iban="GB82WEST12345698765432",
    )
    cleared = await _update(database, account, method, iban=None, description=None)
    assert (cleared.iban, cleared.description, cleared.name, cleared.kind) == (
        None,
        "",
        "Card",
        "card",
    )
    for field, code in (
        ("name", "required"),
        ("kind", "invalid_choice"),
        ("is_default", "invalid"),
    ):
        with pytest.raises(ValidationFailed) as error:
            await _update(database, account, method, **{field: None})
        assert field_codes(error.value) == {field: code}
    async with database.sessions() as session:
        unchanged = await get_payment_method(session, account, method.uuid)
    assert (unchanged.name, unchanged.kind) == ("Card", "card")


async def test_one_default_payment_method(database: Database, account: Account) -> None:
    assert await _default_names(database, account) == ["Bank transfer"]
    card = await _create(database, account, name="Card", kind="card", is_default=True)
    assert await _default_names(database, account) == ["Card"]
    debit = await _create(database, account, name="Debit", kind="direct_debit")
    await _update(database, account, debit, is_default=True)
    assert await _default_names(database, account) == ["Debit"]
    await _update(database, account, card, name="Card (Visa)")
    assert await _default_names(database, account) == ["Debit"]


async def test_concurrent_default_changes_leave_one_default(
    database: Database, account: Account
) -> None:
    methods = [await _create(database, account, name=f"M{i}", kind="other") for i in range(6)]
    await asyncio.gather(*(_update(database, account, m, is_default=True) for m in methods))
    assert len(await _default_names(database, account)) == 1


async def test_list_payment_methods_by_activity(database: Database, account: Account) -> None:
    await _create(database, account, name="Old cash", kind="cash", active=False)
    async with database.sessions() as session:
        everything = await list_payment_methods(session, account, PageRequest(descending=False))
        active = await list_payment_methods(session, account, PageRequest(), active=True)
    assert [m.name for m in everything.items] == ["Bank transfer", "Old cash"]
    assert [m.name for m in active.items] == ["Bank transfer"]


async def test_another_accounts_payment_method_is_not_found(
    database: Database, account: Account, other_account: Account
) -> None:
    theirs = await _create(database, other_account, name="Theirs")
    for ref in (theirs.uuid, theirs.id):
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await get_payment_method(session, account, ref)
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await update_payment_method(session, account, ref, PaymentMethodInput(name="X"))
    assert await _default_names(database, other_account) == ["Bank transfer"]
