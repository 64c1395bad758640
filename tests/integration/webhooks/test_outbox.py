"""Every change that matters to an integration is recorded as an event in the transaction that
makes it: one per change, in order, and none for a change that rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Event
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import (
    InvoiceData,
    RectifyOptions,
    create_draft,
    update_invoice,
)
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.invoices.drafts import create_draft_in_transaction, delete_invoice
from invoicegraph.services.invoices.payments import mark_paid, unmark_paid
from invoicegraph.services.invoices.rectifying import rectify_invoice
from invoicegraph.services.quotes import QuoteData, convert_quote, create_quote, update_quote
from tests.integration.invoices.conftest import Catalogue, load_catalogue
from tests.integration.invoices.helpers import issue, line, new_draft, new_issued


@pytest.fixture
async def catalogue(database: Database, account: Account) -> Catalogue:
    return await load_catalogue(database, account)


async def _events(database: Database, account: Account) -> list[tuple[str, str]]:
    async with database.sessions() as session:
        rows = await session.scalars(
            select(Event).where(Event.account_id == account.id).order_by(Event.id)
        )
        return [(row.type, str(row.object_uuid)) for row in rows]


async def test_each_change_records_one_event_in_order(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    async with database.sessions() as session:
        client = await create_client(session, account, ClientInput(name="Nuevo S.L."))
    draft = await new_draft(database, account, catalogue)
    async with database.sessions() as session:
        await update_invoice(session, account, draft, InvoiceData(notes="door 3"))
    issued = await issue(database, account, draft)
    async with database.sessions() as session:
        await mark_paid(session, account, draft)
    async with database.sessions() as session:
        await unmark_paid(session, account, draft)
    async with database.sessions() as session:
        rectificative = await rectify_invoice(session, account, draft, RectifyOptions())
    async with database.sessions() as session:
        await delete_invoice(session, account, rectificative.id)
    other = await new_issued(database, account, catalogue)
    async with database.sessions() as session:
        annulled = await annul_invoice(session, account, other)
    async with database.sessions() as session:
        quote = await create_quote(
            session, account, QuoteData(client=catalogue.client_id, status="accepted")
        )
    async with database.sessions() as session:
        await update_quote(session, account, quote.id, QuoteData(notes="ok"))
    async with database.sessions() as session:
        _, invoice_id = await convert_quote(session, account, quote.id)

    events = await _events(database, account)
    assert [t for t, _ in events] == [
        "client.created",  # the catalogue's client
        "client.created",
        "invoice.created",
        "invoice.updated",
        "invoice.issued",
        "invoice.paid",
        "invoice.updated",
        "invoice.created",
        "invoice.rectified",
        "invoice.deleted",
        "invoice.created",
        "invoice.issued",
        "invoice.annulled",
        "quote.created",
        "invoice.created",
        "quote.converted",
    ]
    assert events[1][1] == str(client.uuid)
    assert events[4][1] == str(issued.uuid)
    assert events[7][1] == events[9][1] == str(rectificative.uuid)
    assert events[12][1] == str(annulled.uuid)
    assert events[15][1] == str(quote.uuid)
    assert invoice_id != draft


async def test_a_change_that_rolls_back_records_nothing(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    before = await _events(database, account)
    async with database.sessions() as session:
        with pytest.raises(RuntimeError):
            async with session.begin():
                await create_draft_in_transaction(
                    session, account, InvoiceData(lines=[line(catalogue)])
                )
                raise RuntimeError("the caller fails after the draft was written")
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed):
            await create_draft(session, account, InvoiceData(lines=[], client=10**12))
    assert await _events(database, account) == before
