"""Relay connections over the services' keyset pages."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry

from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.services.pagination import MAX_PAGE_SIZE, Page, PageRequest

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 25


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo
    total_count: int | None = strawberry.field(description="Rows matching the filters.")


def page_request(
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    order_by: str = "id",
    descending: bool = True,
    with_total: bool = True,
) -> tuple[PageRequest, bool]:
    """Translate Relay arguments; the flag says the page must be flipped back (``last``
    without ``before`` reads the list from its end)."""
    if first is not None and last is not None:
        raise ValidationFailed.single("first", "use either first or last, not both")
    size = first if first is not None else last if last is not None else DEFAULT_PAGE_SIZE
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed.single(
            "first" if last is None else "last", f"must be between 1 and {MAX_PAGE_SIZE}"
        )
    if last is not None and before is None and after is None:
        return (
            PageRequest(
                limit=size, order_by=order_by, descending=not descending, with_total=with_total
            ),
            True,
        )
    return (
        PageRequest(
            limit=size,
            order_by=order_by,
            descending=descending,
            after=after if last is None else None,
            before=before,
            with_total=with_total,
        ),
        False,
    )


def to_connection(page: Page[Any], flipped: bool = False) -> Connection[Any]:
    items, cursors = page.items, page.cursors
    has_next, has_previous = page.has_next, page.has_previous
    if flipped:
        items, cursors = list(reversed(items)), list(reversed(cursors))
        has_next, has_previous = False, page.has_next
    return Connection(
        edges=[Edge(cursor=c, node=n) for c, n in zip(cursors, items, strict=True)],
        nodes=list(items),
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        total_count=page.total,
    )
