"""CORS from ``CORS_ALLOW_ORIGINS``: preflights and answers on every face, and the same
origins for the WebSocket handshake (which CORS does not cover)."""

from __future__ import annotations

import pytest
import websockets
from pydantic import ValidationError
from websockets.exceptions import InvalidStatus

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.settings import Settings

from ...browser.conftest import run_live_server
from .conftest import bearer, client_for

FRONTEND = "http://localhost:5173"
STRANGER = "https://evil.example"


def _preflight(origin: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key, x-request-id",
    }


@pytest.mark.parametrize("path", ["/graphql", "/v1/invoices", "/api/invoices"])
async def test_a_preflight_from_an_allowed_origin_allows_the_api_headers(
    path: str, database: Database
) -> None:
    async with client_for(database, cors_allow_origins=f"{FRONTEND}, https://app.example") as http:
        answer = await http.options(path, headers=_preflight(FRONTEND))
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == FRONTEND
    allowed = {h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "x-request-id"} <= allowed
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in answer.headers


async def test_an_answer_to_an_allowed_origin_exposes_limits_replay_and_request_id(
    database: Database, write_key: str
) -> None:
    async with client_for(database, cors_allow_origins=FRONTEND) as http:
        answer = await http.get("/v1/info", headers={"Origin": FRONTEND, **bearer(write_key)})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == FRONTEND
    exposed = {
        h.strip().lower() for h in answer.headers["access-control-expose-headers"].split(",")
    }
    assert {
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
        "idempotent-replayed",
        "x-request-id",
    } <= exposed


async def test_another_origin_gets_no_cors_grant(database: Database) -> None:
    async with client_for(database, cors_allow_origins=FRONTEND) as http:
        preflight = await http.options("/graphql", headers=_preflight(STRANGER))
        simple = await http.get("/health", headers={"Origin": STRANGER})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_by_default_no_origin_is_allowed(database: Database) -> None:
    async with client_for(database) as http:
        preflight = await http.options("/graphql", headers=_preflight(FRONTEND))
        simple = await http.get("/health", headers={"Origin": FRONTEND})
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_a_star_allows_every_origin(database: Database) -> None:
    async with client_for(database, cors_allow_origins="*") as http:
        answer = await http.options("/v1/invoices", headers=_preflight(STRANGER, "GET"))
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"


def test_an_origin_with_a_path_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="Invalid origin"):
        Settings(cors_allow_origins="https://app.example/page")


async def _handshake(base: str, origin: str) -> str | None:
    """Open a graphql-transport-ws socket from a page on ``origin``: the subprotocol the
    server accepted (the handshake's 101), or InvalidStatus when it refused."""
    async with websockets.connect(
        base.replace("http", "ws") + "/graphql",
        origin=origin,  # type: ignore[arg-type]
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    ) as socket:
        return socket.subprotocol


async def test_the_websocket_handshake_follows_the_same_origins(sqlite_database: Database) -> None:
    url = sqlite_database.engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, cors_allow_origins=FRONTEND))
    with run_live_server(app) as base:
        # an allowed origin gets past the handshake (its key is asked for at connection_init)
        assert await _handshake(base, FRONTEND) == "graphql-transport-ws"
        with pytest.raises(InvalidStatus) as refused:
            await _handshake(base, STRANGER)
    assert refused.value.response.status_code == 403


async def test_without_cors_a_cross_origin_websocket_is_refused(sqlite_database: Database) -> None:
    url = sqlite_database.engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url))
    with run_live_server(app) as base, pytest.raises(InvalidStatus) as refused:
        await _handshake(base, FRONTEND)
    assert refused.value.response.status_code == 403
