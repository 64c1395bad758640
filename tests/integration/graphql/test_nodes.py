"""``nodes(ids:)`` fetches many objects by global id, in order, null for what is not there."""

from __future__ import annotations

import httpx

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.schema.node import to_global_id
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.settings import Settings
from tests.parties import CLIENT_ADDRESS, ISSUER_ADDRESS
from tests.tax_ids import new_tax_id


async def test_nodes_answers_in_order_with_null_for_unknown_and_foreign_ids(
    sqlite_database: Database,
) -> None:
    async with sqlite_database.sessions() as session:
        mine = await create_account(
            session, **ISSUER_ADDRESS, name="Acme S.L.", tax_id=new_tax_id()
        )
    async with sqlite_database.sessions() as session:
        theirs = await create_account(
            session, **ISSUER_ADDRESS, name="Other S.L.", tax_id=new_tax_id()
        )
    async with sqlite_database.sessions() as session:
        client = await create_client(session, mine, ClientInput(**CLIENT_ADDRESS, name="Cliente"))
    async with sqlite_database.sessions() as session:
        foreign = await create_client(session, theirs, ClientInput(**CLIENT_ADDRESS, name="Ajeno"))
    async with sqlite_database.sessions() as session:
        key = (await create_key(session, mine, access="read")).text
    ids = [
        to_global_id("Client", client.uuid),
        to_global_id("Client", foreign.uuid),
        to_global_id("Account", mine.uuid),
    ]
    app = create_app(Settings(rate_limit_per_minute=100_000), database=sqlite_database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as h:
        response = await h.post(
            "/graphql",
            json={
                "query": "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id "
                "... on Client { name } } }",
                "variables": {"ids": ids},
            },
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.json() == {
            "data": {
                "nodes": [
                    {"__typename": "Client", "id": ids[0], "name": "Cliente"},
                    None,
                    {"__typename": "Account", "id": ids[2]},
                ]
            }
        }
        bad = await h.post(
            "/graphql",
            json={"query": '{ nodes(ids: ["x"]) { id } }'},
            headers={"Authorization": f"Bearer {key}"},
        )
        error = bad.json()["errors"][0]
        assert (
            error["extensions"].items() >= {"code": "BAD_USER_INPUT", "argument": "ids.0"}.items()
        )
