"""Due-date terms: a number of days, one default, and the due date they give an invoice."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, DueDateTerm
from invoicegraph.domain.errors import NotFound, ValidationFailed
from invoicegraph.services.catalog import (
    DueDateTermInput,
    create_due_date_term,
    due_date_for,
    get_due_date_term,
    list_due_date_terms,
    update_due_date_term,
)
from invoicegraph.services.pagination import PageRequest

from .helpers import field_codes


async def _create(database: Database, account: Account, **fields: Any) -> DueDateTerm:
    async with database.sessions() as session:
        return await create_due_date_term(session, account, DueDateTermInput(**fields))


async def _update(
    database: Database, account: Account, term: DueDateTerm, **fields: Any
) -> DueDateTerm:
    async with database.sessions() as session:
        return await update_due_date_term(
            session,
            account,
            term.uuid,
            DueDateTermInput(**fields),
        )


async def test_a_term_takes_zero_to_ten_years_of_days(database: Database, account: Account) -> None:
    on_receipt = await _create(database, account, name="On receipt", days=0)
    longest = await _create(database, account, name="Ten years", days=3650)
    assert (on_receipt.days, longest.days) == (0, 3650)
    assert not on_receipt.is_default and on_receipt.active
    for days, code in (
        (-1, "out_of_range"),
        (3651, "out_of_range"),
        ("30", "invalid"),
        (True, "invalid"),
        (1.5, "invalid"),
    ):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await create_due_date_term(
                    session,
                    account,
                    DueDateTermInput(name="Bad", days=days),  # type: ignore[arg-type]
                )
        assert field_codes(error.value) == {"days": code}, days


async def test_every_offending_field_is_reported(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_due_date_term(
                session,
                account,
                DueDateTermInput(is_default="yes"),  # type: ignore[arg-type]
            )
    assert field_codes(error.value) == {
        "name": "required",
        "days": "required",
        "is_default": "invalid",
    }


async def test_update_changes_only_what_is_sent(database: Database, account: Account) -> None:
    term = await _create(database, account, name="60 days", days=60)
    renamed = await _update(database, account, term, name="Sixty days")
    assert (renamed.name, renamed.days) == ("Sixty days", 60)
    for field, code in (("days", "invalid"), ("name", "required"), ("active", "invalid")):
        with pytest.raises(ValidationFailed) as error:
            await _update(database, account, term, **{field: None})
        assert field_codes(error.value) == {field: code}
    async with database.sessions() as session:
        unchanged = await get_due_date_term(session, account, term.id)
    assert (unchanged.name, unchanged.days, unchanged.active) == ("Sixty days", 60, True)


async def test_one_default_term(database: Database, account: Account) -> None:
    fifteen = await _create(database, account, name="15 days", days=15, is_default=True)
    await _create(database, account, name="90 days", days=90)
    async with database.sessions() as session:
        defaults = list(
            await session.scalars(
                select(DueDateTerm.name).where(
                    DueDateTerm.account_id == account.id, DueDateTerm.is_default.is_(True)
                )
            )
        )
    assert defaults == [fifteen.name]


def test_the_due_date_counts_calendar_days() -> None:
    thirty = DueDateTerm(name="30 days", days=30)
    assert due_date_for(thirty, dt.date(2024, 1, 31)) == dt.date(2024, 3, 1)
    assert due_date_for(thirty, dt.date(2023, 12, 15)) == dt.date(2024, 1, 14)
    assert due_date_for(DueDateTerm(name="Now", days=0), dt.date(2024, 2, 29)) == dt.date(
        2024, 2, 29
    )


async def test_terms_page_by_days_with_cursors(database: Database, account: Account) -> None:
    for days in (60, 7, 90):
        await _create(database, account, name=f"{days} days", days=days)
    by_days = PageRequest(limit=2, order_by="days", descending=False)
    async with database.sessions() as session:
        first = await list_due_date_terms(session, account, by_days)
    async with database.sessions() as session:
        rest = await list_due_date_terms(
            session, account, replace(by_days, after=first.cursors[-1])
        )
    assert [t.days for t in first.items] == [7, 30] and first.total == 4
    assert [t.days for t in rest.items] == [60, 90] and not rest.has_next


async def test_another_accounts_term_is_not_found(
    database: Database, account: Account, other_account: Account
) -> None:
    theirs = await _create(database, other_account, name="Theirs", days=5)
    for ref in (theirs.uuid, theirs.id):
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await get_due_date_term(session, account, ref)
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await update_due_date_term(session, account, ref, DueDateTermInput(days=1))
    async with database.sessions() as session:
        page = await list_due_date_terms(session, account, PageRequest())
    assert [t.name for t in page.items] == ["30 days"]
