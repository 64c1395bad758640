"""Concurrent issuing on PostgreSQL still makes one unbroken chain per account.

Each operation runs in its own session (its own connection), all at once: issues in two
series, rectifications (which insert a row of the account before they reach the chain's lock)
and annulments. The account lock serialises them without deadlock, and the chain verifies.
"""

from __future__ import annotations

import asyncio

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Invoice
from invoicegraph.services.accounts import create_account
from invoicegraph.services.invoices import (
    InvoiceData,
    IssueOptions,
    RectifyOptions,
    create_draft,
    issue_invoice,
    rectify_invoice,
)
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.verifactu.verify import verify_account_chain
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from .helpers import client_id, issued, line, records, series_id


async def test_concurrent_issuing_yields_one_unbroken_chain(
    postgresql_database: Database,
) -> None:
    database = postgresql_database
    async with database.sessions() as session:
        account = await create_account(session, **ISSUER_ADDRESS, name="Concurrente S.L.", tax_id=new_tax_id(), plan="professional",
            verifactu=True,
        )  # fmt: skip
    client = await client_id(database, account)
    series = [await series_id(database, account, "F", "ordinary"),
              await series_id(database, account, "G", "ordinary")]  # fmt: skip
    originals = [await issued(database, account, [line("100")], client=client) for _ in range(4)]
    drafts: list[Invoice] = []
    for _ in range(40):
        async with database.sessions() as session:
            data = InvoiceData(client=client, lines=[line("10")])
            drafts.append(await create_draft(session, account, data))

    async def issue(draft: Invoice, index: int) -> Invoice:
        async with database.sessions() as session:
            options = IssueOptions(series=series[index % 2])
            return await issue_invoice(session, account, draft.id, options)

    async def rectify(original: Invoice) -> Invoice:
        async with database.sessions() as session:
            options = RectifyOptions(issue=IssueOptions())
            return await rectify_invoice(session, account, original.id, options)

    async def annul(original: Invoice) -> Invoice:
        async with database.sessions() as session:
            return await annul_invoice(session, account, original.id, "duplicate")

    done = await asyncio.wait_for(
        asyncio.gather(
            *(issue(draft, index) for index, draft in enumerate(drafts)),
            *(rectify(original) for original in originals[:2]),
            *(annul(original) for original in originals[2:]),
        ),
        timeout=120,
    )

    rows = await records(database, account)
    assert [row.chain_position for row in rows] == list(range(1, 49))  # 4 + 40 + 2 + 2
    assert sum(row.record_type == "anulacion" for row in rows) == 2
    issued_now = done[:40]
    numbers = {s: sorted(i.number or 0 for i in issued_now if i.series_id == s) for s in series}
    assert numbers == {series[0]: list(range(5, 25)), series[1]: list(range(1, 21))}
    async with database.sessions() as session, session.begin():
        assert await verify_account_chain(session, account) is None
