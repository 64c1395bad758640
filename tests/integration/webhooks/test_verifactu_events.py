"""The tax agency's verdicts reach the receiver: the VERI*FACTU worker sends the records to the
agency's loopback stand-in (mutual TLS, schema-checked), which accepts one and rejects the
other; the events it records arrive signed with the agency's code and message."""

from __future__ import annotations

import asyncio

from invoicegraph.db.engine import Database
from invoicegraph.services.verifactu.worker import run_worker as send_records
from tests.integration.verifactu.agency import FakeAgency
from tests.integration.verifactu.conftest import (
    agency,
    fresh_nif,
    load_schema,
    pki,
    producer_configured,
    worker_settings,
    xsd_dir,
)
from tests.integration.verifactu.helpers import client_id, issued, line, records
from tests.integration.verifactu.pki import Pki

from .conftest import add_endpoint, hook_settings, new_account, running_workers
from .receiver import Receiver, wait_for

__all__ = ["agency", "load_schema", "pki", "producer_configured", "xsd_dir"]  # fixtures


async def test_the_agency_verdicts_arrive_signed_with_its_code_and_message(
    hooks_database: Database, agency: FakeAgency, pki: Pki, receiver: Receiver
) -> None:
    db = hooks_database
    account = await new_account(
        db, name="Taller Verifactu S.L.", tax_id=fresh_nif(), verifactu=True
    )
    await add_endpoint(
        db, account, receiver, "/vf", events=["verifactu.accepted", "verifactu.rejected"]
    )
    client = await client_id(db, account)
    first = await issued(db, account, [line("100")], client=client)
    second = await issued(db, account, [line("200")], client=client)
    chain = await records(db, account)
    agency.reject.add(chain[1].invoice_number)

    await send_records(db, worker_settings(db, agency, pki), asyncio.Event(), once=True)
    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: len(receiver.at("/vf")) == 2, "both verdicts")

    got = {r.event["type"]: r for r in receiver.at("/vf")}
    assert set(got) == {"verifactu.accepted", "verifactu.rejected"}
    assert all(r.verified for r in got.values())
    accepted = got["verifactu.accepted"].event["data"]
    rejected = got["verifactu.rejected"].event["data"]
    assert accepted["object"]["id"] == str(first.uuid)
    assert accepted["verifactu"]["status"] == "accepted" and accepted["verifactu"]["code"] is None
    assert rejected["object"]["id"] == str(second.uuid)
    assert rejected["verifactu"] == {
        **rejected["verifactu"],
        "status": "rejected",
        "code": "1100",
        "message": "Valor o tipo incorrecto.",
    }
    assert rejected["object"]["e_invoicing"] is not None  # the invoice as /api shows it
