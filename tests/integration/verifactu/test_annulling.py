"""Annulling an issued invoice: it stays, annulled, and its cancellation joins the chain."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice, InvoiceDocumentFile
from invoicegraph.domain.errors import Conflict, ValidationFailed
from invoicegraph.domain.verifactu.chain import verify_chain
from invoicegraph.domain.verifactu.records import RegistroAnulacion
from invoicegraph.services.invoices import InvoiceData, create_draft, get_invoice
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.verifactu.stored import registro_from_row

from .helpers import client_id, issued, line, records, rectified, submissions


async def annul(
    database: Database, account: Account, invoice_id: int, reason: str | None = None
) -> Invoice:
    async with database.sessions() as session:
        return await annul_invoice(session, account, invoice_id, reason)


async def test_annulling_chains_a_cancellation_record(
    database: Database, vf_account: Account
) -> None:
    client = await client_id(database, vf_account)
    first = await issued(database, vf_account, [line("100")], client=client)
    second = await issued(database, vf_account, [line("40")], client=client)

    annulled = await annul(database, vf_account, first.id, "issued to the wrong customer")

    assert annulled.status == "annulled" and annulled.annulled_at is not None
    assert annulled.full_number == first.full_number  # the number stays used
    rows = await records(database, vf_account)
    assert [(r.chain_position, r.invoice_id, r.record_type) for r in rows] == [
        (1, first.id, "alta"),
        (2, second.id, "alta"),
        (3, first.id, "anulacion"),
    ]
    chain = [registro_from_row(r) for r in rows]
    cancellation = chain[2]
    assert isinstance(cancellation, RegistroAnulacion)
    assert (cancellation.number, cancellation.issue_date) == (first.full_number, first.date)
    assert cancellation.previous == chain[1].link() and not cancellation.no_prior_record
    assert verify_chain(chain) is None
    assert rows[2].details["reason"] == "issued to the wrong customer"
    assert [s.status for s in await submissions(database, vf_account)] == ["pending"] * 3


async def test_an_invoice_issued_before_verifactu_is_cancelled_without_prior_record(
    database: Database, account: Account
) -> None:
    invoice = await issued(
        database, account, [line("100")], client=await client_id(database, account)
    )
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(Account).where(Account.id == account.id).values(verifactu_enabled=True)
        )
    account.verifactu_enabled = True

    await annul(database, account, invoice.id)

    (row,) = await records(database, account)
    record = registro_from_row(row)
    assert isinstance(record, RegistroAnulacion)
    assert record.no_prior_record and record.previous is None


async def test_annulling_with_verifactu_off_writes_no_record_and_drops_the_stored_pdf(
    database: Database, account: Account
) -> None:
    invoice = await issued(
        database, account, [line("100")], client=await client_id(database, account)
    )
    async with database.sessions() as session, session.begin():
        session.add(
            InvoiceDocumentFile(
                account_id=account.id,
                invoice_id=invoice.id,
                format="pdf",
                media_type="application/pdf",
                content=b"%PDF- rendered as issued",
            )
        )

    annulled = await annul(database, account, invoice.id)

    assert annulled.status == "annulled"
    assert await records(database, account) == []
    async with database.sessions() as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(InvoiceDocumentFile)
            .where(
                InvoiceDocumentFile.account_id == account.id,
                InvoiceDocumentFile.invoice_id == invoice.id,
            )
        )
    assert stored == 0  # rendered again, marked annulled, on the next download


async def test_a_draft_cannot_be_annulled(database: Database, vf_account: Account) -> None:
    async with database.sessions() as session:
        draft = await create_draft(session, vf_account, InvoiceData(lines=[line("10")]))

    with pytest.raises(Conflict) as caught:
        await annul(database, vf_account, draft.id)

    assert caught.value.fields == ["status"]
    assert await records(database, vf_account) == []


async def test_an_invoice_cannot_be_annulled_twice(database: Database, vf_account: Account) -> None:
    client = await client_id(database, vf_account)
    invoice = await issued(database, vf_account, [line("100")], client=client)
    await annul(database, vf_account, invoice.id)

    with pytest.raises(Conflict, match="already annulled"):
        await annul(database, vf_account, invoice.id)

    assert len(await records(database, vf_account)) == 2


async def test_an_invoice_with_live_rectificatives_cannot_be_annulled(
    database: Database, vf_account: Account
) -> None:
    client = await client_id(database, vf_account)
    original = await issued(database, vf_account, [line("100")], client=client)
    correction = await rectified(database, vf_account, original)

    with pytest.raises(Conflict) as caught:
        await annul(database, vf_account, original.id)
    assert caught.value.fields == ["id"]

    await annul(database, vf_account, correction.id)
    async with database.sessions() as session:
        assert (await get_invoice(session, vf_account, original.id)).rectified_status == "none"
    await annul(database, vf_account, original.id)
    kinds = [(r.invoice_id, r.record_type) for r in await records(database, vf_account)]
    assert kinds == [
        (original.id, "alta"),
        (correction.id, "alta"),
        (correction.id, "anulacion"),
        (original.id, "anulacion"),
    ]


async def test_an_overlong_reason_is_refused(database: Database, vf_account: Account) -> None:
    invoice = await issued(
        database, vf_account, [line("100")], client=await client_id(database, vf_account)
    )

    with pytest.raises(ValidationFailed) as caught:
        await annul(database, vf_account, invoice.id, "x" * 501)

    assert [f.field for f in caught.value.fields] == ["reason"]
