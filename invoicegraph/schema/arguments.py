"""Described arguments shared by the root fields, so that each reads in the SDL as it does
here: an id, the Relay page arguments, and the input of a mutation."""

from __future__ import annotations

from typing import Annotated

import strawberry

from invoicegraph.services.pagination import MAX_PAGE_SIZE

Id = Annotated[
    strawberry.ID,
    strawberry.argument(description="The object's global id, its UUID or its integer id."),
]
First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page size from the start (1–{MAX_PAGE_SIZE}; 25 when neither first nor "
        "last is given). Not with last."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Items after this cursor (an edge's cursor or endCursor)."),
]
Last = Annotated[
    int | None,
    strawberry.argument(description=f"Page size from the end (1–{MAX_PAGE_SIZE}). Not with first."),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="Items before this cursor (an edge's cursor or startCursor)."),
]
Search = Annotated[
    str | None,
    strawberry.argument(description="Text to look for in names and ids; at least 3 characters."),
]


def described(description: str) -> object:
    """``strawberry.argument`` with a description, for one-off arguments."""
    return strawberry.argument(description=description)
