"""Laravel-style pages: ``page``/``per_page`` in, ``data`` + ``links`` + ``meta`` out.

``links`` (under ``PUBLIC_BASE_URL``, else relative to the server, never from the ``Host``
header) keep the request's other query parameters, so following ``next`` keeps the filters
and the order; ``meta`` is Laravel's (``from``/``to`` are null on an empty page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import URL

from invoicegraph.domain.errors import FieldError
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.v1.parse import Fields, as_integer
from invoicegraph.services.pagination import MAX_PAGE_SIZE, Page, PageRequest

DEFAULT_PER_PAGE = 100  # the seed's list answers per_page 100 with no per_page sent
MAX_PAGE = 1_000_000_000


@dataclass(frozen=True, slots=True)
class PageParams:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def request(self, order_by: str = "id", *, descending: bool = False) -> PageRequest:
        return PageRequest(
            limit=self.per_page,
            offset=(self.page - 1) * self.per_page,
            order_by=order_by,
            descending=descending,
        )


def query_fields(call: Call, errors: list[FieldError] | None = None) -> Fields:
    """The query string as fields; an empty value is an absent one (as Laravel reads it)."""
    params = {name: value for name, value in call.request.query_params.items() if value != ""}
    return Fields(params, errors)


def page_params(fields: Fields) -> PageParams:
    return PageParams(
        page=_bounded(fields, "page", MAX_PAGE, 1),
        per_page=_bounded(fields, "per_page", MAX_PAGE_SIZE, DEFAULT_PER_PAGE),
    )


def _bounded(fields: Fields, name: str, high: int, default: int) -> int:
    if not fields.has(name):
        return default
    number = as_integer(fields.source[name])
    if number is None or not 1 <= number <= high:
        fields.fail(name, f"must be an integer between 1 and {high}")
        return default
    return number


def envelope(call: Call, data: list[Any], page: Page[Any], params: PageParams) -> dict[str, Any]:
    total = page.total or 0
    last_page = max(1, -(-total // params.per_page))
    # never from the Host header: PUBLIC_BASE_URL when set, else links relative to the server
    base: str = call.request.app.state.settings.public_base_url
    path = base + call.request.url.path
    query = call.request.url.query
    url = URL(path + ("?" + query if query else ""))

    def link(number: int) -> str:
        return str(url.include_query_params(page=number))

    first_index = (params.page - 1) * params.per_page + 1
    return {
        "data": data,
        "links": {
            "first": link(1),
            "last": link(last_page),
            "prev": link(params.page - 1) if params.page > 1 else None,
            "next": link(params.page + 1) if params.page < last_page else None,
        },
        "meta": {
            "current_page": params.page,
            "from": first_index if data else None,
            "last_page": last_page,
            "path": path,
            "per_page": params.per_page,
            "to": first_index + len(data) - 1 if data else None,
            "total": total,
        },
    }
