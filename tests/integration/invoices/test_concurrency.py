"""Concurrent issuing and rectifying on PostgreSQL: every issue in its own session, all at once.

Numbers must come out gapless, unique and in date order in every series, and concurrent
partial rectifications of one original must never take more than it has. Each test runs five
times (``run``) so that a race has several chances to show. The 200 tasks share at most 20
sessions at once, the pool's size, so the test never exhausts PostgreSQL's connections.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice, InvoiceLine, InvoiceLineTax, Series
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.services.accounts import create_account
from invoicegraph.services.catalog import SeriesInput, create_series
from invoicegraph.services.invoices import IssueOptions, delete_invoice
from invoicegraph.services.invoices.loading import account_today, load_invoice
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from .conftest import Catalogue, load_catalogue
from .helpers import get, issue, line, new_draft, new_issued, rectify, returned

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("postgresql_concurrency")]
RUNS = range(5)
INVOICES = 200
SESSIONS = 20  # the pool's size: its overflow stays free for the rest of the server


@pytest.fixture
async def pg_account(postgresql_database: Database) -> Account:
    async with postgresql_database.sessions() as session:
        return await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Concurrent S.L.",
            tax_id=new_tax_id(),
            plan="professional",
        )


@pytest.fixture
async def pg_catalogue(postgresql_database: Database, pg_account: Account) -> Catalogue:
    return await load_catalogue(postgresql_database, pg_account)


async def clone(database: Database, account: Account, template_id: int, count: int) -> list[int]:
    """``count`` copies of a draft with its lines, written in one transaction: the setup of
    a concurrency test, not what it tests (the template itself went through the service)."""
    skip = {"id", "uuid", "created_at", "updated_at"}
    async with database.sessions() as session, session.begin():
        template = await load_invoice(session, account, template_id)
        copies = [copy_row(Invoice, template, skip) for _ in range(count)]
        session.add_all(copies)
        await session.flush()
        pairs = [
            (copy_row(InvoiceLine, line, skip | {"invoice_id"}, invoice_id=copy.id), line)
            for copy in copies
            for line in template.lines
        ]
        session.add_all([row for row, _ in pairs])
        await session.flush()
        session.add_all(
            copy_row(
                InvoiceLineTax,
                tax,
                skip | {"invoice_id", "line_id"},
                invoice_id=row.invoice_id,
                line_id=row.id,
            )
            for row, line in pairs
            for tax in line.taxes
        )
        return [copy.id for copy in copies]


def copy_row(model: Any, source: Any, skip: set[str], **values: Any) -> Any:
    for column in model.__table__.columns:
        if column.key not in skip:
            values[column.key] = getattr(source, column.key)
    return model(**values)


async def issue_racing(
    sessions: asyncio.Semaphore,
    database: Database,
    account: Account,
    draft_id: int,
    series_id: int | None,
    date: dt.date,
    today: dt.date,
) -> None:
    """Issue on ``date``; a rival that already issued today in the series makes an earlier
    date invalid, and the issue is then retried for today (as a client would)."""
    async with sessions:
        try:
            await issue(database, account, draft_id, series=series_id, date=date)
        except ValidationFailed as refused:
            assert [(f.field, f.code) for f in refused.fields] == [("date", "before_last_issue")]
            await issue(database, account, draft_id, series=series_id, date=today)


@pytest.mark.parametrize("run", RUNS)
async def test_concurrent_issues_number_every_series_without_gaps_in_date_order(
    run: int, postgresql_database: Database, pg_account: Account, pg_catalogue: Catalogue
) -> None:
    database, account = postgresql_database, pg_account
    today = account_today(account)
    yesterday = today - dt.timedelta(days=1)
    extra = []
    for code in ("X", "Y"):
        async with database.sessions() as session:
            extra.append((await create_series(session, account, SeriesInput(code=code))).id)
    ordinary = [pg_catalogue.series["F"], *extra]
    rectificatives = INVOICES // 4
    original_id = await new_issued(
        database,
        account,
        pg_catalogue,
        [line(pg_catalogue, "Box", str(rectificatives))],
        series=extra[0],
        date=yesterday,
    )
    template = await new_draft(database, account, pg_catalogue)
    drafts = [template, *await clone(database, account, template, INVOICES - rectificatives - 1)]
    returned_box = (
        await rectify(database, account, original_id, [returned("1", description="Box")])
    ).id
    drafts += [returned_box, *await clone(database, account, returned_box, rectificatives - 1)]
    series_of = {
        draft_id: ordinary[i % 3] for i, draft_id in enumerate(drafts[: INVOICES - rectificatives])
    }
    chooser = random.Random(run)
    sessions = asyncio.Semaphore(SESSIONS)

    await asyncio.gather(
        *(
            issue_racing(
                sessions,
                database,
                account,
                draft_id,
                series_of.get(draft_id),
                yesterday if chooser.random() < 0.2 else today,
                today,
            )
            for draft_id in drafts
        )
    )

    async with database.sessions() as session, session.begin():
        rows = (
            await session.execute(
                select(Invoice.series_id, Invoice.number, Invoice.date, Invoice.full_number)
                .where(Invoice.account_id == account.id, Invoice.status == "issued")
                .order_by(Invoice.series_id, Invoice.number)
            )
        ).all()
        series = {
            s.id: s
            for s in await session.scalars(select(Series).where(Series.account_id == account.id))
        }
    by_series: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for series_id, number, date, _ in rows:
        by_series[series_id].append((number, date))
    assert len(rows) == INVOICES + 1  # and the original
    assert len({full for *_, full in rows}) == len(rows)
    assert set(by_series) == {*ordinary, pg_catalogue.series["R"]}
    for series_id, issued in by_series.items():
        numbers = [number for number, _ in issued]
        dates = [date for _, date in issued]
        assert numbers == list(range(1, len(issued) + 1)), series[series_id].code
        assert dates == sorted(dates), series[series_id].code
        assert series[series_id].last_number == len(issued)
        assert series[series_id].last_issue_date == dates[-1]
    assert len(by_series[pg_catalogue.series["R"]]) == rectificatives


@pytest.mark.parametrize("run", RUNS)
async def test_concurrent_partial_rectifications_never_exceed_the_original(
    run: int, postgresql_database: Database, pg_account: Account, pg_catalogue: Catalogue
) -> None:
    database, account = postgresql_database, pg_account
    original_id = await new_issued(
        database,
        account,
        pg_catalogue,
        [line(pg_catalogue, "Box", "10", "9.99"), line(pg_catalogue, "Bag", "3", "0.25")],
    )
    chooser = random.Random(run)
    asked = [chooser.choice(("1", "2", "3")) for _ in range(16)]

    async def attempt(quantity: str) -> tuple[str, bool]:
        try:
            await rectify(database, account, original_id, [returned(quantity, description="box")])
        except ValidationFailed as refused:
            assert [f.code for f in refused.fields] == ["exceeds_remaining"]
            return quantity, False
        return quantity, True

    outcomes = await asyncio.gather(*(attempt(quantity) for quantity in asked))

    taken = sum(Decimal(q) for q, ok in outcomes if ok)
    remaining = 10 - taken
    assert 0 <= remaining < min(Decimal(q) for q in ("1", "2", "3")) + 2
    assert all(Decimal(q) > remaining for q, ok in outcomes if not ok)
    original = await get(database, account, original_id)
    assert original.rectified_status == "partial"
    async with database.sessions() as session, session.begin():
        negated = (
            await session.scalars(
                select(Invoice.total_before_taxes).where(
                    Invoice.account_id == account.id, Invoice.rectifies_invoice_id == original_id
                )
            )
        ).all()
    assert len(negated) == sum(ok for _, ok in outcomes)
    assert -sum(negated) == taken * Decimal("9.99")


async def test_deleting_a_rectificative_locks_the_original_before_the_series(
    postgresql_database: Database, pg_account: Account, pg_catalogue: Catalogue
) -> None:
    """Rectifying takes the original, then the rectificative series: deleting the last
    rectificative must take them in that order too, or the two deadlock."""
    database, account = postgresql_database, pg_account
    original_id = await new_issued(database, account, pg_catalogue)
    rectificative = await rectify(database, account, original_id, issue=IssueOptions())
    rectificative_id = rectificative.id

    async with database.sessions() as holder, holder.begin():
        await holder.execute(
            select(Invoice.id)
            .where(Invoice.account_id == account.id, Invoice.id == original_id)
            .with_for_update()
        )
        deleting = asyncio.create_task(delete(database, account, rectificative_id))
        async with database.sessions() as observer, observer.begin():
            for _ in range(500):  # until the deletion waits for the original
                waiting = await observer.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
                if waiting:
                    break
                await asyncio.sleep(0.01)
            assert waiting and not deleting.done()
            series_is_free = await observer.scalar(
                select(Series.id)
                .where(Series.account_id == account.id, Series.id == pg_catalogue.series["R"])
                .with_for_update(nowait=True)
            )
        assert series_is_free == pg_catalogue.series["R"]
    await deleting

    assert (await get(database, account, original_id)).rectified_status == "none"


async def delete(database: Database, account: Account, invoice_id: int) -> None:
    async with database.sessions() as session:
        await delete_invoice(session, account, invoice_id)
