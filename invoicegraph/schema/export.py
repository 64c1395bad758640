"""Print the GraphQL SDL: ``python -m invoicegraph.schema.export > schema.graphql``
(``make schema``). A test fails when the committed file drifts from the code."""

from __future__ import annotations

import sys

from invoicegraph.schema import build_schema


def sdl() -> str:
    return build_schema().as_str().rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(sdl())
