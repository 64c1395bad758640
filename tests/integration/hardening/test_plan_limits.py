"""Issue 12, finding 6: a free plan's monthly limit holds under concurrency (PostgreSQL).

60 drafts of a free account are issued at once, each in its own session, at a limit of 50:
exactly 50 are issued, the other 10 are told the plan's limit (402), numbers 1..50 gapless.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice
from invoicegraph.domain.errors import PlanLimit
from invoicegraph.domain.plans import limits_for
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceData, create_draft, issue_invoice
from invoicegraph.services.lines import LineData
from tests.parties import CLIENT_ADDRESS, CLIENT_TAX_ID, ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from ..invoices.test_concurrency import clone

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("postgresql_concurrency")]
CONCURRENT = 60
SESSIONS = 20


@pytest.fixture
async def free_account(postgresql_database: Database) -> Account:
    async with postgresql_database.sessions() as session:
        return await create_account(
            session, **ISSUER_ADDRESS, name="Gratis S.L.", tax_id=new_tax_id(), plan="free"
        )


async def test_sixty_concurrent_issues_at_a_limit_of_fifty_issue_fifty(
    postgresql_database: Database, free_account: Account
) -> None:
    database, account = postgresql_database, free_account
    limit = limits_for("free").issued_invoices_per_month
    assert limit == 50
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(**CLIENT_ADDRESS, name="Cliente S.L.", tax_id=CLIENT_TAX_ID),
        )
    line = LineData(description="Servicio", quantity=Decimal(1), price=Decimal(10))
    async with database.sessions() as session:
        template = await create_draft(session, account, InvoiceData(client=client.id, lines=[line]))
    drafts = [template.id, *await clone(database, account, template.id, CONCURRENT - 1)]
    sessions = asyncio.Semaphore(SESSIONS)

    async def issue(draft_id: int) -> str:
        async with sessions, database.sessions() as session:
            try:
                await issue_invoice(session, account, draft_id)
            except PlanLimit:
                return "limit"
            return "issued"

    outcomes = await asyncio.gather(*(issue(d) for d in drafts))

    assert outcomes.count("issued") == limit and outcomes.count("limit") == CONCURRENT - limit
    async with database.sessions() as session:
        numbers = sorted(
            await session.scalars(
                select(Invoice.number).where(
                    Invoice.account_id == account.id, Invoice.status == "issued"
                )
            )
        )
    assert numbers == list(range(1, limit + 1))


async def test_concurrent_keys_stop_at_the_plans_key_limit(
    postgresql_database: Database, free_account: Account
) -> None:
    database, account = postgresql_database, free_account
    allowed = limits_for("free").api_keys
    assert allowed is not None

    async def new_key() -> str:
        async with database.sessions() as session:
            try:
                await create_key(session, account, access="read")
            except PlanLimit:
                return "limit"
            return "created"

    outcomes = await asyncio.gather(*(new_key() for _ in range(12)))
    assert outcomes.count("created") == allowed
