"""What every REST route shares: per-key rate limits, body limits, JSON errors, 503."""

from __future__ import annotations

import httpx

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database, create_database
from invoicegraph.settings import Settings


def _client(app: object, key: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        headers=headers,  # type: ignore[arg-type]
    )


async def test_a_key_beyond_its_rate_gets_429_with_retry_after(
    database: Database, write_key: str
) -> None:
    app = create_app(Settings(rate_limit_per_minute=3), database=database)
    async with _client(app, write_key) as http:
        answers = [await http.get("/api/clients") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert answers[0].headers["X-RateLimit-Remaining"] == "2"
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert answers[3].json()["error"]["code"] == "rate_limited"
    # the limit is per key: another key of the same account is not affected
    assert answers[3].headers["X-RateLimit-Remaining"] == "0"


async def test_a_body_over_the_limit_is_413_and_bad_json_is_400(
    database: Database, write_key: str
) -> None:
    app = create_app(Settings(max_body_bytes=2048), database=database)
    async with _client(app, write_key) as http:
        big = await http.post(
            "/api/clients",
            content=b'{"name": "' + b"x" * 5000 + b'"}',
            headers={"Content-Type": "application/json"},
        )
        bad = await http.post(
            "/api/clients", content=b'{"name": ', headers={"Content-Type": "application/json"}
        )
        deep = await http.post(
            "/api/clients",
            content=b"[" * 100 + b"]" * 100,
            headers={"Content-Type": "application/json"},
        )
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]["message"]
    assert deep.status_code == 400
    for response in (big, bad, deep):
        assert "Traceback" not in response.text


async def test_a_database_outage_is_503_with_a_clear_message(write_key: str) -> None:
    down = create_database("postgresql+asyncpg://postgres@127.0.0.1:1/nothing")
    app = create_app(Settings(), database=down)
    async with _client(app, write_key) as http:
        response = await http.get("/v1/invoices")
    await down.dispose()
    assert response.status_code == 503
    assert "database" in response.text and "Traceback" not in response.text
