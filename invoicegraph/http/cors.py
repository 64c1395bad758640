"""CORS for every face, from ``CORS_ALLOW_ORIGINS``.

Starlette's middleware answers the preflights and marks the answers; the WebSocket handshake
(which CORS does not cover) is checked by the GraphQL view against the same origins.
Credentials are not allowed: the API authenticates with a bearer key, never with cookies.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from invoicegraph.settings import Settings

ALLOWED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ALLOWED_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id")
# what a browser page may read from an answer: the limits, the replay mark and the request id
EXPOSED_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "Idempotent-Replayed",
    "X-Request-Id",
)
PREFLIGHT_MAX_AGE_SECONDS = 600


def with_cors(app: ASGIApp, settings: Settings) -> ASGIApp:
    """``app`` behind the CORS middleware, or ``app`` itself when no origin is allowed."""
    origins = settings.cors_origins
    if not origins:
        return app
    return CORSMiddleware(
        app,
        allow_origins=list(origins),
        allow_methods=list(ALLOWED_METHODS),
        allow_headers=list(ALLOWED_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        allow_credentials=False,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
