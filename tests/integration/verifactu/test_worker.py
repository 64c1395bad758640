"""The sending worker against a stand-in of the agency on loopback, over mutual TLS."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections.abc import Sequence

from sqlalchemy import func, select, update

from invoicegraph.db.base import utcnow
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, VerifactuSubmission
from invoicegraph.services.accounts import create_account, sandbox_of
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.verifactu.outbox import backoff, unsent_count
from invoicegraph.services.verifactu.state import e_invoicing_states
from invoicegraph.services.verifactu.worker import run_worker
from invoicegraph.settings import Settings
from tests.parties import ISSUER_ADDRESS

from .agency import Behaviour, FakeAgency
from .conftest import fresh_nif, worker_settings
from .helpers import client_id, issued, line, records, submissions
from .pki import Pki

SETTLED = {"accepted", "accepted_with_errors", "rejected"}


async def new_account(database: Database, name: str = "Emisor Outbox S.L.") -> Account:
    async with database.sessions() as session:
        return await create_account(
            session,
            **ISSUER_ADDRESS,
            name=name,
            tax_id=fresh_nif(),
            plan="professional",
            verifactu=True,
        )


async def issue_many(database: Database, account: Account, count: int) -> list[int]:
    client = await client_id(database, account)
    return [
        (await issued(database, account, [line("100")], client=client)).id for _ in range(count)
    ]


async def unsettled(database: Database) -> int:
    async with database.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(VerifactuSubmission)
            .where(VerifactuSubmission.status.not_in(SETTLED))
        )
        return count or 0


async def drain(database: Database, settings: Settings, *, workers: int = 1) -> None:
    """Run workers until every record is settled (or fail after 30 s)."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(run_worker(database, settings, stop)) for _ in range(workers)]
    try:
        deadline = time.monotonic() + 30
        while await unsettled(database):
            assert time.monotonic() < deadline, "the worker did not settle every record"
            assert not any(task.done() for task in tasks), [t.exception() for t in tasks]
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def time_passes(database: Database) -> None:
    """Every record backing off is due now, as if its backoff had run out."""
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(VerifactuSubmission)
            .where(VerifactuSubmission.status == "pending")
            .values(next_attempt_at=utcnow())
        )


def statuses(rows: Sequence[VerifactuSubmission]) -> list[str]:
    return [row.status for row in rows]


