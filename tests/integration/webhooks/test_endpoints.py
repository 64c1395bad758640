"""Webhook endpoints as the services keep them: SSRF-checked URLs (resolved at creation),
known event types, a secret answered once, rotation with an overlap, and every account (and
sandbox) on its own."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from invoicegraph.domain.errors import Conflict, NotFound, ValidationFailed
from invoicegraph.domain.webhooks import signature_header, verify_signature
from invoicegraph.services.accounts import sandbox_of
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.pagination import PageRequest
from invoicegraph.services.webhook_endpoints import (
    MAX_ENDPOINTS,
    EndpointInput,
    EndpointWithSecret,
    create_endpoint,
    delete_endpoint,
    get_endpoint,
    list_endpoints,
    rotate_secret,
    signing_secrets,
    update_endpoint,
)

PUBLIC = "https://93.184.215.14/hooks/invoicegraph"  # a literal public address: no DNS needed


async def _create(
    database: Database,
    account: Account,
    url: str = PUBLIC,
    events: list[str] | None = None,
    *,
    allow_private: bool = False,
    description: str | None = None,
) -> EndpointWithSecret:
    data = EndpointInput(url=url, events=events or ["invoice.issued"], description=description)
    async with database.sessions() as session:
        return await create_endpoint(session, account, data, allow_private=allow_private)


def _refusal(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(f.field, f.code) for f in exc.value.fields]


async def test_an_endpoint_is_created_with_its_secret_answered_once(
    database: Database, account: Account
) -> None:
    created = await _create(
        database,
        account,
        events=["invoice.issued", "invoice.paid", "invoice.issued"],
        description="  ERP de contabilidad  ",
    )
    assert created.secret.startswith("whsec_") and len(created.secret) > 40
    endpoint = created.endpoint
    assert endpoint.events == ["invoice.issued", "invoice.paid"]  # each once, in order
    assert (endpoint.url, endpoint.enabled) == (PUBLIC, True)
    assert endpoint.description == "ERP de contabilidad"
    async with database.sessions() as session:
        found = await get_endpoint(session, account, endpoint.uuid)
    assert found.secret == created.secret  # kept to sign with
    async with database.sessions() as session:
        page = await list_endpoints(session, account, PageRequest(limit=10))
    assert [e.uuid for e in page.items] == [endpoint.uuid]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.215.14/hook", "must be an https:// URL"),
        ("ftp://93.184.215.14/hook", "must be an https:// URL"),
        ("https://127.0.0.1/hook", "private or loopback"),
        ("https://10.1.2.3/hook", "private or loopback"),
        ("https://192.168.1.10/hook", "private or loopback"),
        ("https://169.254.169.254/latest/meta-data", "private or loopback"),
        ("https://[::1]/hook", "private or loopback"),
        ("https://[::ffff:10.0.0.1]/hook", "private or loopback"),
        ("https://0.0.0.0/hook", "which no endpoint can be"),
        ("https://localhost:8443/hook", "a private or loopback address"),
        ("https://user:pass@93.184.215.14/hook", "must not carry credentials"),
        ("https://93.184.215.14/hook#part", "must not have a #fragment"),
        ("https://no-such-host.invalid/hook", "does not resolve"),
        ("https:///hook", "has no host"),
        ("https://93.184.215.14:99999/hook", "is not a valid URL"),
        ("https://93.184.215.14/" + "a" * 2048, "at most 2048 characters"),
    ],
)
async def test_a_url_that_could_reach_inside_is_refused_by_default(
    database: Database, account: Account, url: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await _create(database, account, url)
    [problem] = refused.value.fields
    assert (problem.field, problem.code) == ("url", "url_refused")
    assert message in problem.message
    async with database.sessions() as session:
        assert (await list_endpoints(session, account, PageRequest())).items == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook", "http://localhost:8080/hook", "https://10.0.0.5/h"]
)
async def test_allow_private_lets_local_receivers_in(
    database: Database, account: Account, url: str
) -> None:
    created = await _create(database, account, url, allow_private=True)
    assert created.endpoint.url == url


async def test_even_allow_private_refuses_what_no_receiver_can_be(
    database: Database, account: Account
) -> None:
    for url in ("http://0.0.0.0/hook", "https://224.0.0.1/hook", "http://no-such-host.invalid/"):
        with pytest.raises(ValidationFailed) as refused:
            await _create(database, account, url, allow_private=True)
        assert _refusal(refused) == [("url", "url_refused")], url


async def test_events_must_be_known_types_and_at_least_one(
    database: Database, account: Account
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await _create(database, account, events=["invoice.issued", "invoice.exploded", "x"])
    assert _refusal(refused) == [("events.1", "invalid_choice"), ("events.2", "invalid_choice")]
    assert "'invoice.exploded' is not an event type" in refused.value.fields[0].message
    with pytest.raises(ValidationFailed) as refused:
        async with database.sessions() as session:
            await create_endpoint(
                session, account, EndpointInput(url=PUBLIC, events=[]), allow_private=False
            )
    assert _refusal(refused) == [("events", "required")]
    everything = await _create(database, account, events=["*"])
    assert everything.endpoint.events == ["*"]


async def test_every_problem_is_reported_at_once(database: Database, account: Account) -> None:
    data = EndpointInput(url="http://127.0.0.1/", events=["nope"], description="d" * 501)
    with pytest.raises(ValidationFailed) as refused:
        async with database.sessions() as session:
            await create_endpoint(session, account, data, allow_private=False)
    assert _refusal(refused) == [
        ("url", "url_refused"),
        ("events.0", "invalid_choice"),
        ("description", "too_long"),
    ]
    with pytest.raises(ValidationFailed) as refused:
        async with database.sessions() as session:
            await create_endpoint(session, account, EndpointInput(), allow_private=False)
    assert _refusal(refused) == [("url", "required"), ("events", "required")]


async def test_an_account_has_a_bounded_number_of_endpoints(
    database: Database, account: Account
) -> None:
    for _ in range(MAX_ENDPOINTS):
        await _create(database, account)
    with pytest.raises(Conflict):
        await _create(database, account)
    async with database.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(WebhookEndpoint)
            .where(WebhookEndpoint.account_id == account.id)
        )
    assert count == MAX_ENDPOINTS


async def test_another_accounts_endpoint_is_not_found(
    database: Database, account: Account, other_account: Account
) -> None:
    theirs = (await _create(database, other_account)).endpoint
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await get_endpoint(session, account, theirs.uuid)
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await update_endpoint(
                session, account, theirs.uuid, EndpointInput(enabled=False), allow_private=False
            )
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await rotate_secret(session, account, theirs.uuid)
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await delete_endpoint(session, account, theirs.uuid)
    async with database.sessions() as session:
        assert (await list_endpoints(session, account, PageRequest())).items == []
        still = await get_endpoint(session, other_account, theirs.uuid)
    assert (still.enabled, still.secret) == (True, theirs.secret)


async def test_the_sandbox_keeps_endpoints_of_its_own(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        sandbox = await sandbox_of(session, account)
    live = (await _create(database, account)).endpoint
    test = (await _create(database, sandbox, events=["invoice.created"])).endpoint
    async with database.sessions() as session:
        assert [e.uuid for e in (await list_endpoints(session, sandbox, PageRequest())).items] == [
            test.uuid
        ]
        with pytest.raises(NotFound):
            await get_endpoint(session, sandbox, live.uuid)
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await get_endpoint(session, account, test.uuid)


async def test_an_update_changes_only_what_it_sends(database: Database, account: Account) -> None:
    endpoint = (await _create(database, account, description="ERP")).endpoint
    async with database.sessions() as session:
        changed = await update_endpoint(
            session,
            account,
            endpoint.uuid,
            EndpointInput(events=["client.created", "quote.created"]),
            allow_private=False,
        )
    assert changed.events == ["client.created", "quote.created"]
    assert (changed.url, changed.description, changed.enabled) == (PUBLIC, "ERP", True)
    async with database.sessions() as session:
        cleared = await update_endpoint(
            session, account, endpoint.id, EndpointInput(description=None), allow_private=False
        )
    assert cleared.description is None
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as refused:
            await update_endpoint(
                session,
                account,
                endpoint.uuid,
                EndpointInput(url="https://192.168.0.1/", events=[]),
                allow_private=False,
            )
    assert _refusal(refused) == [("url", "url_refused"), ("events", "required")]
    async with database.sessions() as session:
        kept = await get_endpoint(session, account, endpoint.uuid)
    assert (kept.url, kept.events) == (PUBLIC, ["client.created", "quote.created"])


async def _disable_as_the_worker_does(database: Database, endpoint: WebhookEndpoint) -> None:
    async with database.sessions() as session, session.begin():
        row = await session.get(WebhookEndpoint, (endpoint.account_id, endpoint.id))
        assert row is not None
        row.enabled = False
        row.failing_since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        row.disabled_reason = "failing since 2026-01-01T00:00:00Z"


async def test_enabling_a_disabled_endpoint_starts_its_failure_record_afresh(
    database: Database, account: Account
) -> None:
    endpoint = (await _create(database, account)).endpoint
    await _disable_as_the_worker_does(database, endpoint)
    async with database.sessions() as session:
        described = await update_endpoint(
            session, account, endpoint.uuid, EndpointInput(description="x"), allow_private=False
        )
    assert described.disabled_reason is not None  # another change keeps the record
    async with database.sessions() as session:
        enabled = await update_endpoint(
            session, account, endpoint.uuid, EndpointInput(enabled=True), allow_private=False
        )
    assert (enabled.enabled, enabled.failing_since, enabled.disabled_reason) == (True, None, None)
    await _disable_as_the_worker_does(database, endpoint)
    async with database.sessions() as session:
        moved = await update_endpoint(
            session,
            account,
            endpoint.uuid,
            EndpointInput(url="https://93.184.215.15/new"),
            allow_private=False,
        )
    # a new receiver has no failures yet, but stays off until it is enabled
    assert (moved.enabled, moved.failing_since, moved.disabled_reason) == (False, None, None)


async def test_deleting_an_endpoint_deletes_its_deliveries_and_attempts(
    database: Database, account: Account
) -> None:
    endpoint = (await _create(database, account, events=["client.created"])).endpoint
    async with database.sessions() as session:
        client = await create_client(session, account, ClientInput(name="Cliente S.L."))
    async with database.sessions() as session, session.begin():
        event = await session.scalar(
            select(Event).where(Event.account_id == account.id, Event.object_id == client.id)
        )
        assert event is not None
        delivery = WebhookDelivery(
            account_id=account.id,
            endpoint_id=endpoint.id,
            event_id=event.id,
            object_key=f"client:{client.id}",
        )
        session.add(delivery)
        await session.flush()
        session.add(
            WebhookAttempt(
                account_id=account.id,
                delivery_id=delivery.id,
                status="failed",
                response_code=500,
                duration_ms=12,
            )
        )
    async with database.sessions() as session:
        deleted = await delete_endpoint(session, account, endpoint.uuid)
    assert deleted.uuid == endpoint.uuid
    async with database.sessions() as session:
        with pytest.raises(NotFound):
            await get_endpoint(session, account, endpoint.uuid)
        for model in (WebhookDelivery, WebhookAttempt):
            left = await session.scalar(
                select(func.count()).select_from(model).where(model.account_id == account.id)
            )
            assert left == 0, model.__tablename__
        assert await session.get(Event, (account.id, event.id)) is not None  # events stay


async def test_after_a_rotation_both_secrets_sign_until_the_old_one_expires(
    database: Database, account: Account
) -> None:
    created = await _create(database, account)
    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    async with database.sessions() as session:
        rotated = await rotate_secret(session, account, created.endpoint.uuid, now=now)
    assert rotated.secret != created.secret and rotated.secret.startswith("whsec_")
    async with database.sessions() as session:
        endpoint = await get_endpoint(session, account, created.endpoint.uuid)
    assert endpoint.previous_secret_expires_at == now + dt.timedelta(hours=24)
    body = json.dumps({"id": "evt", "type": "invoice.issued"}).encode()
    stamp = int(now.timestamp())
    during = signature_header(body, signing_secrets(endpoint, now), stamp)
    for secret in (created.secret, rotated.secret):  # a receiver holding either verifies
        assert verify_signature(during, body, secret, now=stamp)
    later = now + dt.timedelta(hours=24, seconds=1)
    assert signing_secrets(endpoint, later) == [rotated.secret]
    after = signature_header(body, signing_secrets(endpoint, later), int(later.timestamp()))
    assert verify_signature(after, body, rotated.secret, now=int(later.timestamp()))
    assert not verify_signature(after, body, created.secret, now=int(later.timestamp()))


async def test_a_rotation_chooses_its_overlap_within_bounds(
    database: Database, account: Account
) -> None:
    first = await _create(database, account)
    ref = first.endpoint.uuid
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    async with database.sessions() as session:
        second = await rotate_secret(session, account, ref, overlap=dt.timedelta(days=7), now=now)
    async with database.sessions() as session:
        third = await rotate_secret(session, account, ref, overlap=dt.timedelta(hours=1), now=now)
    # a secret replaced twice stops at once: only the one just replaced overlaps
    assert signing_secrets(third.endpoint, now) == [third.secret, second.secret]
    assert first.secret not in signing_secrets(third.endpoint, now)
    async with database.sessions() as session:
        fourth = await rotate_secret(session, account, ref, overlap=dt.timedelta(0), now=now)
    assert signing_secrets(fourth.endpoint, now) == [fourth.secret]
    assert fourth.endpoint.previous_secret is None
    for overlap in (dt.timedelta(days=7, seconds=1), dt.timedelta(seconds=-1)):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as refused:
                await rotate_secret(session, account, ref, overlap=overlap)
        assert _refusal(refused) == [("overlap_hours", "out_of_range")]
    async with database.sessions() as session:
        unchanged = await get_endpoint(session, account, ref)
    assert unchanged.secret == fourth.secret
