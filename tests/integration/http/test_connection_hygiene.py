"""After an error the connection is either closed on purpose (``Connection: close``) or kept
and usable: a client's next keep-alive request never meets a dropped connection."""

from __future__ import annotations

import httpx
from starlette.routing import Route

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.settings import Settings

from ...browser.conftest import run_live_server


async def test_after_a_500_the_connection_closes_cleanly_and_the_next_request_works(
    sqlite_database: Database,
) -> None:
    async def broken(request: object) -> None:
        raise RuntimeError("a bug")

    url = sqlite_database.engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url))
    app.router.routes.append(Route("/broken", broken))
    with run_live_server(app) as base:
        async with httpx.AsyncClient(base_url=base) as client:  # one keep-alive pool
            statuses = []
            for _ in range(10):
                failed = await client.get("/broken")
                assert failed.headers["connection"] == "close"
                statuses.append(failed.status_code)
                statuses.append((await client.get("/health")).status_code)
                statuses.append((await client.get("/nowhere")).status_code)  # a 404 keeps it
                statuses.append((await client.get("/health")).status_code)
    assert statuses == [500, 200, 404, 200] * 10
