"""A revoked key's open subscription ends within seconds, even with no event to send, and
no event reaches it after the revocation — revoked from another process, as the CLI or
another instance would, so no in-process cache of keys can hide it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import websockets

from invoicegraph.schema.socket_key import KEY_CHECK_SECONDS

from .conftest import LiveApi, another_key, create_draft, create_invoice, make_tenant, revoke

pytestmark = pytest.mark.xdist_group("clients")

SUBSCRIBE = "subscription { invoiceEvents { kind invoiceId } }"
FEW_SECONDS = KEY_CHECK_SECONDS + 3


async def _subscribed(live_api: LiveApi, key: str) -> Any:
    socket = await websockets.connect(live_api.ws_url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
    )
    ack = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
    assert ack["type"] == "connection_ack"
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    # live once a warm-up draft's event arrives (nothing in the protocol says so earlier)
    for _attempt in range(30):
        await create_draft(live_api.base_url, key)
        try:
            while True:
                message = json.loads(await asyncio.wait_for(socket.recv(), timeout=0.5))
                if message["type"] == "next":
                    return socket
        except TimeoutError:
            continue
    raise AssertionError("the subscription received no event within ~15 s")


async def _messages_until_closed(socket: Any) -> list[dict[str, Any]]:
    """What the server sends before it closes the socket (fails after FEW_SECONDS)."""
    received: list[dict[str, Any]] = []
    async with asyncio.timeout(FEW_SECONDS):
        try:
            while True:
                received.append(json.loads(await socket.recv()))
        except websockets.ConnectionClosed:
            return received


async def test_revoking_the_key_closes_its_idle_subscription(live_api: LiveApi) -> None:
    tenant = await make_tenant(live_api.database_url, "Revocada S.L.")
    socket = await _subscribed(live_api, tenant.key)

    await revoke(live_api.database_url, tenant)
    revoked_at = time.monotonic()
    received = await _messages_until_closed(socket)

    assert time.monotonic() - revoked_at < FEW_SECONDS
    assert [m for m in received if m["type"] not in ("next", "ping")] == []  # warm-ups aside
    assert socket.close_code == 4403
    assert socket.close_reason == "API key revoked"


async def test_no_event_reaches_a_subscription_after_its_key_is_revoked(
    live_api: LiveApi,
) -> None:
    tenant = await make_tenant(live_api.database_url, "Revocada Dos S.L.")
    colleague = await another_key(live_api.database_url, tenant)
    socket = await _subscribed(live_api, tenant.key)

    await revoke(live_api.database_url, tenant)
    after = await create_invoice(live_api.base_url, colleague.key)  # the tenant goes on working
    received = await _messages_until_closed(socket)

    delivered = [m["payload"]["data"]["invoiceEvents"] for m in received if m["type"] == "next"]
    assert after["uuid"] not in {e["invoiceId"] for e in delivered}
    assert socket.close_code == 4403
