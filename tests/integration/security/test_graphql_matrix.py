"""Every GraphQL mutation × every way of calling it with the wrong credentials.

The mutations come from the schema the app serves (``mutations.py``), so a new mutation is in
the matrix the day it is added. Expected: UNAUTHENTICATED without a working key, FORBIDDEN for
a read key (and for a write key where an admin key is needed), NOT_FOUND in the payload for another account's ids and for a test key on live
ids. Never a 5xx, never a traceback, and a refused mutation changes nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import World, assert_clean, bearer, matrix
from .mutations import Mutation, mutation_table
from .snapshots import snapshot
from .test_rest_matrix import MALFORMED

MUTATIONS = mutation_table()
KNOWN_BUGS: dict[tuple[str, str], str] = {}


async def call(
    http: httpx.AsyncClient, request: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await http.post("/graphql", json=request, headers=headers)
    assert_clean(response)
    body: dict[str, Any] = response.json()
    return body


def top_level_code(body: dict[str, Any]) -> str:
    assert body.get("data") is None, body
    assert len(body["errors"]) == 1, body
    return str(body["errors"][0]["extensions"]["code"])


def test_the_mutation_table_is_the_whole_schema() -> None:
    names = {m.name for m in MUTATIONS}
    assert {"createInvoice", "issueInvoice", "rectifyInvoice", "revokeApiKey"} <= names
    assert len(names) >= 23
    # the admin-only ones are those whose description says so
    said = {m.name for m in MUTATIONS if "(admin" in (m.field.description or "")}
    assert said == {m.name for m in MUTATIONS if m.admin}


@pytest.mark.parametrize(
    ("mutation", "case"),
    matrix(MUTATIONS, lambda m: m.name, lambda m: m.names_objects, KNOWN_BUGS, lambda m: m.admin),
)
async def test_mutation_refuses_the_wrong_caller(
    mutation: Mutation, case: str, http: httpx.AsyncClient, world: World
) -> None:
    before = await snapshot(world)
    mine, theirs, keys = world.my_objects, world.other_objects, world.keys
    if case == "no key":
        assert top_level_code(await call(http, mutation.request(mine), {})) == "UNAUTHENTICATED"
    elif case == "malformed key":
        for header in MALFORMED:
            body = await call(http, mutation.request(mine), {"Authorization": header})
            assert top_level_code(body) == "UNAUTHENTICATED", header[:60]
    elif case == "revoked key":
        body = await call(http, mutation.request(mine), bearer(keys["revoked"]))
        assert top_level_code(body) == "UNAUTHENTICATED"
        assert "revoked" in body["errors"][0]["message"]
    elif case == "read key":
        body = await call(http, mutation.request(mine), bearer(keys["read"]))
        assert top_level_code(body) == "FORBIDDEN"
    elif case == "write key":
        body = await call(http, mutation.request(mine), bearer(keys["write"]))
        assert top_level_code(body) == "FORBIDDEN"
        assert "admin" in body["errors"][0]["message"]
    else:
        key, objects = (
            (keys["admin"], theirs)
            if case == "another account's ids"
            else (keys["test_admin"], mine)
        )
        body = await call(http, mutation.request(objects), bearer(key))
        assert "errors" not in body, body
        errors = body["data"][mutation.name]["errors"]
        assert [e["code"] for e in errors] == ["NOT_FOUND"], errors
    assert await snapshot(world) == before


async def test_a_test_key_cannot_mint_a_live_key(http: httpx.AsyncClient, world: World) -> None:
    body = await call(
        http,
        {"query": "mutation { createApiKey(access: ADMIN) { secret errors { code } } }"},
        bearer(world.keys["test_admin"]),
    )
    payload = (body.get("data") or {}).get("createApiKey") or {}
    secret = payload.get("secret") or ""
    assert not secret.startswith("fv_live_"), "a test key created a live admin key"
