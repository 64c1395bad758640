"""invoiceEvents over graphql-transport-ws: authenticated at connection_init, scoped to the
key's account, and on PostgreSQL delivered across processes through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest
import websockets

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.invoices import InvoiceData, create_draft
from invoicegraph.services.lines import LineData
from invoicegraph.settings import Settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from ...browser.conftest import run_live_server
from .conftest import make_key

SUBSCRIBE = "subscription { invoiceEvents { kind invoiceId invoice { status totalWithTaxes } } }"


async def _open(ws_url: str, key: str | None) -> Any:
    socket = await websockets.connect(ws_url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    payload = {"Authorization": f"Bearer {key}"} if key else {}
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    return socket


async def _next_event(socket: Any) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
        if message["type"] == "next":
            return message["payload"]["data"]["invoiceEvents"]  # type: ignore[no-any-return]
        assert message["type"] in ("connection_ack", "ka", "ping"), message


async def test_events_reach_a_subscriber_of_another_server_process_on_postgresql(
    postgresql_database: Database, tmp_path: Any
) -> None:
    from invoicegraph.services.accounts import create_account

    async with postgresql_database.sessions() as session:
        account: Account = await create_account(
            session, **ISSUER_ADDRESS, name="Eventos S.L.", tax_id=new_tax_id(), plan="professional"
        )
    key = await make_key(postgresql_database, account)
    url = postgresql_database.engine.url.render_as_string(hide_password=False)
    # the server runs in its own thread and loop with its own engine: another "process"
    app = create_app(Settings(database_url=url))
    with run_live_server(app) as base:
        socket = await _open(base.replace("http", "ws") + "/graphql", key)
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        )
        await asyncio.sleep(1.5)  # let the server start LISTENing
        async with postgresql_database.sessions() as session:
            draft = await create_draft(
                session,
                account,
                InvoiceData(
                    lines=[
                        LineData(
                            description="x",
                            quantity=Decimal(1),
                            price=Decimal(100),
                            vat_rate=Decimal(21),
                        )
                    ]
                ),
            )
        created = await _next_event(socket)
        assert created["kind"] == "CREATED" and created["invoiceId"] == str(draft.uuid)
        assert created["invoice"] == {"status": "DRAFT", "totalWithTaxes": "121.00"}
        await socket.close()


async def test_a_socket_without_a_valid_key_is_rejected(sqlite_database: Database) -> None:
    url = sqlite_database.engine.url.render_as_string(hide_password=False)
    with run_live_server(create_app(Settings(database_url=url))) as base:
        socket = await _open(base.replace("http", "ws") + "/graphql", "fv_live_nope")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(socket.recv(), timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_sqlite_delivers_in_process_and_only_the_accounts_own_events(
    sqlite_database: Database,
) -> None:
    import httpx

    from invoicegraph.services.accounts import create_account

    async with sqlite_database.sessions() as session:
        mine = await create_account(
            session, **ISSUER_ADDRESS, name="Mía S.L.", tax_id=new_tax_id(), plan="professional"
        )
    async with sqlite_database.sessions() as session:
        theirs = await create_account(
            session, **ISSUER_ADDRESS, name="Suya S.L.", tax_id=new_tax_id(), plan="professional"
        )
    my_key, their_key = (
        await make_key(sqlite_database, mine),
        await make_key(sqlite_database, theirs),
    )
    url = sqlite_database.engine.url.render_as_string(hide_password=False)
    with run_live_server(create_app(Settings(database_url=url))) as base:
        socket = await _open(base.replace("http", "ws") + "/graphql", my_key)
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        )
        await asyncio.sleep(0.3)
        create = 'mutation { createInvoice(input: {lines: [{description: "y", quantity: "1", price: "10"}]}) { invoice { uuid } } }'
        async with httpx.AsyncClient(base_url=base) as http:
            await http.post(
                "/graphql", json={"query": create}, headers={"Authorization": f"Bearer {their_key}"}
            )
            mine_created = await http.post(
                "/graphql", json={"query": create}, headers={"Authorization": f"Bearer {my_key}"}
            )
        event = await _next_event(socket)
        assert event["invoiceId"] == mine_created.json()["data"]["createInvoice"]["invoice"]["uuid"]
        await socket.close()
