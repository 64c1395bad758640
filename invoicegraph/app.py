"""The Starlette application: lifespan, health, and the faces mounted on one database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from invoicegraph.db.engine import Database, create_database
from invoicegraph.http_errors import install_error_handlers
from invoicegraph.settings import Settings, get_settings

log = logging.getLogger("invoicegraph")

HEALTH_TIMEOUT_SECONDS = 2.0


async def health(request: Request) -> Response:
    """Liveness plus the one dependency that matters: can we reach the database?"""
    database: Database = request.app.state.database
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except Exception:  # any failure here means "not healthy", never a 500
        log.warning("health check: database unreachable", exc_info=True)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """Build the app. Tests pass their own settings and database; uvicorn calls it bare."""
    settings = settings or get_settings()
    owns_database = database is None
    db = database or create_database(
        settings.database_url, pool_size=settings.db_pool_size, echo=settings.db_echo
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owns_database:
                await db.dispose()

    app = Starlette(routes=[Route("/health", health, methods=["GET"])], lifespan=lifespan)
    app.state.settings = settings
    app.state.database = db
    install_error_handlers(app)
    return app
