"""Random requests over the route table and the GraphQL schema (issue 12's fuzzers, kept):
NUL bytes, lone surrogates, unicode digits in ids, huge lists, deep nesting, absurd numbers.
Every answer is below 500 and shows no internals; GraphQL never answers an internal error.
``FUZZ_EXAMPLES``/``FUZZ_SEED`` scale and replay a run (``make soak`` sends thousands)."""

from __future__ import annotations

import random
from urllib.parse import quote

import httpx
import pytest
from starlette.routing import Mount, Route

from invoicegraph.app import create_app
from invoicegraph.schema import build_schema
from invoicegraph.settings import Settings

from .conftest import EXAMPLES, SEED, assert_sound
from .poison import UNICODE_DIGITS, encode, random_value

pytestmark = pytest.mark.xdist_group("fuzz")
IDS = (*UNICODE_DIGITS, "1", "0", "-1", str(2**63), "00000000-0000-4000-8000-000000000000", "a%00b")


def _routes() -> list[tuple[str, str]]:
    found = []
    for mount in create_app(Settings()).routes:
        if isinstance(mount, Mount) and mount.path in ("/api", "/v1"):
            for route in mount.routes:
                if isinstance(route, Route):
                    for method in sorted((route.methods or set()) - {"HEAD"}):
                        found.append((method, mount.path + route.path))
    return found


async def test_random_rest_requests_never_fail(http: httpx.AsyncClient) -> None:
    rng = random.Random(SEED)
    routes = _routes()
    for n in range(EXAMPLES):
        method, path = rng.choice(routes)
        raw_id = rng.choice(IDS)
        url = path.replace("{id}", raw_id if "%" in raw_id else quote(raw_id))
        params = {
            rng.choice(("search", "page", "per_page", "limit", "order", "from", "cursor")): str(
                rng.choice(("a\x00b", "\u0661", "9" * 30, "", "x,desc"))
            )
        }
        if method in ("POST", "PATCH", "PUT"):
            body = encode(random_value(rng))
            answer = await http.request(
                method, url, content=body, headers={"Content-Type": "application/json"}
            )
        else:
            answer = await http.request(method, url, params=params)
        assert_sound(answer, f"#{n} {method} {url} (FUZZ_SEED={SEED})")


async def test_random_graphql_operations_never_fail(http: httpx.AsyncClient) -> None:
    rng = random.Random(SEED + 1)
    schema = build_schema()._schema
    assert schema.mutation_type is not None
    fields = [("mutation", name, f) for name, f in schema.mutation_type.fields.items()]
    fields += [("query", name, f) for name, f in schema.query_type.fields.items()]
    for n in range(EXAMPLES // 2):
        operation, name, field = rng.choice(fields)
        declared, arguments, variables = [], [], {}
        for arg, definition in field.args.items():
            if rng.random() < 0.8:
                declared.append(f"${arg}: {definition.type}")
                arguments.append(f"{arg}: ${arg}")
                variables[arg] = random_value(rng)
        head = f"({', '.join(declared)})" if declared else ""
        call = f"({', '.join(arguments)})" if arguments else ""
        named = field.type
        while hasattr(named, "of_type"):
            named = named.of_type
        selection = " { __typename }" if hasattr(named, "fields") else ""
        query = f"{operation}{head} {{ {name}{call}{selection} }}"
        answer = await http.post(
            "/graphql",
            content=encode({"query": query, "variables": variables}),
            headers={"Content-Type": "application/json"},
        )
        what = f"#{n} {query} (FUZZ_SEED={SEED})"
        assert_sound(answer, what)
        errors = answer.json().get("errors") or []
        internal = [e for e in errors if e.get("message") == "Unexpected error."]
        assert not internal, (what, internal)
