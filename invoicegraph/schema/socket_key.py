"""A subscription socket lives only as long as the API key that opened it.

The key is checked once, at ``connection_init``; a socket may then stay open for days. So
its key's state is read again from the database — never from an in-process cache of keys,
which could keep a revoked key alive — every :data:`KEY_CHECK_SECONDS` while the socket is
open, and before each event is sent. A revoked key's socket is closed with code 4403, which
graphql-ws and the other standard clients treat as final (no reconnect with the same key).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from sqlalchemy import select
from starlette.websockets import WebSocket, WebSocketState

from invoicegraph.db.engine import Database
from invoicegraph.db.models import ApiKey

log = logging.getLogger("invoicegraph.subscriptions")

KEY_CHECK_SECONDS = 2.0
"""How often an open socket re-reads its key: one indexed primary-key lookup per socket."""

REVOKED_CLOSE_CODE = 4403
REVOKED_CLOSE_REASON = "API key revoked"


async def key_is_active(database: Database, key_id: int) -> bool:
    """Whether the key still exists unrevoked, straight from the database."""
    async with database.sessions() as session:
        found = await session.scalar(
            select(ApiKey.id).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        )
    return found is not None


def socket_is_open(websocket: WebSocket) -> bool:
    return (
        websocket.application_state == WebSocketState.CONNECTED
        and websocket.client_state == WebSocketState.CONNECTED
    )


async def close_for_revoked_key(websocket: WebSocket) -> None:
    if socket_is_open(websocket):
        with suppress(RuntimeError):  # the client hung up meanwhile
            await websocket.close(code=REVOKED_CLOSE_CODE, reason=REVOKED_CLOSE_REASON)


async def guard_socket(database: Database, websocket: WebSocket, key_id: int) -> None:
    """Close ``websocket`` once its key is revoked; return when the socket closes."""
    while socket_is_open(websocket):
        await asyncio.sleep(KEY_CHECK_SECONDS)
        if not socket_is_open(websocket):
            return
        try:
            active = await key_is_active(database, key_id)
        except Exception:  # a database hiccup must not end the socket; the next tick retries
            log.warning("could not re-check the key of an open subscription", exc_info=True)
            continue
        if not active:
            await close_for_revoked_key(websocket)
            return
