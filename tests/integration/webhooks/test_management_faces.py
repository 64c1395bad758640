"""The whole round through the faces, with a real receiver on loopback and a real worker: an
endpoint created through ``/api`` receives signed events; its deliveries and their attempts
are listed on REST and GraphQL; a delivery is sent again by hand; after a rotation both
secrets verify until the old one expires."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.webhooks import verify_signature
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings

from ..rest_api.spec import check_against_spec
from .conftest import hook_settings, running_workers
from .receiver import Receiver, wait_for


@pytest.fixture
def settings(hooks_database: Database) -> Settings:
    return hook_settings(hooks_database)


@pytest.fixture
async def api(
    hooks_database: Database, hooks_account: Account, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    async with hooks_database.sessions() as session:
        key = (await create_key(session, hooks_account, access="admin")).text
    app = create_app(settings, database=hooks_database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {key}"},
        event_hooks={"response": [check_against_spec]},  # every /api answer as documented
    ) as client:
        yield client


async def _gql(api: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await api.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def test_an_endpoint_made_through_the_api_receives_signed_events_and_shows_them(
    api: httpx.AsyncClient, hooks_database: Database, settings: Settings, receiver: Receiver
) -> None:
    created = await api.post(
        "/api/webhook-endpoints",
        json={"url": receiver.url("/shop"), "events": ["client.created"]},
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    receiver.secrets["/shop"] = endpoint["secret"]
    receiver.scripts["/shop"].append(500)  # the first POST fails, the retry succeeds
    client = await api.post("/api/clients", json={"name": "Cliente Webhook S.L."})
    assert client.status_code == 201

    async with running_workers(hooks_database, settings):
        await wait_for(lambda: len(receiver.at("/shop")) == 2, "a failure and a retry")
    first, retry = receiver.at("/shop")
    assert first.verified and retry.verified
    assert first.event_id == retry.event_id
    assert retry.event["type"] == "client.created"
    assert retry.event["data"]["object"]["id"] == client.json()["id"]

    listed = await api.get(f"/api/webhook-endpoints/{endpoint['id']}/deliveries")
    [delivery] = listed.json()["data"]
    assert delivery["event"] == {
        "id": retry.event_id,
        "type": "client.created",
        "created": delivery["event"]["created"],
    }
    assert (delivery["status"], delivery["attempts"], delivery["last_response_code"]) == (
        "delivered",
        2,
        200,
    )
    assert delivery["next_attempt_at"] is None and delivery["delivered_at"] is not None
    tried = (await api.get(f"/api/webhook-deliveries/{delivery['id']}/attempts")).json()["data"]
    assert [(a["status"], a["response_code"]) for a in tried] == [
        ("failed", 500),
        ("succeeded", 200),
    ]
    assert tried[0]["response_excerpt"] == "receiver says no"

    graphql = await _gql(
        api,
        "query D($id: ID!) { webhookDeliveries(endpointId: $id) { id uuid status attemptCount "
        "event { id type } } }",
        id=endpoint["id"],
    )
    [seen] = graphql["webhookDeliveries"]
    assert (seen["uuid"], seen["status"], seen["attemptCount"]) == (
        delivery["id"],
        "DELIVERED",
        2,
    )
    attempts = await _gql(
        api,
        "query A($id: ID!) { webhookDeliveryAttempts(deliveryId: $id) { status responseCode } }",
        id=seen["id"],
    )
    assert [a["responseCode"] for a in attempts["webhookDeliveryAttempts"]] == [500, 200]

    # sent again by hand: REST, then GraphQL; the same event id each time
    again = await api.post(f"/api/webhook-deliveries/{delivery['id']}/redeliver")
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["id"]) == ("pending", delivery["id"])
    async with running_workers(hooks_database, settings):
        await wait_for(lambda: len(receiver.at("/shop")) == 3, "the redelivery")
    payload = await _gql(
        api,
        "mutation R($id: ID!) { redeliverWebhook(id: $id) { delivery { status } "
        "errors { code } } }",
        id=seen["id"],
    )
    assert payload["redeliverWebhook"] == {"delivery": {"status": "PENDING"}, "errors": []}
    async with running_workers(hooks_database, settings):
        await wait_for(lambda: len(receiver.at("/shop")) == 4, "the second redelivery")
    assert set(receiver.counts("/shop")) == {retry.event_id}


async def test_after_a_rotation_a_delivery_verifies_with_either_secret(
    api: httpx.AsyncClient, hooks_database: Database, settings: Settings, receiver: Receiver
) -> None:
    endpoint = (
        await api.post(
            "/api/webhook-endpoints",
            json={"url": receiver.url("/erp"), "events": ["client.created"]},
        )
    ).json()
    old = endpoint["secret"]
    rotated = await api.post(
        f"/api/webhook-endpoints/{endpoint['id']}/rotate-secret", json={"overlap_hours": 1}
    )
    new = rotated.json()["secret"]
    receiver.secrets["/erp"] = old
    await api.post("/api/clients", json={"name": "Durante la rotación S.L."})
    async with running_workers(hooks_database, settings):
        await wait_for(lambda: len(receiver.at("/erp")) == 1, "the delivery")
    [during] = receiver.at("/erp")
    now = int(time.time())
    assert verify_signature(during.signature, during.body, old, now=now)
    assert verify_signature(during.signature, during.body, new, now=now)
    assert during.signature.count("v1=") == 2

    # the overlap ended at once: the next delivery is signed with the new secret only
    await api.post(
        f"/api/webhook-endpoints/{endpoint['id']}/rotate-secret", json={"overlap_hours": 0}
    )
    latest = (await api.get(f"/api/webhook-endpoints/{endpoint['id']}")).json()
    assert latest["previous_secret_expires_at"] is None
    await api.post("/api/clients", json={"name": "Tras la rotación S.L."})
    async with running_workers(hooks_database, settings):
        await wait_for(lambda: len(receiver.at("/erp")) == 2, "the next delivery")
    after = receiver.at("/erp")[1]
    assert after.signature.count("v1=") == 1
    assert not verify_signature(after.signature, after.body, old, now=int(time.time()))
    assert not verify_signature(after.signature, after.body, new, now=int(time.time()))


async def test_a_delivery_to_a_disabled_endpoint_is_not_sent_again(
    api: httpx.AsyncClient, hooks_database: Database, settings: Settings, receiver: Receiver
) -> None:
    endpoint = (
        await api.post(
            "/api/webhook-endpoints",
            json={"url": receiver.url("/off"), "events": ["client.created"]},
        )
    ).json()
    receiver.secrets["/off"] = endpoint["secret"]
    await api.post("/api/clients", json={"name": "Apagado S.L."})
    async with running_workers(hooks_database, settings):
        await wait_for(lambda: len(receiver.at("/off")) == 1, "the delivery")
    path = f"/api/webhook-endpoints/{endpoint['id']}"
    [delivery] = (await api.get(f"{path}/deliveries")).json()["data"]
    await api.patch(path, json={"enabled": False})
    refused = await api.post(f"/api/webhook-deliveries/{delivery['id']}/redeliver")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "conflict"
    unknown = await api.post(
        "/api/webhook-deliveries/00000000-0000-4000-8000-000000000000/redeliver"
    )
    assert unknown.status_code == 404
    assert (
        await api.post(f"/api/webhook-deliveries/{delivery['id']}/redeliver", json={"x": 1})
    ).status_code == 422
