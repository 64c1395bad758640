"""``serve`` delivers webhooks by default: a client created through the REST face reaches the
receiver from the server's own worker, and the server stops cleanly with it."""

from __future__ import annotations

import httpx

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings

from .conftest import add_endpoint, hook_settings
from .receiver import Receiver, serve_asgi, wait_for


def test_the_worker_runs_in_serve_unless_turned_off() -> None:
    assert Settings.model_fields["webhooks_worker_in_serve"].default is True
    assert Settings().webhooks_worker_in_serve is False  # tests/conftest.py turns it off


async def test_an_event_made_through_the_api_is_delivered_by_the_server(
    hooks_database: Database, hooks_account: Account, receiver: Receiver
) -> None:
    db, account = hooks_database, hooks_account
    await add_endpoint(db, account, receiver, "/served", events=["client.created"])
    async with db.sessions() as session:
        key = (await create_key(session, account, access="write")).text
    app = create_app(hook_settings(db, webhooks_worker_in_serve=True), db)

    async with serve_asgi(app, lifespan="on") as port:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            answer = await http.post(
                "/api/clients",
                json={"name": "Cliente por la API S.L."},
                headers={"Authorization": f"Bearer {key}"},
            )
        assert answer.status_code == 201, answer.text
        await wait_for(lambda: receiver.at("/served"), "the server's delivery")

    [got] = receiver.at("/served")
    assert got.verified and got.event["type"] == "client.created"
    assert got.event["data"]["object"] == answer.json()
