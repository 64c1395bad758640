"""The layers in front of the application, outermost first."""

from __future__ import annotations

from starlette.types import ASGIApp

from invoicegraph.http.compression import Compression
from invoicegraph.http.cors import with_cors
from invoicegraph.http.observer import EdgeObserver
from invoicegraph.settings import Settings


def edge_stack(app: ASGIApp, settings: Settings) -> ASGIApp:
    """Wrap Starlette's own stack (error handlers included), so CORS headers and the request
    id reach the 500s too. Compression is outermost, so the observer (which writes the request
    id into error bodies) sees them as they were written."""
    observed = EdgeObserver(
        with_cors(app, settings),
        metrics_enabled=settings.metrics_enabled,
        public_base_url=settings.public_base_url,
    )
    return Compression(observed, minimum_size=settings.compress_min_bytes)
