"""GET /health: 200 when the database answers, 503 (never a 500 or a traceback) when not."""

from __future__ import annotations

import httpx

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database, create_database
from invoicegraph.settings import Settings


async def test_health_is_ok_when_the_database_answers(database: Database) -> None:
    app = create_app(Settings(), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_is_503_when_the_database_is_down() -> None:
    down = create_database("postgresql+asyncpg://postgres@127.0.0.1:1/nothing")
    app = create_app(Settings(), database=down)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        response = await client.get("/health")
    await down.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body.pop("request_id") == response.headers["x-request-id"]
    assert body == {"status": "unavailable", "database": "unreachable"}
    assert "Traceback" not in response.text


async def test_unknown_paths_answer_json_404(database: Database) -> None:
    app = create_app(Settings(), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        response = await client.get("/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
