"""The app as the edge layers see it: built from explicit settings over the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.settings import Settings

Client = Callable[..., Any]


@asynccontextmanager
async def client_for(database: Database, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client over an app built with these settings (ASGI transport, no socket)."""
    settings.setdefault("rate_limit_per_minute", 100_000)
    app = create_app(Settings(**settings), database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
