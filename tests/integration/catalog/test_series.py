"""Series: unique codes, checked formats, one default per kind, numbering fixed once used."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice, Series
from invoicegraph.domain.errors import Conflict, NotFound, ValidationFailed
from invoicegraph.services.catalog import (
    SeriesInput,
    create_series,
    default_series,
    get_series,
    list_series,
    update_series,
)
from invoicegraph.services.pagination import PageRequest

from .helpers import field_codes


async def _create(database: Database, account: Account, **fields: Any) -> Series:
    async with database.sessions() as session:
        return await create_series(session, account, SeriesInput(**fields))


async def _update(database: Database, account: Account, series: Series, **fields: Any) -> Series:
    async with database.sessions() as session:
        return await update_series(session, account, series.uuid, SeriesInput(**fields))


async def _defaults(database: Database, account: Account) -> list[tuple[str, str]]:
    async with database.sessions() as session:
        rows = await session.execute(
            select(Series.kind, Series.code)
            .where(Series.account_id == account.id, Series.is_default.is_(True))
            .order_by(Series.kind)
        )
        return [(kind, code) for kind, code in rows]


async def test_a_new_series_starts_unnumbered_with_the_plain_format(
    database: Database, account: Account
) -> None:
    series = await _create(database, account, code=" T-2025 ")
    assert (series.code, series.kind, series.number_format) == (
        "T-2025",
        "ordinary",
        "{code}{number}",
    )
    assert (series.last_number, series.last_issue_date, series.name) == (0, None, "")
    assert not series.is_default and series.active
    shop = await _create(
        database,
        account,
        code="S",
        kind="simplified",
        name="Tickets",
        number_format="{code}{year}/{number:05d}",
    )
    async with database.sessions() as session:
        stored = await get_series(session, account, shop.id)
    assert (stored.kind, stored.name, stored.number_format) == (
        "simplified",
        "Tickets",
        "{code}{year}/{number:05d}",
    )


async def test_numbering_is_not_an_input() -> None:
    with pytest.raises(TypeError):
        SeriesInput(last_number=7)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        SeriesInput(last_issue_date=dt.date(2024, 1, 1))  # type: ignore[call-arg]


async def test_every_offending_field_is_reported(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_series(
                session,
                account,
                SeriesInput(
                    code="bad code",
                    kind="proforma",
                    name="n" * 121,
                    number_format="{code}",
                    is_default=None,  # type: ignore[arg-type]
                ),
            )
    assert field_codes(error.value) == {
        "code": "invalid",
        "kind": "invalid_choice",
        "name": "too_long",
        "number_format": "invalid",
        "is_default": "invalid",
    }
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_series(session, account, SeriesInput(kind="ordinary"))
    assert field_codes(error.value) == {"code": "required"}


async def test_a_format_that_cannot_number_this_series_is_refused(
    database: Database, account: Account
) -> None:
    for number_format in (
        "{number[0]}",
        "{number:{code}}",
        "{code}{nope}{number}",
        "{number}{",
        "{code:>70}{number}",
    ):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await create_series(
                    session, account, SeriesInput(code="ABC", number_format=number_format)
                )
        assert field_codes(error.value) == {"number_format": "invalid"}, number_format


async def test_a_code_names_one_series_of_an_account(
    database: Database, account: Account, other_account: Account
) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_series(session, account, SeriesInput(code="F"))  # seeded
    assert field_codes(error.value) == {"code": "duplicate"}
    mine = await _create(database, account, code="G")
    with pytest.raises(ValidationFailed) as error:
        await _update(database, account, mine, code="R")
    assert field_codes(error.value) == {"code": "duplicate"}
    assert (await _update(database, account, mine, code="G", name="Same code")).code == "G"
    assert (await _create(database, other_account, code="G")).code == "G"


async def test_concurrent_creates_of_one_code_make_one_series(
    database: Database, account: Account
) -> None:
    async def attempt() -> str:
        try:
            await _create(database, account, code="RACE")
        except ValidationFailed as exc:
            return field_codes(exc)["code"]
        return "created"

    outcomes = await asyncio.gather(*(attempt() for _ in range(6)))
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 5


async def test_a_series_that_has_issued_keeps_its_code_kind_and_format(
    database: Database, account: Account
) -> None:
    series = await _create(database, account, code="H")
    async with database.sessions() as session, session.begin():
        # what issuing leaves behind: a numbered invoice and the series advanced
        session.add(
            Invoice(
                account_id=account.id,
                status="issued",
                series_id=series.id,
                number=1,
                full_number="H1",
                date=dt.date.today(),
                issuer_name=account.name,
                issuer_tax_id=account.tax_id,
                issuer_country="ES",
            )
        )
        stored = await session.get_one(Series, (account.id, series.id))
        stored.last_number, stored.last_issue_date = 1, dt.date.today()
    with pytest.raises(Conflict) as conflict:
        await _update(database, account, series, code="H2")
    assert conflict.value.fields == ["code"]
    with pytest.raises(Conflict) as conflict:
        await _update(database, account, series, kind="simplified", number_format="{number}")
    assert conflict.value.fields == ["kind", "number_format"]
    renamed = await _update(
        database, account, series, code="H", name="Renamed", is_default=True, active=False
    )
    assert (renamed.code, renamed.name, renamed.is_default, renamed.active) == (
        "H",
        "Renamed",
        True,
        False,
    )
    assert (renamed.last_number, renamed.last_issue_date) == (1, dt.date.today())


async def test_a_series_with_only_drafts_can_still_change(
    database: Database, account: Account
) -> None:
    series = await _create(database, account, code="D")
    async with database.sessions() as session, session.begin():
        session.add(
            Invoice(
                account_id=account.id,
                series_id=series.id,
                date=dt.date.today(),
                issuer_name=account.name,
                issuer_tax_id=account.tax_id,
                issuer_country="ES",
            )
        )
    changed = await _update(database, account, series, code="D2", number_format="{number}")
    assert (changed.code, changed.number_format) == ("D2", "{number}")


async def test_one_default_series_per_kind(database: Database, account: Account) -> None:
    assert await _defaults(database, account) == [("ordinary", "F"), ("rectificative", "R")]
    await _create(database, account, code="F2", is_default=True)
    assert await _defaults(database, account) == [("ordinary", "F2"), ("rectificative", "R")]
    async with database.sessions() as session:
        assert (await default_series(session, account, "ordinary")).code == "F2"
    shop = await _create(database, account, code="S", kind="simplified")
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await default_series(session, account, "simplified")
    await _update(database, account, shop, is_default=True)
    assert await _defaults(database, account) == [
        ("ordinary", "F2"),
        ("rectificative", "R"),
        ("simplified", "S"),
    ]


async def test_a_default_series_that_changes_kind_stops_being_the_default(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        ordinary = await default_series(session, account, "ordinary")
    moved = await _update(database, account, ordinary, kind="simplified")
    assert not moved.is_default
    assert await _defaults(database, account) == [("rectificative", "R")]
    await _update(database, account, moved, kind="ordinary", is_default=True)
    assert await _defaults(database, account) == [("ordinary", "F"), ("rectificative", "R")]


async def test_default_series_joins_an_open_transaction_and_skips_inactive(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session, session.begin():
        locked = await default_series(session, account, "rectificative", for_update=True)
        assert locked.code == "R"
    rectificative = await _update(database, account, locked, active=False)
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await default_series(session, account, "rectificative")
    await _update(database, account, rectificative, active=True, is_default=False)
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await default_series(session, account, "rectificative")
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await default_series(session, account, "proforma")
    assert field_codes(error.value) == {"kind": "invalid_choice"}


async def test_concurrent_default_changes_leave_one_default(
    database: Database, account: Account
) -> None:
    candidates = [await _create(database, account, code=f"C{i}") for i in range(6)]
    await asyncio.gather(
        *(_update(database, account, series, is_default=True) for series in candidates)
    )
    defaults = await _defaults(database, account)
    assert [kind for kind, _ in defaults] == ["ordinary", "rectificative"]


async def test_list_series_by_kind_and_activity(database: Database, account: Account) -> None:
    await _create(database, account, code="X", active=False)
    async with database.sessions() as session:
        ordinary = await list_series(
            session, account, PageRequest(order_by="code", descending=False), kind="ordinary"
        )
        inactive = await list_series(session, account, PageRequest(), active=False)
    assert [s.code for s in ordinary.items] == ["F", "X"]
    assert [s.code for s in inactive.items] == ["X"]
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await list_series(session, account, PageRequest(), kind="proforma")
    assert field_codes(error.value) == {"kind": "invalid_choice"}


async def test_another_accounts_series_is_not_found(
    database: Database, account: Account, other_account: Account
) -> None:
    theirs = await _create(database, other_account, code="T")
    for ref in (theirs.uuid, theirs.id):
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await get_series(session, account, ref)
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await update_series(session, account, ref, SeriesInput(name="Mine"))
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await update_series(session, account, ref, SeriesInput(is_default=True))
    async with database.sessions() as session:
        page = await list_series(session, account, PageRequest())
    assert "T" not in {s.code for s in page.items}
