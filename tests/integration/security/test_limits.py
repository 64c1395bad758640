"""Oversized and absurd requests are refused cleanly: 1 MB strings (413 for the body, 422
naming the field below the body limit), deeply nested JSON (400), and GraphQL depth, alias,
token, cost and fragment bombs (refused with a clear error before anything runs)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from typing import Any

import httpx
import pytest

from invoicegraph.http.jsonio import MAX_DEPTH
from invoicegraph.settings import Settings

from .conftest import Prober, World, assert_clean, bearer
from .fields import (
    graphql_base,
    graphql_text_fields,
    named_fields,
    names_field,
    pair_ids,
    put,
    rest_base,
    rest_text_fields,
)
from .routes import RestRoute, route_table

MEGABYTE = 1 << 20
BODY_LIMIT = Settings().max_body_bytes
# under the body limit once quoted, far over every field's own limit
LARGE_TEXT = "a" * (BODY_LIMIT - 20_000)
# the routes that read a body (a DELETE's body is never read)
BODY_ROUTES = [r for r in route_table() if r.method in ("POST", "PATCH", "PUT")]


@pytest.fixture
def api_headers(prober: Prober) -> dict[str, str]:
    return bearer(prober.key)


@pytest.mark.parametrize(("route", "field"), rest_text_fields(), ids=pair_ids(rest_text_fields()))
async def test_a_huge_rest_text_is_413_or_a_422_naming_the_field(
    route: str, field: str, http: httpx.AsyncClient, prober: Prober, api_headers: dict[str, str]
) -> None:
    method, path = route.split(" ")
    face = path.split("/")[1]
    megabyte = put(rest_base(route, prober.objects), field, "a" * MEGABYTE)
    response = await http.request(method, path, json=megabyte, headers=api_headers)
    assert_clean(response)
    assert response.status_code == 413, response.text
    assert f"exceeds {BODY_LIMIT} bytes" in response.text
    large = put(rest_base(route, prober.objects), field, LARGE_TEXT)
    response = await http.request(method, path, json=large, headers=api_headers)
    assert_clean(response)
    assert response.status_code == 422, response.text[:300]
    assert names_field(named_fields(face, response.json()), field), response.text[:300]


@pytest.mark.parametrize(
    ("mutation", "field"), graphql_text_fields(), ids=pair_ids(graphql_text_fields())
)
async def test_a_huge_graphql_text_is_an_error_naming_the_field(
    mutation: str, field: str, http: httpx.AsyncClient, prober: Prober, api_headers: dict[str, str]
) -> None:
    kind = {"createClient": "ClientInput", "createInvoice": "InvoiceInput"}.get(
        mutation, "QuoteInput"
    )
    query = (
        f"mutation($input: {kind}!) {{ {mutation}(input: $input) "
        "{ errors { field code message } } }"
    )
    variables = {"input": put(graphql_base(mutation, prober.objects), field, LARGE_TEXT)}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=api_headers
    )
    assert_clean(response)
    if response.status_code == 413:
        return
    errors = response.json()["data"][mutation]["errors"]
    assert errors and names_field(named_fields("graphql", errors), field), errors


async def test_graphql_refuses_a_body_over_the_limit_with_413(
    http: httpx.AsyncClient, api_headers: dict[str, str]
) -> None:
    query = "mutation($i: ClientInput!) { createClient(input: $i) { errors { code } } }"
    body = {"query": query, "variables": {"i": {"name": "a" * (5 * MEGABYTE)}}}
    response = await http.post("/graphql", json=body, headers=api_headers)
    assert_clean(response)
    assert response.status_code == 413, response.text[:300]


def _nested(depth: int) -> str:
    return '{"name": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.name)
async def test_deeply_nested_json_is_400_on_every_write_route(
    route: RestRoute, http: httpx.AsyncClient, world: World
) -> None:
    headers = {**bearer(world.keys["admin"]), "content-type": "application/json"}
    for depth in (MAX_DEPTH + 8, 100_000):
        response = await http.request(
            route.method, route.url(world.my_objects), content=_nested(depth), headers=headers
        )
        assert_clean(response)
        assert response.status_code == 400, (depth, response.text)
        assert "nests" in response.text


async def test_deeply_nested_graphql_variables_are_400(
    http: httpx.AsyncClient, world: World
) -> None:
    body = '{"query": "{ account { name } }", "variables": {"x": ' + "[" * 100_000
    body += "]" * 100_000 + "}}"
    response = await http.post(
        "/graphql",
        content=body,
        headers={**bearer(world.keys["read"]), "content-type": "application/json"},
    )
    assert_clean(response)
    assert response.status_code == 400, response.text


def _aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: account {{ name }}" for i in range(count)) + " }"


BOMBS: dict[str, tuple[str, str | None]] = {
    "depth": (
        "{ invoices { edges { node { " + "rectifies { " * 11 + "id" + " }" * 11 + " } } } }",
        "exceeds maximum operation depth",
    ),
    "parser nesting": ("{ " + "a { " * 3000 + "b" + " }" * 3000 + " }", "nested too deeply"),
    "aliases": (_aliases(101), "aliases"),
    "tokens": (_aliases(5000), "more than 10000 tokens"),
    "directives": ("{ account { name " + "@skip(if: false) " * 5000 + "} }", "tokens"),
    "cost": ("{ invoices(first: 100000) { edges { node { id } } } }", "QUERY_TOO_COMPLEX"),
    "nested cost": (
        "{ invoices(first: 100) { edges { node { rectifications { rectifications "
        "{ lines { taxes { name } } } } } } } }",
        "QUERY_TOO_COMPLEX",
    ),
    "mutations": (
        "mutation { "
        + " ".join(
            f'm{i}: createClient(input: {{name: "x"}}) {{ errors {{ code }} }}' for i in range(5)
        )
        + " }",
        "TOO_MANY_MUTATIONS",
    ),
    "fragment cycle": (
        "{ account { ...A } } fragment A on Account { ...B } fragment B on Account { ...A }",
        "Cannot spread fragment",
    ),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
async def test_a_graphql_bomb_is_refused_before_running(
    name: str, http: httpx.AsyncClient, world: World
) -> None:
    query, expected_with_key = BOMBS[name]
    for key in (None, world.keys["read"]):  # refused whether or not the caller is known
        # without a key, refused before the document is even looked at
        expected = expected_with_key if key else "UNAUTHENTICATED"
        response = await http.post(
            "/graphql", json={"query": query}, headers=bearer(key) if key else {}
        )
        assert_clean(response)
        body: dict[str, Any] = response.json()
        assert body.get("data") is None, body
        assert body["errors"], body
        assert expected is None or expected in response.text, response.text[:500]


@pytest.mark.parametrize(
    "body", [b'[{"query": "{ account { name } }"}, {"query": "{ account { name } }"}]', b"{"]
)
async def test_batches_and_broken_json_are_400(
    body: bytes, http: httpx.AsyncClient, world: World
) -> None:
    response = await http.post(
        "/graphql",
        content=body,
        headers={**bearer(world.keys["read"]), "content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert "Traceback" not in response.text


FRAGMENT_BOMB_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys, httpx
    from invoicegraph.app import create_app
    from invoicegraph.settings import Settings

    levels = 40
    fragments = ["fragment F0 on Account { name }"] + [
        f"fragment F{i} on Account {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)
    ]
    query = "{ account { ...F%d } } " % (levels - 1) + " ".join(fragments)

    async def main():
        app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await client.post("/graphql", json={"query": "{ __typename }"})  # warm
            print("ready", flush=True)
            response = await client.post("/graphql", json={"query": query})
        print(response.status_code, response.text[:500], flush=True)

    asyncio.run(main())
    """
)
BOMB_SECONDS = 3.0


def test_a_fragment_fan_out_bomb_is_refused_quickly() -> None:
    """In a process of its own, so that the bomb, while it works, cannot hang the suite; the
    clock starts once that process has built the app."""
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    child = subprocess.Popen(
        [sys.executable, "-c", FRAGMENT_BOMB_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(child.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(BOMB_SECONDS)
        assert answer, f"the fragment bomb was still being validated after {BOMB_SECONDS} s"
        status, _, text = answer[0].partition(" ")
        assert int(status) < 500 and '"errors"' in text and '"data":null' in text, answer
    finally:
        child.kill()
        child.wait()
