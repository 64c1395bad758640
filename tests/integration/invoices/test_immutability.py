"""An issued invoice keeps its fiscal content; only the last of a series may be deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, InvoiceDocumentFile, Series
from invoicegraph.domain.errors import Conflict, NotFound, ValidationFailed
from invoicegraph.services.catalog import get_series
from invoicegraph.services.invoices import delete_invoice, mark_paid, unmark_paid
from invoicegraph.services.invoices.loading import account_today

from .conftest import Catalogue
from .helpers import get, issue, line, new_draft, new_issued, rectify, update


async def delete(database: Database, account: Account, invoice_id: int) -> None:
    async with database.sessions() as session:
        await delete_invoice(session, account, invoice_id)


async def test_an_issued_invoice_refuses_every_fiscal_change_naming_them(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)
    before = await get(database, account, invoice_id)

    with pytest.raises(Conflict) as refused:
        await update(
            database,
            account,
            invoice_id,
            lines=[line(catalogue, price="1")],
            client=catalogue.client_id,
            currency="USD",
            date=before.date - dt.timedelta(days=1),
            series=catalogue.series["F"],
            exchange_rate=Decimal("1.1"),
            notes="would be fine alone",
        )

    assert refused.value.fields == [
        "client",
        "date",
        "currency",
        "exchange_rate",
        "lines",
        "series",
    ]
    after = await get(database, account, invoice_id)
    assert (after.notes, after.total_with_taxes, after.currency) == (
        None,
        before.total_with_taxes,
        "EUR",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"lines": []},
        {"client": None},
        {"currency": "USD"},
        {"exchange_rate": Decimal(2)},
        {"series": None},
        {"is_simplified": True},
        {"reload_issued_by": True},
    ],
)
async def test_each_fiscal_field_alone_is_refused(
    database: Database, account: Account, catalogue: Catalogue, change: dict[str, object]
) -> None:
    invoice_id = await new_issued(database, account, catalogue)

    with pytest.raises(Conflict) as refused:
        await update(database, account, invoice_id, **change)

    assert refused.value.fields == list(change)


async def test_resending_the_same_values_is_no_change(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)
    issued = await get(database, account, invoice_id)

    same = await update(
        database,
        account,
        invoice_id,
        currency="eur",
        date=issued.date,
        exchange_rate=Decimal("1.000000"),
        name="Renamed",
    )

    assert (same.currency, same.date, same.name) == ("EUR", issued.date, "Renamed")


async def test_payment_date_notes_and_reference_stay_editable(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)
    today = account_today(account)

    changed = await update(
        database,
        account,
        invoice_id,
        payed_at=today,
        notes="paid by card",
        external_reference="X-1",
    )
    assert (changed.payed_at, changed.notes, changed.external_reference) == (
        today,
        "paid by card",
        "X-1",
    )

    cleared = await update(database, account, invoice_id, payed_at=None, notes=None)
    assert (cleared.payed_at, cleared.notes) == (None, None)
    assert (await get(database, account, invoice_id)).status == "issued"


async def test_a_payment_date_in_the_future_is_refused_on_update_too(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await update(
            database, account, invoice_id, payed_at=account_today(account) + dt.timedelta(days=1)
        )

    assert [f.field for f in refused.value.fields] == ["payed_at"]
    assert (await get(database, account, invoice_id)).payed_at is None


async def test_a_draft_is_never_paid_through_an_update(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await update(database, account, draft_id, payed_at=account_today(account))

    assert [f.field for f in refused.value.fields] == ["payed_at"]


async def test_drafts_are_always_deleted_issued_ones_only_when_last(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    first = await new_issued(database, account, catalogue)
    second = await new_issued(database, account, catalogue)
    draft = await new_draft(database, account, catalogue)

    await delete(database, account, draft)
    with pytest.raises(Conflict) as refused:
        await delete(database, account, first)
    assert refused.value.fields == ["number"]
    assert (await get(database, account, first)).status == "issued"

    await delete(database, account, second)
    with pytest.raises(NotFound):
        await get(database, account, second)
    reused = await new_issued(database, account, catalogue)
    assert ((await get(database, account, reused)).number, reused != second) == (2, True)


async def test_deleting_the_last_gives_back_its_number_and_the_previous_date(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    today = account_today(account)
    await new_issued(database, account, catalogue, date=today - dt.timedelta(days=9))
    last = await new_issued(database, account, catalogue, date=today)

    await delete(database, account, last)

    async with database.sessions() as session, session.begin():
        series = await session.scalar(
            select(Series).where(
                Series.account_id == account.id, Series.id == catalogue.series["F"]
            )
        )
        assert series is not None
        assert (series.last_number, series.last_issue_date) == (1, today - dt.timedelta(days=9))
    backdated = await new_issued(database, account, catalogue, date=today - dt.timedelta(days=9))
    assert (await get(database, account, backdated)).full_number == "F2"


async def test_an_invoice_with_rectificatives_is_not_deleted(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original = await new_issued(database, account, catalogue)
    await rectify(database, account, original)

    with pytest.raises(Conflict):
        await delete(database, account, original)


async def test_an_issued_invoice_is_never_deleted_with_verifactu_on(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)
    account.verifactu_enabled = True  # switched on later: its records are in the chain

    with pytest.raises(Conflict):
        await delete(database, account, invoice_id)

    assert (await get(database, account, invoice_id)).status == "issued"


async def test_deleting_the_only_issued_invoice_resets_the_series(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    only = await new_issued(database, account, catalogue)

    await delete(database, account, only)

    draft = await new_draft(database, account, catalogue)
    earlier = account_today(account) - dt.timedelta(days=30)
    assert (await issue(database, account, draft, date=earlier)).full_number == "F1"


async def store_pdf(database: Database, account: Account, invoice_id: int) -> None:
    async with database.sessions() as session, session.begin():
        session.add(
            InvoiceDocumentFile(
                account_id=account.id,
                invoice_id=invoice_id,
                format="pdf",
                media_type="application/pdf",
                content=b"%PDF-1.7 as first rendered",
            )
        )


async def stored_pdfs(database: Database, account: Account, invoice_id: int) -> int:
    async with database.sessions() as session, session.begin():
        count = await session.scalar(
            select(func.count())
            .select_from(InvoiceDocumentFile)
            .where(
                InvoiceDocumentFile.account_id == account.id,
                InvoiceDocumentFile.invoice_id == invoice_id,
            )
        )
    return count or 0


async def test_the_stored_pdf_is_forgotten_when_something_it_prints_changes(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """Due date, payment method and date, the reference and the presentation are printed."""
    invoice_id = await new_issued(database, account, catalogue)
    today = account_today(account)
    await store_pdf(database, account, invoice_id)

    await update(database, account, invoice_id, notes="private, never printed")
    assert await stored_pdfs(database, account, invoice_id) == 1

    printed_changes: list[tuple[str, Any]] = [
        ("external_reference", "ORDER-1"),
        ("due_date", today + dt.timedelta(days=60)),
        ("payment_method", None),
        ("payed_at", today),
        ("lang", "en"),
    ]
    for name, value in printed_changes:
        await update(database, account, invoice_id, **{name: value})
        assert await stored_pdfs(database, account, invoice_id) == 0, name
        await store_pdf(database, account, invoice_id)

    for change in (unmark_paid, mark_paid):
        async with database.sessions() as session:
            await change(session, account, invoice_id)
        assert await stored_pdfs(database, account, invoice_id) == 0, change.__name__
        await store_pdf(database, account, invoice_id)


async def test_a_long_lived_session_does_not_delete_from_a_stale_series(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    first = await new_issued(database, account, catalogue)

    async with database.sessions() as session:
        shown = await get_series(session, account, catalogue.series["F"])  # last number 1
        assert shown.last_number == 1
        second = await new_issued(database, account, catalogue)  # another session, meanwhile
        with pytest.raises(Conflict):
            await delete_invoice(session, account, first)

    assert (await get(database, account, first)).status == "issued"
    assert (await get(database, account, second)).number == 2
