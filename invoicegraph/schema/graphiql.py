"""Self-hosted GraphiQL: the IDE page and the static app serving its bundle.

Strawberry's stock IDE page loads React and GraphiQL from unpkg, which breaks on
machines without internet access and leaks every IDE visit to a CDN. We bundle
GraphiQL ourselves (``frontend/`` built by ``scripts/build_graphiql.sh`` into
:data:`GRAPHIQL_STATIC_DIR`) and serve it from our own origin.

How the app hooks it in (strawberry-graphql 0.34x, ``strawberry/asgi/__init__.py``):
``GraphQL.run`` answers a browser ``GET`` (``Accept: text/html``, no ``query``
parameter) with ``await self.render_graphql_ide(request)`` as long as
``graphql_ide`` is truthy (the default ``"graphiql"``; ``None`` turns the IDE
off and gives 404). The base implementation returns
``HTMLResponse(self.graphql_ide_html)``, where ``graphql_ide_html`` reads the CDN
page from ``strawberry/static/``. Override the async ``render_graphql_ide``
rather than the ``graphql_ide_html`` property, because it receives the request,
so the page can point at whatever path the view is mounted on::

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Mount, Route, WebSocketRoute
    from strawberry.asgi import GraphQL

    from invoicegraph.schema.graphiql import (
        GRAPHIQL_STATIC_PREFIX,
        graphiql_static_app,
        render_graphiql_page,
    )


    class InvoiceGraphQL(GraphQL):
        async def render_graphql_ide(self, request: Request) -> Response:
            return HTMLResponse(render_graphiql_page(endpoint=request.url.path))


    graphql_app = InvoiceGraphQL(schema)
    app = Starlette(
        routes=[
            Route("/graphql", graphql_app),
            WebSocketRoute("/graphql", graphql_app),
            # Before any catch-all "/static" mount, so this prefix wins.
            Mount(GRAPHIQL_STATIC_PREFIX, app=graphiql_static_app(), name="graphiql"),
        ]
    )

Subscriptions from the IDE use graphql-transport-ws on the same path; the
toolkit sends the headers editor's JSON (so the ``Authorization`` header) as the
``connection_init`` payload, which Strawberry exposes as
``info.context["connection_params"]`` rather than as an HTTP header.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import anyio.to_thread
from starlette.staticfiles import StaticFiles

__all__ = [
    "GRAPHIQL_BUILD_HINT",
    "GRAPHIQL_STATIC_DIR",
    "GRAPHIQL_STATIC_PREFIX",
    "graphiql_assets_built",
    "graphiql_static_app",
    "render_graphiql_page",
]

GRAPHIQL_STATIC_PREFIX = "/static/graphiql"
"""URL prefix the app mounts :func:`graphiql_static_app` at."""

GRAPHIQL_STATIC_DIR: Path = Path(__file__).resolve().parent.parent / "static" / "graphiql"
"""Build output of ``scripts/build_graphiql.sh``; gitignored, never committed."""

GRAPHIQL_BUILD_HINT = "make assets"
"""What to run when the bundle is missing (it runs ``scripts/build_graphiql.sh``)."""

_JS = "graphiql.js"
_CSS = "graphiql.css"
_STAMP = ".build-stamp"


def graphiql_assets_built() -> bool:
    """Tell whether the bundle exists, so callers can fail or warn up front.

    A fresh clone has no bundle until the build script ran; checking both files
    catches a build that died half-way.
    """
    return (GRAPHIQL_STATIC_DIR / _JS).is_file() and (GRAPHIQL_STATIC_DIR / _CSS).is_file()


def _asset_version() -> str:
    """Return a cache-busting token that changes whenever the bundle is rebuilt.

    StaticFiles only sends ETag/Last-Modified, so browsers may heuristically
    reuse a stale bundle after an upgrade; a query string tied to the build
    stamp (hash of the build inputs) forces a fresh fetch exactly when needed.
    """
    try:
        stamp = (GRAPHIQL_STATIC_DIR / _STAMP).read_text(encoding="ascii").strip()
    except OSError:
        stamp = ""
    if stamp:
        return stamp[:16]
    try:
        return str((GRAPHIQL_STATIC_DIR / _JS).stat().st_mtime_ns)
    except OSError:
        return "0"


_HEAD = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>invoicegraph · GraphiQL</title>
    <link rel="icon" href="data:,">
    <style>
      html, body {{ height: 100%; margin: 0; }}
      #graphiql {{ height: 100vh; }}
      .ig-missing {{ font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 4rem auto;
                    padding: 0 1rem; }}
      .ig-missing code {{ background: #f2f2f2; padding: 0.1em 0.3em; border-radius: 3px; }}
    </style>
{extra_head}  </head>
"""

_PAGE = (
    _HEAD
    + """  <body>
    <div id="graphiql" data-endpoint="{endpoint}">Loading GraphiQL…</div>
    <noscript>GraphiQL needs JavaScript.</noscript>
  </body>
</html>
"""
)

_MISSING_PAGE = (
    _HEAD
    + """  <body>
    <main class="ig-missing" id="graphiql-missing">
      <h1>GraphiQL assets are not built</h1>
      <p>The self-hosted GraphiQL bundle is missing from
        <code>invoicegraph/static/graphiql/</code>.
        Run <code>{hint}</code> (it runs <code>scripts/build_graphiql.sh</code>),
        then reload this page.</p>
      <p>The GraphQL endpoint <code>{endpoint}</code> itself works without it:
        POST queries to it with any GraphQL client.</p>
    </main>
  </body>
</html>
"""
)


def render_graphiql_page(
    endpoint: str = "/graphql", *, static_prefix: str = GRAPHIQL_STATIC_PREFIX
) -> str:
    """Return the GraphiQL HTML page for the GraphQL API at ``endpoint``.

    The page loads only our own bundle (no CDN). When the bundle has not been
    built yet it renders an explanation instead of a blank IDE, because a
    silent 404 on the script is the first thing a fresh clone would hit.
    ``static_prefix`` is there for apps served under a ``root_path``.
    """
    prefix = static_prefix.rstrip("/")
    if not graphiql_assets_built():
        return _MISSING_PAGE.format(
            extra_head="",
            hint=html.escape(GRAPHIQL_BUILD_HINT),
            endpoint=html.escape(endpoint),
        )
    version = _asset_version()
    css = html.escape(f"{prefix}/{_CSS}?v={version}")
    js = html.escape(f"{prefix}/{_JS}?v={version}")
    extra_head = (
        f'    <link rel="stylesheet" href="{css}">\n    <script defer src="{js}"></script>\n'
    )
    return _PAGE.format(extra_head=extra_head, endpoint=html.escape(endpoint))


class _BundleFiles(StaticFiles):
    """StaticFiles that tolerates the bundle directory not existing yet.

    Stock StaticFiles raises at construction (``check_dir``) or answers 500 on
    the first request when its directory is missing. The bundle is build
    output that may appear after the app started (``make assets`` in another
    shell), so a missing directory must simply mean 404 until it exists.
    """

    async def check_config(self) -> None:
        if self.directory is not None and not await anyio.to_thread.run_sync(
            os.path.exists, self.directory
        ):
            return
        await super().check_config()


def graphiql_static_app() -> StaticFiles:
    """Return the ASGI app serving the bundle; mount it at GRAPHIQL_STATIC_PREFIX."""
    return _BundleFiles(directory=GRAPHIQL_STATIC_DIR, check_dir=False)
