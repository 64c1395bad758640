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
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.types import ASGIApp

from invoicegraph.collector import report_on_signal, tune_collector
from invoicegraph.db.engine import Database, create_database
from invoicegraph.http.logs import quiet_expected_graphql_errors
from invoicegraph.http.ratelimit import RateLimiter
from invoicegraph.http.stack import edge_stack
from invoicegraph.http_errors import install_error_handlers
from invoicegraph.pdf.pool import configure_pool, shutdown_pool, start_pool
from invoicegraph.schema import expected_graphql_error
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


def routes(settings: Settings) -> list[BaseRoute]:
    from invoicegraph.rest import api, openapi, v1
    from invoicegraph.rest.api.exports import export_download
    from invoicegraph.schema import build_schema
    from invoicegraph.schema.graphiql import GRAPHIQL_STATIC_PREFIX, graphiql_static_app
    from invoicegraph.schema.view import InvoiceGraphQL
    from invoicegraph.services.export_links import DOWNLOAD_PATH

    graphql = InvoiceGraphQL(
        build_schema(introspection=settings.introspection_enabled),
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allowed_origins=settings.cors_origins,
    )
    extra: list[BaseRoute] = []
    if settings.metrics_enabled:
        from invoicegraph.http.metrics import metrics_endpoint

        extra.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    return [
        *extra,
        Route("/health", health, methods=["GET"]),
        *openapi.routes(),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Mount(GRAPHIQL_STATIC_PREFIX, app=graphiql_static_app(), name="graphiql"),
        Route(DOWNLOAD_PATH, export_download, methods=["GET"]),
        Mount("/api", routes=api.routes()),
        Mount("/v1", routes=v1.routes()),
    ]


class InvoiceGraphApp(Starlette):
    """Starlette with our edge layers outside its own stack, so that what they add (CORS
    headers, the request id, the access line) is there on the error handlers' answers too."""

    def build_middleware_stack(self) -> ASGIApp:
        return edge_stack(super().build_middleware_stack(), self.state.settings)


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """Build the app. Tests pass their own settings and database; uvicorn calls it bare."""
    settings = settings or get_settings()
    owns_database = database is None
    db = database or create_database(
        settings.database_url, pool_size=settings.db_pool_size, echo=settings.db_echo
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        configure_pool(settings.pdf_workers)
        if settings.pdf_warm_on_start:
            # before serving: /health is green only once every PDF worker is warm, so nothing
            # (a load balancer's first requests, a benchmark) meets a cold or starting pool
            await start_pool()
        stop = asyncio.Event()
        workers: list[asyncio.Task[None]] = []
        if settings.verifactu_worker_in_serve:
            from invoicegraph.services.verifactu.worker import run_worker

            workers.append(asyncio.create_task(run_worker(db, settings, stop)))
        if settings.webhooks_worker_in_serve:
            from invoicegraph.rest.api.webhook_objects import api_object
            from invoicegraph.services.webhooks.worker import run_worker as deliver_webhooks

            workers.append(
                asyncio.create_task(deliver_webhooks(db, settings, stop, shaper=api_object))
            )
        tune_collector()
        report_on_signal()
        try:
            yield
        finally:
            stop.set()
            # each finishes what it has in flight (a POST is bounded by its timeout)
            await asyncio.gather(*workers)
            # wait, so no PDF worker process outlives the server
            shutdown_pool(wait=True)
            if owns_database:
                await db.dispose()

    app = InvoiceGraphApp(routes=routes(settings), lifespan=lifespan)
    app.state.settings = settings
    app.state.database = db
    app.state.rate_limiter = RateLimiter(
        settings.rate_limit_per_minute, settings.rate_limit_storage_url
    )
    install_error_handlers(app)
    quiet_expected_graphql_errors(expected_graphql_error)
    return app
