"""The layers in front of the application, outermost first."""

from __future__ import annotations

from starlette.types import ASGIApp

from invoicegraph.http.cors import with_cors
from invoicegraph.settings import Settings


def edge_stack(app: ASGIApp, settings: Settings) -> ASGIApp:
    """Wrap Starlette's own stack (error handlers included): CORS headers reach 500s too."""
    return with_cors(app, settings)
