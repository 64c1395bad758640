"""Products: prices, catalogue taxes by either id, partial updates, search and tenancy."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Tax
from invoicegraph.domain.errors import NotFound, ValidationFailed
from invoicegraph.services.pagination import PageRequest
from invoicegraph.services.products import (
    ProductInput,
    create_product,
    get_product,
    list_products,
    update_product,
)
from invoicegraph.services.refs import Ref

from .helpers import field_codes


async def _taxes(database: Database, account: Account) -> dict[str, Tax]:
    async with database.sessions() as session:
        rows = await session.scalars(select(Tax).where(Tax.account_id == account.id))
        return {tax.name: tax for tax in rows}


async def test_a_product_takes_taxes_by_integer_id_and_by_uuid(
    database: Database, account: Account
) -> None:
    taxes = await _taxes(database, account)
    vat, irpf = taxes["IVA (21%)"], taxes["IRPF (-15%)"]
    async with database.sessions() as session:
        product = await create_product(
            session,
            account,
            ProductInput(
                name="Consulting hour", price=Decimal("60.125"), tax_ids=[vat.id, irpf.uuid]
            ),
        )
    assert product.tax_ids == [vat.id, irpf.id]
    assert product.price == Decimal("60.125000") and product.discount == 0
    assert product.description == "Consulting hour" and product.active
    async with database.sessions() as session:
        stored = await get_product(session, account, product.uuid)
    assert stored.tax_ids == [vat.id, irpf.id] and stored.price == Decimal("60.125")


async def test_an_unknown_tax_is_named_by_its_position(
    database: Database, account: Account, other_account: Account
) -> None:
    vat = (await _taxes(database, account))["IVA (21%)"]
    theirs = (await _taxes(database, other_account))["IVA (10%)"]
    # an integer id counts within the caller's account: one it has not reached is unknown
    # (another account's integer ids name the caller's own rows of those numbers)
    refs: list[Ref] = [vat.id, uuid.uuid4(), 10_000, theirs.uuid, 2**70, 0]
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_product(
                session, account, ProductInput(name="P", price=Decimal(1), tax_ids=refs)
            )
    assert field_codes(error.value) == {f"tax_ids.{i}": "not_found" for i in range(1, 6)}


async def test_the_same_tax_twice_is_refused(database: Database, account: Account) -> None:
    vat = (await _taxes(database, account))["IVA (21%)"]
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_product(
                session,
                account,
                ProductInput(name="P", price=Decimal(1), tax_ids=[vat.id, vat.uuid]),
            )
    assert field_codes(error.value) == {"tax_ids.1": "duplicate"}


async def test_every_offending_field_is_reported(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_product(
                session,
                account,
                ProductInput(
                    description="d" * 501,
                    sku="s" * 65,
                    discount=Decimal("100.5"),
                    tax_ids=[uuid.uuid4()],
                ),
            )
    assert field_codes(error.value) == {
        "name": "required",
        "description": "too_long",
        "sku": "too_long",
        "price": "required",
        "discount": "out_of_range",
        "tax_ids.0": "not_found",
    }


async def test_a_float_price_is_refused(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_product(session, account, ProductInput(name="P", price=0.1))  # type: ignore[arg-type]
    assert field_codes(error.value) == {"price": "invalid"}


async def test_update_changes_only_what_is_sent_and_null_clears(
    database: Database, account: Account
) -> None:
    vat = (await _taxes(database, account))["IVA (21%)"]
    async with database.sessions() as session:
        product = await create_product(
            session,
            account,
            ProductInput(
                name="Widget", description="Blue", sku="W-1", price=Decimal(10), tax_ids=[vat.id]
            ),
        )
    async with database.sessions() as session:
        updated = await update_product(
            session, account, product.id, ProductInput(sku=None, description=None, tax_ids=None)
        )
    assert (updated.sku, updated.description, updated.tax_ids) == (None, "", [])
    assert (updated.name, updated.price) == ("Widget", Decimal(10))


async def test_update_refuses_null_for_a_required_field(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        product = await create_product(session, account, ProductInput(name="P", price=Decimal(1)))
    for field in ("name", "price", "discount", "active"):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await update_product(session, account, product.id, ProductInput(**_null(field)))
        assert list(field_codes(error.value)) == [field]
    async with database.sessions() as session:
        unchanged = await get_product(session, account, product.id)
    assert (unchanged.name, unchanged.price, unchanged.active) == ("P", Decimal(1), True)


async def test_search_matches_name_or_sku_literally(database: Database, account: Account) -> None:
    for name, sku in (("Cotton 100%", "C-100"), ("Cotton 50", "C_50"), ("Wool", "W1")):
        async with database.sessions() as session:
            await create_product(
                session, account, ProductInput(name=name, sku=sku, price=Decimal(1))
            )
    async with database.sessions() as session:
        cotton = await list_products(session, account, PageRequest(), search="COTTON")
        percent = await list_products(session, account, PageRequest(), search="0%")
        underscore = await list_products(session, account, PageRequest(), search="c_")
    assert sorted(p.name for p in cotton.items) == ["Cotton 100%", "Cotton 50"]
    assert [p.name for p in percent.items] == ["Cotton 100%"]
    assert [p.name for p in underscore.items] == ["Cotton 50"]


async def test_products_page_by_price(database: Database, account: Account) -> None:
    for price in ("3.5", "1.25", "2"):
        async with database.sessions() as session:
            await create_product(
                session, account, ProductInput(name=f"P{price}", price=Decimal(price))
            )
    by_price = PageRequest(limit=2, order_by="price", descending=False)
    async with database.sessions() as session:
        first = await list_products(session, account, by_price)
        rest = await list_products(session, account, replace(by_price, after=first.cursors[-1]))
    assert [p.price for p in first.items] == [Decimal("1.25"), Decimal(2)]
    assert [p.price for p in rest.items] == [Decimal("3.5")] and not rest.has_next


async def test_another_accounts_product_is_not_found(
    database: Database, account: Account, other_account: Account
) -> None:
    async with database.sessions() as session:
        theirs = await create_product(
            session, other_account, ProductInput(name="Theirs", price=Decimal(1))
        )
    for ref in (theirs.uuid, theirs.id):
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await get_product(session, account, ref)
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await update_product(session, account, ref, ProductInput(name="Mine"))
    async with database.sessions() as session:
        assert (await list_products(session, account, PageRequest())).items == []


def _null(field: str) -> dict[str, Any]:
    return {field: None}
