"""Payments: an issued invoice is paid on a date, or not yet; drafts are never paid."""

from __future__ import annotations

import datetime as dt

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import Conflict, ValidationFailed
from invoicegraph.services.invoices import InvoiceFilter, list_invoices, mark_paid, unmark_paid
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.services.pagination import PageRequest

from .conftest import Catalogue
from .helpers import get, new_draft, new_issued, rectify


async def test_an_issued_invoice_is_marked_paid_and_unmarked(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)
    paid_on = account_today(account) - dt.timedelta(days=2)

    async with database.sessions() as session:
        paid = await mark_paid(session, account, invoice_id, paid_on)
    assert paid.payed_at == paid_on
    assert (await get(database, account, invoice_id)).payed_at == paid_on

    async with database.sessions() as session:
        unpaid = await unmark_paid(session, account, invoice_id)
    assert unpaid.payed_at is None
    assert (await get(database, account, invoice_id)).payed_at is None


async def test_paid_today_by_default_and_never_in_the_future(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)
    today = account_today(account)

    with pytest.raises(ValidationFailed) as refused:
        async with database.sessions() as session:
            await mark_paid(session, account, invoice_id, today + dt.timedelta(days=1))
    assert [f.field for f in refused.value.fields] == ["payed_at"]

    async with database.sessions() as session:
        assert (await mark_paid(session, account, invoice_id)).payed_at == today


async def test_a_draft_is_neither_paid_nor_unpaid(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(database, account, catalogue)

    for change in (mark_paid, unmark_paid):
        with pytest.raises(Conflict) as refused:
            async with database.sessions() as session:
                await change(session, account, draft_id)
        assert refused.value.fields == ["status"]
    assert (await get(database, account, draft_id)).payed_at is None


async def test_the_unpaid_filter_lists_issued_ordinary_invoices_not_yet_paid(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    paid = await new_issued(database, account, catalogue)
    unpaid = await new_issued(database, account, catalogue)
    rectified = await new_issued(database, account, catalogue)
    await new_draft(database, account, catalogue)
    await rectify(database, account, rectified)
    async with database.sessions() as session:
        await mark_paid(session, account, paid)

    async with database.sessions() as session:
        page = await list_invoices(
            session,
            account,
            PageRequest(order_by="id", descending=False),
            InvoiceFilter(unpaid=True, kind="rectificative"),  # the kind is ignored
        )

    assert [i.id for i in page.items] == [unpaid, rectified] and page.total == 2
