"""The Facturovia dialect, served under ``/api`` (seed ``000_…``): UUID ids, lists as
``{"data": [...], "next_cursor": …}``, a created invoice answered as itself and a
rectificative one as ``{"invoice": …}``. ``openapi.py`` documents every route."""

from __future__ import annotations

from starlette.routing import Route

from invoicegraph.rest.api import clients, invoices, quotes


def routes() -> list[Route]:
    return [*clients.routes(), *invoices.routes(), *quotes.routes()]
