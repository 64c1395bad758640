"""Issuing: the next number of the series, in place or as a new invoice from a proforma."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Series
from invoicegraph.domain.errors import Conflict, NotFound, ValidationFailed
from invoicegraph.services.catalog import SeriesInput, create_series, get_series
from invoicegraph.services.clients import ClientInput, update_client
from invoicegraph.services.invoices import IssueOptions, issue_invoice
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.services.lines import LineData

from .conftest import Catalogue
from .helpers import fields_of, get, issue, line, new_draft, new_issued, rectify, returned


async def series_state(
    database: Database, account: Account, series_id: int
) -> tuple[int, dt.date | None]:
    async with database.sessions() as session, session.begin():
        series = await session.scalar(
            select(Series).where(Series.account_id == account.id, Series.id == series_id)
        )
        assert series is not None
        return series.last_number, series.last_issue_date


async def new_series(
    database: Database, account: Account, code: str, kind: str = "ordinary", **fields: object
) -> int:
    async with database.sessions() as session:
        return (
            await create_series(session, account, SeriesInput(code=code, kind=kind, **fields))
        ).id  # type: ignore[arg-type]


async def test_issuing_in_place_keeps_the_id_and_takes_the_next_number(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    first_draft = await new_draft(database, account, catalogue)
    second_draft = await new_draft(database, account, catalogue)

    first = await issue(database, account, first_draft)
    second = await issue(database, account, second_draft)

    assert (first.id, first.status, first.number, first.full_number) == (
        first_draft,
        "issued",
        1,
        "F1",
    )
    assert (second.id, second.number, second.full_number) == (second_draft, 2, "F2")
    stored = await get(database, account, first_draft)
    assert stored.status == "issued" and stored.series_id == catalogue.series["F"]
    assert stored.date == account_today(account) and stored.issued_at is not None
    assert await series_state(database, account, catalogue.series["F"]) == (
        2,
        account_today(account),
    )


async def test_a_series_named_by_uuid_with_its_own_format(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    series_id = await new_series(database, account, "W", number_format="{code}{year}/{number:05d}")
    async with database.sessions() as session, session.begin():
        series_uuid = await session.scalar(
            select(Series.uuid).where(Series.account_id == account.id, Series.id == series_id)
        )
    draft_id = await new_draft(database, account, catalogue)

    issued = await issue(database, account, draft_id, series=series_uuid)

    year = account_today(account).year
    assert (issued.series_id, issued.number, issued.full_number) == (series_id, 1, f"W{year}/00001")


async def test_the_draft_names_its_series_up_front(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    series_id = await new_series(database, account, "T")
    draft_id = await new_draft(database, account, catalogue, series=series_id)

    assert (await issue(database, account, draft_id)).series_id == series_id


async def test_as_new_creates_another_invoice_and_keeps_the_proforma(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    proforma_id = await new_draft(
        database, account, catalogue, [LineData(product=catalogue.product_id)], name="Proforma"
    )

    issued = await issue(database, account, proforma_id, as_new=True)

    assert issued.id != proforma_id and issued.issued_from_id == proforma_id
    assert (issued.status, issued.number, issued.name) == ("issued", 1, "Proforma")
    proforma = await get(database, account, proforma_id)
    assert proforma.status == "draft" and proforma.number is None and proforma.series_id is None
    copy = await get(database, account, issued.id)
    assert [(ln.description, ln.total_with_taxes) for ln in copy.lines] == [
        ("Consulting with discount 5%", Decimal("2586.38"))
    ]
    assert [t.name for t in copy.lines[0].taxes] == ["IVA (21%)"]
    assert copy.total_with_taxes == proforma.total_with_taxes == Decimal("2586.38")
    assert copy.recipient_name == "Acme S.L." and copy.uuid != proforma.uuid


async def test_as_new_deletes_the_proforma_when_asked(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    proforma_id = await new_draft(database, account, catalogue)

    issued = await issue(database, account, proforma_id, as_new=True, delete_proforma=True)

    with pytest.raises(NotFound):
        await get(database, account, proforma_id)
    kept = await get(database, account, issued.id)
    assert kept.status == "issued" and kept.issued_from_id is None and len(kept.lines) == 1


async def test_an_issue_date_before_the_series_last_one_is_refused(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    today = account_today(account)
    await new_issued(database, account, catalogue, date=today - dt.timedelta(days=1))
    draft_id = await new_draft(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, draft_id, date=today - dt.timedelta(days=2))

    assert [(f.field, f.code) for f in refused.value.fields] == [("date", "before_last_issue")]
    assert (await get(database, account, draft_id)).status == "draft"
    assert await series_state(database, account, catalogue.series["F"]) == (
        1,
        today - dt.timedelta(days=1),
    )
    same_day = await issue(database, account, draft_id, date=today - dt.timedelta(days=1))
    assert same_day.number == 2


async def test_an_issue_date_in_the_future_is_refused(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, draft_id, date=account_today(account) + dt.timedelta(days=1))

    assert fields_of(refused.value) == ["date"]
    assert await series_state(database, account, catalogue.series["F"]) == (0, None)


async def test_the_due_date_moves_with_the_issue_date(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    today = account_today(account)
    draft_id = await new_draft(database, account, catalogue, date=today - dt.timedelta(days=5))

    issued = await issue(database, account, draft_id, date=today)

    assert issued.date == today and issued.due_date == today + dt.timedelta(
        days=catalogue.term_days
    )


async def test_issuer_and_recipient_are_snapshotted(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)

    async with database.sessions() as session:
        await update_client(
            session,
            account,
            catalogue.client_id,
            ClientInput(name="Another name S.L.", address="Elsewhere 1", tax_id="B12345674"),
        )

    invoice = await get(database, account, invoice_id)
    assert (invoice.recipient_name, invoice.recipient_tax_id, invoice.recipient_address) == (
        "Acme S.L.",
        "B87654323",
        "Acme address nº 99",
    )
    assert (invoice.recipient_city, invoice.recipient_postal_code) == ("My City", "55555")
    assert (invoice.issuer_name, invoice.issuer_tax_id) == (account.name, account.tax_id)


async def test_an_invoice_needs_lines_and_a_recipient(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(database, account, catalogue, [], client=None)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, draft_id)

    assert fields_of(refused.value) == ["lines", "client_id"]
    assert await series_state(database, account, catalogue.series["F"]) == (0, None)


async def test_an_issued_invoice_is_not_issued_again(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    invoice_id = await new_issued(database, account, catalogue)

    with pytest.raises(Conflict) as refused:
        await issue(database, account, invoice_id)

    assert refused.value.fields == ["status"]


async def test_a_rectificative_needs_a_rectificative_series_and_back(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await new_issued(database, account, catalogue)
    rectificative_id = (await rectify(database, account, original_id)).id
    draft_id = await new_draft(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, rectificative_id, series=catalogue.series["F"])
    assert fields_of(refused.value) == ["serie_id"]
    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, draft_id, series=catalogue.series["R"])
    assert fields_of(refused.value) == ["serie_id"]

    issued = await issue(database, account, rectificative_id)
    assert (issued.series_id, issued.full_number) == (catalogue.series["R"], "R1")


async def test_an_unknown_or_inactive_series_is_a_field_error(
    database: Database, account: Account, other_account: Account, catalogue: Catalogue
) -> None:
    inactive = await new_series(database, account, "OLD", active=False)
    draft_id = await new_draft(database, account, catalogue)
    async with database.sessions() as session, session.begin():
        # by its UUID: an integer id counts within the caller's account (999_999 below)
        foreign = await session.scalar(
            select(Series.uuid).where(Series.account_id == other_account.id)
        )

    for series in (inactive, foreign, 999_999):
        with pytest.raises(ValidationFailed) as refused:
            await issue(database, account, draft_id, series=series)
        assert fields_of(refused.value) == ["serie_id"]


async def test_a_simplified_invoice_needs_no_recipient_but_its_own_series(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    ticket = await new_draft(database, account, catalogue, client=None, is_simplified=True)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, ticket)
    assert fields_of(refused.value) == ["serie_id"]

    await new_series(database, account, "T", kind="simplified")
    issued = await issue(database, account, ticket)
    assert issued.full_number == "T1" and issued.recipient_name is None


async def test_a_simplified_invoice_over_the_limit_is_refused(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    await new_series(database, account, "T", kind="simplified")
    ticket = await new_draft(
        database, account, catalogue, [line(catalogue, price="3000")], is_simplified=True
    )

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, ticket)

    assert fields_of(refused.value) == ["lines"]


async def test_a_long_lived_session_sees_the_numbers_other_sessions_took(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """A face may run several mutations on one session: the series it loaded before must not
    hand out a number another process has taken since."""
    drafts = [await new_draft(database, account, catalogue) for _ in range(4)]
    named = catalogue.series["F"]

    async with database.sessions() as session:
        shown = await get_series(session, account, named)  # say, to show it in an answer
        first = await issue_invoice(session, account, drafts[0], IssueOptions())
        await issue(database, account, drafts[1])  # another session, meanwhile
        second = await issue_invoice(session, account, drafts[2], IssueOptions())
        await issue(database, account, drafts[3], series=named)
        third = await issue_invoice(
            session,
            account,
            await new_draft(database, account, catalogue),
            IssueOptions(series=named),
        )

    assert [first.number, second.number, third.number] == [1, 3, 5]
    assert shown.last_number == 5


async def test_a_rectificative_draft_issued_as_new_takes_the_original_once(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await new_issued(database, account, catalogue, [line(catalogue, quantity="2")])
    draft = await rectify(database, account, original_id, [returned("1", description="Service")])

    issued = await issue(database, account, draft.id, as_new=True)

    assert issued.is_rectificative and issued.full_number == "R1"
    original = await get(database, account, original_id)
    assert original.rectified_status == "partial"
    again = await rectify(database, account, original_id, [returned("1", description="Service")])
    assert [ln.quantity for ln in again.lines] == [-1]
    assert (await get(database, account, original_id)).rectified_status == "full"
