"""Plan limits on issuing, and tenancy: another account's invoice is simply not found."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import (
    Account,
    Client,
    DueDateTerm,
    Invoice,
    PaymentMethod,
    Product,
    Series,
    Tax,
)
from invoicegraph.domain.errors import NotFound, PlanLimit, ValidationFailed
from invoicegraph.domain.plans import limits_for
from invoicegraph.services.accounts import create_account
from invoicegraph.services.invoices import (
    InvoiceData,
    InvoiceFilter,
    IssueOptions,
    RectifyOptions,
    delete_invoice,
    get_invoice,
    issue_invoice,
    list_invoices,
    mark_paid,
    rectify_invoice,
    unmark_paid,
    update_invoice,
)
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.services.lines import LineData
from invoicegraph.services.pagination import PageRequest
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from .conftest import Catalogue, load_catalogue
from .helpers import fields_of, get, issue, new_draft, new_issued


async def record_issued(database: Database, account: Account, date: dt.date, count: int) -> None:
    """Issued invoices written straight to the table: only their count matters here."""
    async with database.sessions() as session, session.begin():
        for _ in range(count):
            session.add(
                Invoice(
                    account_id=account.id,
                    status="issued",
                    date=date,
                    issuer_name=account.name,
                    issuer_tax_id=account.tax_id,
                    issuer_country="ES",
                )
            )


async def test_a_free_account_stops_issuing_at_its_monthly_limit(database: Database) -> None:
    async with database.sessions() as session:
        free = await create_account(
            session, **ISSUER_ADDRESS, name="Free S.L.", tax_id=new_tax_id(), plan="free"
        )
    catalogue = await load_catalogue(database, free)
    limit = limits_for("free").issued_invoices_per_month
    assert limit is not None
    today = account_today(free)
    await record_issued(database, free, today.replace(day=1) - dt.timedelta(days=1), limit)
    await record_issued(database, free, today, limit - 1)

    last_allowed = await new_issued(database, free, catalogue)
    assert (await get(database, free, last_allowed)).status == "issued"
    refused_id = await new_draft(database, free, catalogue)
    with pytest.raises(PlanLimit):
        await issue(database, free, refused_id)
    with pytest.raises(PlanLimit):
        await issue(database, free, refused_id, as_new=True)

    assert (await get(database, free, refused_id)).status == "draft"
    assert (await get(database, free, last_allowed)).number == 1


async def test_every_invoice_service_answers_not_found_for_another_account(
    database: Database, account: Account, other_account: Account, catalogue: Catalogue
) -> None:
    issued_id = await new_issued(database, account, catalogue)
    draft_id = await new_draft(database, account, catalogue)
    draft_uuid = (await get(database, account, draft_id)).uuid
    today = account_today(account)
    calls = {
        "get": lambda s, ref: get_invoice(s, other_account, ref),
        "update": lambda s, ref: update_invoice(s, other_account, ref, InvoiceData(notes="x")),
        "delete": lambda s, ref: delete_invoice(s, other_account, ref),
        "issue": lambda s, ref: issue_invoice(s, other_account, ref, IssueOptions()),
        "rectify": lambda s, ref: rectify_invoice(s, other_account, ref, RectifyOptions()),
        "mark_paid": lambda s, ref: mark_paid(s, other_account, ref, today),
        "unmark_paid": lambda s, ref: unmark_paid(s, other_account, ref),
    }

    for name, call in calls.items():
        for ref in (issued_id, draft_id, draft_uuid):
            with pytest.raises(NotFound):
                async with database.sessions() as session:
                    await call(session, ref)
            assert name

    assert (await get(database, account, draft_id)).status == "draft"
    issued = await get(database, account, issued_id)
    assert (issued.status, issued.payed_at, issued.rectified_status) == ("issued", None, "none")
    async with database.sessions() as session:
        page = await list_invoices(
            session, other_account, PageRequest(), InvoiceFilter(client=catalogue.client_id)
        )
    assert page.items == [] and page.total == 0


@pytest.mark.parametrize("ref", [0, -1, 2**63, True, "1", None])
async def test_a_malformed_id_is_not_found(
    database: Database, account: Account, ref: object
) -> None:
    with pytest.raises(NotFound):
        async with database.sessions() as session:
            await get_invoice(session, account, ref)  # type: ignore[arg-type]


async def test_another_accounts_catalogue_is_not_found_on_the_field(
    database: Database, account: Account, other_account: Account, catalogue: Catalogue
) -> None:
    theirs = await load_catalogue(database, other_account)
    # named by their UUIDs: an integer id counts within the caller's account, so theirs would
    # name my own rows of the same numbers
    wanted = {
        "product": (Product, theirs.product_id),
        "tax": (Tax, theirs.taxes["IVA (21%)"]),
        "client": (Client, theirs.client_id),
        "method": (PaymentMethod, theirs.payment_method_id),
        "term": (DueDateTerm, theirs.term_id),
    }
    uuids = {}
    async with database.sessions() as session, session.begin():
        for name, (model, row_id) in wanted.items():
            uuids[name] = await session.scalar(
                select(model.uuid).where(model.account_id == other_account.id, model.id == row_id)
            )
    assert all(uuids.values()), uuids

    with pytest.raises(ValidationFailed) as refused:
        await new_draft(
            database,
            account,
            catalogue,
            [
                LineData(product=uuids["product"]),
                LineData(
                    description="A",
                    quantity=Decimal(1),
                    price=Decimal(1),
                    taxes=[uuids["tax"]],
                ),
            ],
            client=uuids["client"],
            payment_method=uuids["method"],
            due_date_term=uuids["term"],
        )

    assert sorted(fields_of(refused.value)) == [
        "client_id",
        "due_date_id",
        "lines.0.product_id",
        "lines.1.taxes.0",
        "payment_method_id",
    ]
    draft_id = await new_draft(database, account, catalogue)
    async with database.sessions() as session, session.begin():
        their_series = await session.scalar(
            select(Series.uuid).where(
                Series.account_id == other_account.id, Series.id == theirs.series["F"]
            )
        )
    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, draft_id, series=their_series)
    assert fields_of(refused.value) == ["serie_id"]
