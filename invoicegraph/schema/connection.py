"""Relay connections over the services' keyset pages."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry

from invoicegraph.schema.error_codes import bad_input
from invoicegraph.services.pagination import MAX_PAGE_SIZE, Page, PageRequest

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 25


@strawberry.type(description="Where a page sits in its list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow: ask with after.")
    has_previous_page: bool = strawberry.field(
        description="Items come before: ask with last and before."
    )
    start_cursor: str | None = strawberry.field(description="The first item's cursor.")
    end_cursor: str | None = strawberry.field(description="The last item's cursor.")


@strawberry.type(description="An item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of the item in the list.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (a Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items with their cursors.")
    nodes: list[T] = strawberry.field(description="The items (the edges' nodes).")
    page_info: PageInfo = strawberry.field(description="Cursors and whether pages follow.")
    total_count: int | None = strawberry.field(
        description="Rows matching the filters (counted only when selected)."
    )


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
        raise bad_input("first: use either first or last, not both", "first")
    size = first if first is not None else last if last is not None else DEFAULT_PAGE_SIZE
    if not 1 <= size <= MAX_PAGE_SIZE:
        argument = "first" if last is None else "last"
        raise bad_input(f"{argument}: must be between 1 and {MAX_PAGE_SIZE}", argument)
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
