"""The ``e_invoicing`` block: where each invoice is with the agency, one query per list."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, update

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, VerifactuSubmission
from invoicegraph.services.accounts import create_account, sandbox_of
from invoicegraph.services.invoices import InvoiceData, create_draft
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.verifactu.state import EInvoicing, e_invoicing_states, qr_url_for
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from .helpers import client_id, issued, line, records

PRODUCTION = "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR?"
TEST = "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR?"


@contextmanager
def counting(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)


async def states(database: Database, account: Account, ids: list[int]) -> dict[int, EInvoicing]:
    async with database.sessions() as session, session.begin():
        return await e_invoicing_states(session, account, ids)


async def settle(database: Database, invoice_id: int, status: str, code: str | None) -> None:
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(VerifactuSubmission)
            .where(VerifactuSubmission.invoice_id == invoice_id)
            .values(status=status, response_code=code, response_message=code and "Agency says")
        )


async def test_states_of_a_page_of_invoices_cost_one_query(
    database: Database, vf_account: Account
) -> None:
    client = await client_id(database, vf_account)
    accepted = await issued(database, vf_account, [line("100")], client=client)
    rejected = await issued(database, vf_account, [line("5297.01")], client=client)
    pending = await issued(database, vf_account, [line("10")], client=client)
    async with database.sessions() as session:
        draft = await create_draft(session, vf_account, InvoiceData(lines=[line("1")]))
    await settle(database, accepted.id, "accepted", None)
    await settle(database, rejected.id, "rejected", "1100")
    ids = [accepted.id, rejected.id, pending.id, draft.id, *range(10**9, 10**9 + 3000)]

    with counting(database) as statements:
        found = await states(database, vf_account, ids)

    assert len([s for s in statements if "verifactu_records" in s]) == 1
    assert set(found) == {accepted.id, rejected.id, pending.id}  # a draft has no block
    assert [(s.processed, s.on_error, s.status) for s in found.values()] == [
        (True, False, "accepted"),
        (True, True, "rejected"),
        (False, False, "pending"),
    ]
    assert (found[rejected.id].code, found[rejected.id].message) == ("1100", "Agency says")
    link = found[accepted.id].external_link
    assert link == (
        f"{PRODUCTION}nif={vf_account.tax_id}&numserie={accepted.full_number}"
        f"&fecha={accepted.date:%d-%m-%Y}&importe=121.00"
    )
    assert found[accepted.id].as_block() == {
        "system": "VERIFACTU",
        "country": "ES",
        "processed": True,
        "on_error": False,
        "external_link": link,
    }


async def test_an_annulled_invoice_shows_its_cancellation_state_and_keeps_its_link(
    database: Database, vf_account: Account
) -> None:
    invoice = await issued(
        database, vf_account, [line("100")], client=await client_id(database, vf_account)
    )
    await settle(database, invoice.id, "accepted", None)
    async with database.sessions() as session:
        await annul_invoice(session, vf_account, invoice.id, None)

    state = (await states(database, vf_account, [invoice.id]))[invoice.id]

    assert (state.status, state.processed) == ("pending", False)  # the cancellation is on its way
    assert state.external_link is not None and state.external_link.startswith(PRODUCTION)


async def test_a_sandbox_invoice_links_to_the_test_host(database: Database) -> None:
    async with database.sessions() as session:
        live = await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Pruebas S.L.",
            tax_id=new_tax_id(),
            plan="professional",
            verifactu=True,
        )
    async with database.sessions() as session:
        sandbox = await sandbox_of(session, live)
    invoice = await issued(
        database, sandbox, [line("100")], client=await client_id(database, sandbox)
    )

    state = (await states(database, sandbox, [invoice.id]))[invoice.id]
    (record,) = await records(database, sandbox)

    assert state.external_link is not None and state.external_link.startswith(TEST)
    assert qr_url_for(record, sandbox) == state.external_link
    assert qr_url_for(record, live).startswith(PRODUCTION)


async def test_accounts_with_verifactu_off_have_no_block(
    database: Database, account: Account
) -> None:
    invoice = await issued(
        database, account, [line("100")], client=await client_id(database, account)
    )

    with counting(database) as statements:
        assert await states(database, account, [invoice.id]) == {}
    assert not [s for s in statements if "verifactu" in s]


async def test_another_accounts_invoice_has_no_block(
    database: Database, vf_account: Account
) -> None:
    invoice = await issued(
        database, vf_account, [line("100")], client=await client_id(database, vf_account)
    )
    async with database.sessions() as session:
        other = await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Ajena S.L.",
            tax_id=new_tax_id(),
            plan="professional",
            verifactu=True,
        )

    assert await states(database, other, [invoice.id]) == {}
