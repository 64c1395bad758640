"""Python ``gql`` with its websockets transport, on graphql-transport-ws, against a live
server: subscribes to invoiceEvents, creates and issues an invoice, receives both events and
none of another tenant's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from .conftest import LiveApi, create_invoice, issue_invoice, make_tenant, until_live

pytestmark = pytest.mark.xdist_group("clients")

SUBSCRIBE = gql("subscription { invoiceEvents { kind invoiceId invoice { status } } }")


def transport(live_api: LiveApi, key: str) -> WebsocketsTransport:
    return WebsocketsTransport(
        url=live_api.ws_url,
        init_payload={"Authorization": f"Bearer {key}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )


async def test_gql_receives_created_and_issued_of_its_own_tenant_only(live_api: LiveApi) -> None:
    mine = await make_tenant(live_api.database_url, "Cliente gql S.L.")
    theirs = await make_tenant(live_api.database_url, "Ajeno S.L.")
    events: list[dict[str, Any]] = []
    issued = asyncio.Event()

    async with Client(transport=transport(live_api, mine.key)) as session:

        async def listen() -> None:
            async for result in session.subscribe(SUBSCRIBE):
                events.append(result["invoiceEvents"])
                if result["invoiceEvents"]["kind"] == "ISSUED":
                    issued.set()

        listening = asyncio.create_task(listen())
        warmups = await until_live(live_api.base_url, mine.key, events)
        other = await create_invoice(live_api.base_url, theirs.key)
        await issue_invoice(live_api.base_url, theirs.key, other["id"])
        invoice = await create_invoice(live_api.base_url, mine.key)
        await issue_invoice(live_api.base_url, mine.key, invoice["id"])
        await asyncio.wait_for(issued.wait(), timeout=10)
        await asyncio.sleep(0.3)  # another tenant's event, were it sent, would be here by now
        listening.cancel()

    # every event is this tenant's: the warm-ups, then the invoice created and issued
    assert {e["invoiceId"] for e in events} <= warmups | {invoice["uuid"]}
    assert [(e["kind"], e["invoiceId"]) for e in events if e["invoiceId"] == invoice["uuid"]] == [
        ("CREATED", invoice["uuid"]),
        ("ISSUED", invoice["uuid"]),
    ]
    assert events[-1]["invoice"] == {"status": "ISSUED"}
    assert other["uuid"] not in {e["invoiceId"] for e in events}
