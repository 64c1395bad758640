"""Events reach a real receiver on loopback, signed, retried with growing delays, in order per
object, once per worker pool, never for a rolled-back change, never to a disabled endpoint,
and an endpoint failing for too long is disabled and the account told."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Event, WebhookEndpoint
from invoicegraph.domain.errors import Conflict, NotFound
from invoicegraph.domain.webhooks import EVENT_TYPES, SIGNATURE_HEADER, new_secret, sign
from invoicegraph.rest.api.webhook_models import ApiWebhookEndpoint
from invoicegraph.services.accounts import sandbox_of
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceData, RectifyOptions, update_invoice
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.invoices.drafts import create_draft_in_transaction, delete_invoice
from invoicegraph.services.invoices.payments import mark_paid
from invoicegraph.services.invoices.rectifying import rectify_invoice
from invoicegraph.services.quotes import QuoteData, convert_quote, create_quote
from invoicegraph.services.webhooks import list_attempts, redeliver
from tests.integration.invoices.conftest import load_catalogue
from tests.integration.invoices.helpers import issue, line, new_draft, new_issued
from tests.parties import CLIENT_ADDRESS
from tests.tax_ids import new_tax_id

from .conftest import (
    add_endpoint,
    attempts,
    deliveries,
    endpoint_now,
    hook_settings,
    new_account,
    running_workers,
)
from .receiver import Receiver, wait_for

FLOW_TYPES = (
    "client.created",
    "invoice.created",
    "invoice.updated",
    "invoice.issued",
    "invoice.paid",
    "invoice.rectified",
    "invoice.deleted",
    "invoice.annulled",
    "quote.created",
    "quote.converted",
)
DISABLING_TYPES = ("webhook_endpoint.disabled",)
VERIFACTU_TYPES = ("verifactu.accepted", "verifactu.rejected")  # test_verifactu_events.py


def test_the_delivery_tests_cover_every_event_type() -> None:
    assert sorted({*FLOW_TYPES, *DISABLING_TYPES, *VERIFACTU_TYPES}) == sorted(EVENT_TYPES)


async def _new_client(database: Database, account: Account, name: str = "Cliente S.L.") -> Any:
    async with database.sessions() as session:
        return await create_client(
            session, account, ClientInput(name=name, tax_id=new_tax_id(), **CLIENT_ADDRESS)
        )


async def test_every_event_of_the_invoicing_flow_arrives_signed(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    await add_endpoint(db, account, receiver, "/all")
    catalogue = await load_catalogue(db, account)  # client.created
    draft = await new_draft(db, account, catalogue)  # invoice.created
    async with db.sessions() as session:
        await update_invoice(session, account, draft, InvoiceData(notes="door 3"))
    issued = await issue(db, account, draft)
    async with db.sessions() as session:
        await mark_paid(session, account, draft)
    async with db.sessions() as session:
        rectificative = await rectify_invoice(session, account, draft, RectifyOptions())
    async with db.sessions() as session:
        await delete_invoice(session, account, rectificative.id)
    other = await new_issued(db, account, catalogue)
    async with db.sessions() as session:
        await annul_invoice(session, account, other)
    async with db.sessions() as session:
        quote = await create_quote(
            session, account, QuoteData(client=catalogue.client_id, status="accepted")
        )
    async with db.sessions() as session:
        await convert_quote(session, account, quote.id)
    expected = 14

    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: len(receiver.at("/all")) >= expected, "every event")
    got = receiver.at("/all")

    assert len(got) == expected and len(receiver.counts("/all")) == expected
    assert all(r.verified for r in got), [r.signature for r in got if not r.verified]
    assert {r.event["type"] for r in got} == set(FLOW_TYPES)
    assert all(r.host == f"127.0.0.1:{receiver.port}" for r in got)
    for r in got:
        event = r.event
        assert set(event) == {"id", "type", "created", "account", "livemode", "data"}
        assert event["account"] == str(account.uuid) and event["livemode"] is True
        assert event["created"].endswith("Z")
    # each object's events arrive in the order they happened
    of_draft = [r.event["type"] for r in got if r.event["data"]["object"]["id"] == str(draft)]
    assert (
        of_draft
        == [
            "invoice.created",
            "invoice.updated",
            "invoice.issued",
            "invoice.paid",
            "invoice.updated",
            "invoice.rectified",
        ][: len(of_draft)]
    )
    by_type = {r.event["type"]: r.event for r in got}
    [issued_event] = [
        r.event
        for r in got
        if r.event["type"] == "invoice.issued"
        and r.event["data"]["object"]["id"] == str(issued.uuid)
    ]
    assert issued_event["data"]["object"]["full_number"] == issued.full_number
    deleted = by_type["invoice.deleted"]["data"]["object"]
    assert deleted == {**deleted, "id": str(rectificative.uuid), "deleted": True}
    assert by_type["quote.converted"]["data"]["object"]["converted_invoice_id"] is not None


async def test_the_object_is_what_the_api_face_answers(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    await add_endpoint(db, account, receiver, "/clients", events=["client.created"])
    client = await _new_client(db, account, "Cliente Igual S.L.")
    async with db.sessions() as session:
        key = (await create_key(session, account, access="read")).text

    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: receiver.at("/clients"), "the client event")

    app = create_app(hook_settings(db), db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        answer = await http.get(
            f"/api/clients/{client.uuid}", headers={"Authorization": f"Bearer {key}"}
        )
    assert answer.status_code == 200, answer.text
    [received] = receiver.at("/clients")
    assert received.event["data"]["object"] == answer.json()


async def test_a_receiver_failing_three_times_gets_the_event_four_times_with_growing_delays(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    endpoint = await add_endpoint(db, account, receiver, "/flaky", events=["client.created"])
    receiver.scripts["/flaky"] = deque([500, 500, 500])
    await _new_client(db, account)
    settings = hook_settings(db, webhooks_retry_base_seconds=0.25)

    async with running_workers(db, settings):
        await wait_for(lambda: len(receiver.at("/flaky")) == 4, "the fourth attempt")
        [delivery] = await deliveries(db, endpoint)
        await wait_for(lambda: _status_of(db, endpoint, "delivered"), "the delivery to be recorded")
    got = receiver.at("/flaky")

    assert len(receiver.counts("/flaky")) == 1 and all(r.verified for r in got)
    assert len({r.body for r in got}) == 1  # every retry carries the same bytes
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(got)]
    # doubling from the base, jitter in [1, 1.5): the n-th wait is at least base × 2^(n-1)
    # (a busy machine can only add to a wait, so neighbours may come out close; the first
    # and the last are planned four times apart)
    assert all(gap >= 0.25 * 2**n for n, gap in enumerate(gaps)), gaps
    assert gaps[0] < gaps[2], gaps
    [delivery] = await deliveries(db, endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        "delivered",
        4,
        200,
    )
    tried = await attempts(db, delivery)
    assert [(a.status, a.response_code, a.error) for a in tried] == [
        ("failed", 500, "answered 500"),
        ("failed", 500, "answered 500"),
        ("failed", 500, "answered 500"),
        ("succeeded", 200, None),
    ]
    assert [a.response_excerpt for a in tried] == ["receiver says no"] * 3 + ["ok"]
    assert all(a.duration_ms >= 0 for a in tried)
    assert (await endpoint_now(db, endpoint)).failing_since is None  # a success ends it


async def _status_of(db: Database, endpoint: Any, status: str) -> bool:
    rows = await deliveries(db, endpoint)
    return bool(rows) and all(row.status == status for row in rows)


async def test_a_later_event_of_an_object_waits_for_the_earlier_one(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    catalogue = await load_catalogue(db, account)
    endpoint = await add_endpoint(
        db, account, receiver, "/ordered", events=["invoice.created", "invoice.updated"]
    )
    receiver.scripts["/ordered"] = deque([503])  # the first attempt of the first event fails
    draft = await new_draft(db, account, catalogue)
    for notes in ("first change", "second change"):
        async with db.sessions() as session:
            await update_invoice(session, account, draft, InvoiceData(notes=notes))

    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: len(receiver.at("/ordered")) == 4, "every event")
    in_order = []
    for delivery in await deliveries(db, endpoint):  # by event, oldest first
        async with db.sessions() as session:
            in_order.append(await session.scalar(select(Event.uuid).where(
                Event.account_id == account.id, Event.id == delivery.event_id)))  # fmt: skip
    got = [r.event_id for r in receiver.at("/ordered")]
    assert got == [str(in_order[0]), *(str(u) for u in in_order)]
    assert [r.event["type"] for r in receiver.at("/ordered")] == [
        "invoice.created",  # answered 503, retried; the updates wait for it
        "invoice.created",
        "invoice.updated",
        "invoice.updated",
    ]


async def test_a_rolled_back_transaction_sends_nothing(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    catalogue = await load_catalogue(db, account)
    await add_endpoint(db, account, receiver, "/all")
    async with db.sessions() as session:
        with pytest.raises(RuntimeError):
            async with session.begin():
                await create_draft_in_transaction(
                    session, account, InvoiceData(lines=[line(catalogue)])
                )
                raise RuntimeError("the caller fails after the draft was written")
    marker = await _new_client(db, account, "Marcador S.L.")  # committed after the rollback

    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: receiver.at("/all"), "the marker")
        await asyncio.sleep(0.3)  # time enough for anything else to arrive
    [only] = receiver.at("/all")
    assert only.event["type"] == "client.created"
    assert only.event["data"]["object"]["id"] == str(marker.uuid)


async def test_two_workers_send_each_event_once(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    endpoint = await add_endpoint(db, account, receiver, "/pool", events=["client.created"])
    for n in range(30):
        await _new_client(db, account, f"Cliente {n} S.L.")

    async with running_workers(db, hook_settings(db, webhooks_concurrency=4), count=2):
        await wait_for(lambda: _status_of(db, endpoint, "delivered"), "every delivery", 60)
    counts = receiver.counts("/pool")
    assert len(counts) == 30 and set(counts.values()) == {1}
    assert all(r.verified for r in receiver.at("/pool"))


async def test_a_host_resolving_to_loopback_is_refused_at_delivery(
    hooks_database: Database, hooks_account: Account
) -> None:
    db, account = hooks_database, hooks_account
    connections = 0

    async def count(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        writer.close()

    listener = await asyncio.start_server(count, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    private = Receiver()  # only its secrets: nothing may reach it
    endpoints = [
        await add_endpoint(db, account, private, "/a", url=f"https://localhost:{port}/a"),
        await add_endpoint(db, account, private, "/b", url=f"https://127.0.0.1:{port}/b"),
    ]
    await _new_client(db, account)
    try:
        settings = hook_settings(db, webhooks_allow_private=False)
        async with running_workers(db, settings):

            async def tried() -> bool:
                found = [d for e in endpoints for d in await deliveries(db, e)]
                return len(found) == 2 and all(d.attempts >= 1 for d in found)

            await wait_for(tried, "an attempt per endpoint")
    finally:
        listener.close()
        await listener.wait_closed()
    assert connections == 0
    for endpoint in endpoints:
        [delivery] = await deliveries(db, endpoint)
        first = (await attempts(db, delivery))[0]
        assert first.status == "failed" and first.response_code is None
        assert first.error is not None and "private or loopback address" in first.error
        assert first.error.startswith("refused: the URL resolves to ")


async def test_a_disabled_endpoint_gets_nothing(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    off = await add_endpoint(db, account, receiver, "/off", enabled=False)
    await add_endpoint(db, account, receiver, "/on")
    await _new_client(db, account)

    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: receiver.at("/on"), "the enabled endpoint's event")
        await asyncio.sleep(0.2)
    assert receiver.at("/off") == [] and await deliveries(db, off) == []


async def test_sandbox_events_go_to_the_sandbox_endpoints_only(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, live = hooks_database, hooks_account
    async with db.sessions() as session:
        sandbox = await sandbox_of(session, live)
    await add_endpoint(db, live, receiver, "/live")
    await add_endpoint(db, sandbox, receiver, "/test")
    await _new_client(db, sandbox, "Cliente de prueba S.L.")
    await _new_client(db, live, "Cliente real S.L.")

    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: receiver.at("/live") and receiver.at("/test"), "both events")
        await asyncio.sleep(0.2)
    [test] = receiver.at("/test")
    [real] = receiver.at("/live")
    assert test.event["livemode"] is False and test.event["account"] == str(sandbox.uuid)
    assert test.event["data"]["object"]["name"] == "Cliente de prueba S.L."
    assert real.event["livemode"] is True and real.event["data"]["object"]["name"] == (
        "Cliente real S.L."
    )


async def test_an_endpoint_failing_for_days_is_disabled_and_the_account_told(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    down = await add_endpoint(db, account, receiver, "/down", events=["client.created"])
    receiver.scripts["/down"] = deque([500] * 100)
    await add_endpoint(db, account, receiver, "/watch", events=["webhook_endpoint.disabled"])
    await _new_client(db, account)
    # "days" made fast: disabled after 0.6 s of failing with no success
    settings = hook_settings(db, webhooks_disable_after_seconds=0.6)

    async with running_workers(db, settings):
        await wait_for(lambda: receiver.at("/watch"), "the disabled event")
        tried = len(receiver.at("/down"))
        await _new_client(db, account, "Después S.L.")
        await asyncio.sleep(0.5)
    assert len(receiver.at("/down")) == tried >= 2  # nothing more once disabled

    now = await endpoint_now(db, down)
    assert now.enabled is False and now.failing_since is not None
    assert now.disabled_reason is not None and "answered 500" in now.disabled_reason
    assert [d.status for d in await deliveries(db, down)] == ["failed"]
    [told] = receiver.at("/watch")
    assert told.verified and told.event["type"] == "webhook_endpoint.disabled"
    obj = told.event["data"]["object"]
    assert obj["id"] == str(down.uuid) and obj["enabled"] is False
    assert obj["disabled_reason"] == now.disabled_reason and down.secret not in json.dumps(obj)
    # the endpoint as GET /api/webhook-endpoints/{id} shows it, every field of its model
    assert set(obj) == set(ApiWebhookEndpoint.model_fields)
    ApiWebhookEndpoint.model_validate(obj)


async def test_a_delivery_is_sent_again_by_hand_and_its_attempts_listed(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    endpoint = await add_endpoint(db, account, receiver, "/again", events=["client.created"])
    await _new_client(db, account)
    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: _status_of(db, endpoint, "delivered"), "the first delivery")
        [delivery] = await deliveries(db, endpoint)
        async with db.sessions() as session:
            again = await redeliver(session, account.id, delivery.uuid)
        assert again.status == "pending"
        await wait_for(lambda: len(receiver.at("/again")) == 2, "the second delivery")
        await wait_for(lambda: _status_of(db, endpoint, "delivered"), "it to be recorded")

    first, second = receiver.at("/again")
    assert first.body == second.body and second.verified
    async with db.sessions() as session:
        listed = await list_attempts(session, account, delivery.id)
    assert [(a.status, a.response_code) for a in listed] == [("succeeded", 200)] * 2
    other = await new_account(db, name="Otra S.L.")
    async with db.sessions() as session:
        with pytest.raises(NotFound):
            await redeliver(session, other.id, delivery.uuid)
    async with db.sessions() as session:
        with pytest.raises(NotFound):
            await list_attempts(session, other, delivery.id)


async def test_redelivery_to_a_disabled_endpoint_is_refused(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    endpoint = await add_endpoint(db, account, receiver, "/gone", events=["client.created"])
    await _new_client(db, account)
    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: _status_of(db, endpoint, "delivered"), "the delivery")
    async with db.sessions() as session, session.begin():
        row = await session.merge(endpoint)
        row.enabled = False
    [delivery] = await deliveries(db, endpoint)
    async with db.sessions() as session:
        with pytest.raises(Conflict) as refused:
            await redeliver(session, account, delivery.id)
    assert refused.value.fields == ["enabled"]


async def test_during_a_rotation_both_secrets_sign(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    import datetime as dt

    db, account = hooks_database, hooks_account
    old = new_secret()
    current = await add_endpoint(
        db,
        account,
        receiver,
        "/rotating",
        events=["client.created"],
        previous_secret=old,
        previous_secret_expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )
    await _new_client(db, account)
    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: receiver.at("/rotating"), "the event")
    [got] = receiver.at("/rotating")
    parts = dict(p.split("=", 1) for p in got.signature.split(",")[:1])
    signatures = [p.split("=", 1)[1] for p in got.signature.split(",") if p.startswith("v1=")]
    timestamp = int(parts["t"])
    assert got.verified  # with the current secret
    assert signatures == [
        sign(got.body, current.secret, timestamp),
        sign(got.body, old, timestamp),
    ]
    assert SIGNATURE_HEADER == "Invoicegraph-Signature"


async def test_the_request_names_its_host_and_reaches_the_address_that_was_checked(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    await add_endpoint(
        db,
        account,
        receiver,
        "/named",
        events=["client.created"],
        url=receiver.url("/named", host="localhost"),
    )
    await _new_client(db, account)
    async with running_workers(db, hook_settings(db)):
        await wait_for(lambda: receiver.at("/named"), "the event")
    [got] = receiver.at("/named")
    assert got.host == f"localhost:{receiver.port}" and got.verified


async def test_a_failed_attempt_says_what_went_wrong(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    import socket

    db, account = hooks_database, hooks_account
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    refused = await add_endpoint(
        db,
        account,
        receiver,
        "/nobody",
        events=["client.created"],
        url=f"http://127.0.0.1:{closed_port}/nobody",
    )
    slow = await add_endpoint(db, account, receiver, "/slow", events=["client.created"])
    receiver.hold = asyncio.Event()  # the receiver never answers in time
    await _new_client(db, account)

    async with running_workers(db, hook_settings(db, webhooks_timeout_seconds=0.5)):

        async def both_tried() -> bool:
            found = [d for e in (refused, slow) for d in await deliveries(db, e)]
            return len(found) == 2 and all(d.attempts >= 1 and d.status == "pending" for d in found)

        await wait_for(both_tried, "an attempt each")
    receiver.hold.set()
    [nobody] = await deliveries(db, refused)
    [waited] = await deliveries(db, slow)
    assert (await attempts(db, nobody))[0].error == "connection refused"
    first = (await attempts(db, waited))[0]
    assert (first.status, first.response_code, first.error) == (
        "failed",
        None,
        "timed out after 0.5 s",
    )
    assert 400 <= first.duration_ms < 2000


async def test_a_sleeping_worker_delivers_a_committed_event_promptly(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    """PostgreSQL wakes the worker with the events table's NOTIFY, so even a 60 s idle poll
    does not delay a delivery; SQLite (no NOTIFY) relies on its poll."""
    db, account = hooks_database, hooks_account
    poll = 60.0 if db.dialect == "postgresql" else 0.5
    async with db.sessions() as session, session.begin():  # nothing else may wake it: the
        await session.execute(update(WebhookEndpoint).values(enabled=False))  # module's db
    await add_endpoint(db, account, receiver, "/woken", events=["client.created"])
    async with running_workers(db, hook_settings(db, webhooks_poll_seconds=poll)):
        await asyncio.sleep(0.5)  # the worker has looked, found nothing, and sleeps
        started = asyncio.get_running_loop().time()
        await _new_client(db, account)
        await wait_for(lambda: receiver.at("/woken"), "the event", 10)
        waited = asyncio.get_running_loop().time() - started
    assert waited < 5, waited
