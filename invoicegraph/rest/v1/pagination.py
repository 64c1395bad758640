"""Laravel-style pages: ``page``/``per_page`` in, ``data`` + ``links`` + ``meta`` out.

``links`` (under ``PUBLIC_BASE_URL``, else relative to the server, never from the ``Host``
header) keep the request's other query parameters, so following ``next`` keeps the filters
and the order; ``meta`` is Laravel's (``from``/``to`` are null on an empty page).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import URL

from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.v1.models import V1PageQuery
from invoicegraph.services.pagination import Page, PageRequest
from invoicegraph.sqlread.page import JsonPage


def page_request(
    query: V1PageQuery, order_by: str = "id", *, descending: bool = False
) -> PageRequest:
    return PageRequest(
        limit=query.per_page,
        offset=(query.page - 1) * query.per_page,
        order_by=order_by,
        descending=descending,
    )


def envelope(
    call: Call, data: Any, page: Page[Any] | JsonPage, query: V1PageQuery, count: int
) -> dict[str, Any]:
    """``data`` is the page's items (a list, or the JSON array ``sqlread`` wrote), ``count``
    how many they are."""
    total = page.total or 0
    last_page = max(1, -(-total // query.per_page))
    # never from the Host header: PUBLIC_BASE_URL when set, else links relative to the server
    base: str = call.request.app.state.settings.public_base_url
    path = base + call.request.url.path
    raw_query = call.request.url.query
    url = URL(path + ("?" + raw_query if raw_query else ""))

    def link(number: int) -> str:
        return str(url.include_query_params(page=number))

    first_index = (query.page - 1) * query.per_page + 1
    return {
        "data": data,
        "links": {
            "first": link(1),
            "last": link(last_page),
            "prev": link(query.page - 1) if query.page > 1 else None,
            "next": link(query.page + 1) if query.page < last_page else None,
        },
        "meta": {
            "current_page": query.page,
            "from": first_index if count else None,
            "last_page": last_page,
            "path": path,
            "per_page": query.per_page,
            "to": first_index + count - 1 if count else None,
            "total": total,
        },
    }