async def test_the_worker_sends_records_in_chain_order_and_settles_them(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    account = await new_account(outbox_database)
    await issue_many(outbox_database, account, 5)
    settings = worker_settings(outbox_database, agency, pki, verifactu_batch_size=2)

    await run_worker(outbox_database, settings, asyncio.Event(), once=True)

    rows = await submissions(outbox_database, account)
    assert statuses(rows) == ["accepted"] * 5
    assert all(row.csv == "A-TESTCSV0001" and row.attempts == 1 for row in rows)
    chain = await records(outbox_database, account)
    sent = [key[2] for request in agency.requests for key in request.keys]
    assert sent == [record.invoice_number for record in chain]  # chain order, each once
    assert [len(request.keys) for request in agency.requests] == [2, 2, 1]
    assert {(r.issuer, r.path, r.client) for r in agency.requests} == {
        (account.tax_id, "/live", "Invoicegraph Labs SL")
    }
    assert agency.invalid == [] and agency.accepted_once()


async def test_rejections_and_errors_are_recorded_per_record(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    account = await new_account(outbox_database)
    ids = await issue_many(outbox_database, account, 3)
    chain = await records(outbox_database, account)
    agency.reject.add(chain[1].invoice_number)
    agency.with_errors.add(chain[2].invoice_number)

    await run_worker(outbox_database, worker_settings(outbox_database, agency, pki),
                     asyncio.Event(), once=True)  # fmt: skip

    rows = await submissions(outbox_database, account)
    assert statuses(rows) == ["accepted", "rejected", "accepted_with_errors"]
    assert [(r.response_code, r.response_message) for r in rows[1:]] == [
        ("1100", "Valor o tipo incorrecto."),
        ("2000", "Huella incorrecta."),
    ]
    async with outbox_database.sessions() as session:
        states = await e_invoicing_states(session, account, ids)
    assert [(states[i].processed, states[i].on_error) for i in ids] == [
        (True, False),
        (True, True),
        (True, True),
    ]


def test_backoff_doubles_up_to_its_cap() -> None:
    delays = [backoff(attempts, 30, 3600).total_seconds() for attempts in range(1, 10)]

    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


async def test_failures_are_retried_with_backoff_until_the_agency_answers(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    account = await new_account(outbox_database)
    await issue_many(outbox_database, account, 2)
    agency.stall_seconds = 2.5  # past the worker's 2 s time limit
    agency.script.extend([Behaviour.DROP, Behaviour.STALL, Behaviour.FAULT])

    patient = worker_settings(
        outbox_database,
        agency,
        pki,
        verifactu_retry_base_seconds=30,
        verifactu_retry_max_seconds=3600,
    )
    await run_worker(outbox_database, patient, asyncio.Event(), once=True)
    rows = await submissions(outbox_database, account)
    assert statuses(rows) == ["pending", "pending"]
    assert rows[0].response_message and "RemoteProtocolError" in rows[0].response_message
    assert rows[0].next_attempt_at > utcnow() + dt.timedelta(seconds=20)
    async with outbox_database.sessions() as session:
        assert await unsent_count(session, account) == 2
    await time_passes(outbox_database)

    await drain(outbox_database, worker_settings(outbox_database, agency, pki))

    rows = await submissions(outbox_database, account)
    assert statuses(rows) == ["accepted", "accepted"]
    assert [row.attempts for row in rows] == [4, 4]
    assert len(agency.requests) == 4 and agency.accepted_once()


async def test_an_answer_lost_after_the_agency_accepted_settles_as_duplicate(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    account = await new_account(outbox_database)
    await issue_many(outbox_database, account, 3)
    agency.script.append(Behaviour.LOSE)

    await drain(outbox_database, worker_settings(outbox_database, agency, pki))

    rows = await submissions(outbox_database, account)
    assert statuses(rows) == ["accepted"] * 3
    assert all(
        row.response_message and row.response_message.startswith("duplicate") for row in rows
    )
    assert len(agency.requests) == 2 and agency.accepted_once()
    assert len(agency.acceptances) == 3


async def test_a_duplicate_of_a_record_never_sent_before_is_not_taken_as_ours(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    account = await new_account(outbox_database)
    await issue_many(outbox_database, account, 2)
    first = (await records(outbox_database, account))[0]
    issued_on = first.invoice_date.strftime("%d-%m-%Y")
    agency.held[("Alta", first.issuer_tax_id, first.invoice_number, issued_on)] = "Correcta"

    await run_worker(outbox_database, worker_settings(outbox_database, agency, pki),
                     asyncio.Event(), once=True)  # fmt: skip

    rows = await submissions(outbox_database, account)
    assert statuses(rows) == ["rejected", "accepted"]
    assert rows[0].response_code == "3000"
    assert (rows[0].response_message or "").startswith("the agency already holds another record")


async def test_the_agency_wait_is_honoured_between_submissions(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    account = await new_account(outbox_database)
    await issue_many(outbox_database, account, 4)
    agency.wait_seconds = 1  # TiempoEsperaEnvio
    settings = worker_settings(outbox_database, agency, pki, verifactu_batch_size=2)

    await drain(outbox_database, settings)

    first, second = agency.requests
    assert second.started - first.finished >= 0.9
    assert statuses(await submissions(outbox_database, account)) == ["accepted"] * 4


async def test_a_registration_and_its_cancellation_go_in_separate_submissions(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    account = await new_account(outbox_database)
    (invoice_id,) = await issue_many(outbox_database, account, 1)
    async with outbox_database.sessions() as session:
        await annul_invoice(session, account, invoice_id, "issued twice")

    await drain(outbox_database, worker_settings(outbox_database, agency, pki))

    assert [[key[0] for key in request.keys] for request in agency.requests] == [
        ["Alta"],
        ["Anulacion"],
    ]
    assert statuses(await submissions(outbox_database, account)) == ["accepted", "accepted"]


async def test_sandbox_records_go_to_the_test_endpoint(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    live = await new_account(outbox_database)
    async with outbox_database.sessions() as session:
        sandbox = await sandbox_of(session, live)
    await issue_many(outbox_database, live, 1)
    await issue_many(outbox_database, sandbox, 1)

    await drain(outbox_database, worker_settings(outbox_database, agency, pki))

    assert sorted(request.path for request in agency.requests) == ["/live", "/test"]


async def test_a_client_certificate_of_another_ca_is_refused(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    account = await new_account(outbox_database)
    await issue_many(outbox_database, account, 1)
    stranger = worker_settings(
        outbox_database,
        agency,
        pki,
        verifactu_cert_file=str(pki.stranger_cert),
        verifactu_key_file=str(pki.stranger_key),
        verifactu_retry_base_seconds=30,
        verifactu_retry_max_seconds=3600,
    )

    await run_worker(outbox_database, stranger, asyncio.Event(), once=True)

    (row,) = await submissions(outbox_database, account)
    assert row.status == "pending" and row.attempts == 1 and row.response_message
    assert row.next_attempt_at > utcnow() + dt.timedelta(seconds=20)  # backing off
    assert agency.requests == []  # the handshake failed: nothing reached the service
    await time_passes(outbox_database)
    await drain(outbox_database, worker_settings(outbox_database, agency, pki))
    (row,) = await submissions(outbox_database, account)
    assert (row.status, row.attempts) == ("accepted", 2)


async def test_several_workers_send_each_record_once_one_batch_per_account_at_a_time(
    outbox_database: Database, agency: FakeAgency, pki: Pki
) -> None:
    accounts = [await new_account(outbox_database, f"Emisor {n} S.L.") for n in range(3)]
    for account in accounts:
        await issue_many(outbox_database, account, 6)
    settings = worker_settings(outbox_database, agency, pki, verifactu_batch_size=2)

    await drain(outbox_database, settings, workers=3)

    assert len(agency.acceptances) == 18 and agency.accepted_once()
    for account in accounts:
        spans = sorted(
            (r.started, r.finished) for r in agency.requests if r.issuer == account.tax_id
        )
        assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))
