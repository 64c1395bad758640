"""Issue 12, findings 9 and 10: ``/graphql`` with an Idempotency-Key never answers 500 to a
malformed body, and a key is claimed only once the caller may write."""

from __future__ import annotations

import httpx
import pytest

from .conftest import bearer

CREATE_CLIENT = 'mutation { createClient(input: {name: "Idem"}) { client { id } } }'


@pytest.mark.parametrize(
    "raw",
    [
        b'{"query":123}',
        b'{"query":["mutation { createClient(input:{name:\\"x\\"}) { client { id } } }"]}',
        b'{"query":"mutation { x }","operationName":7}',
        b"[" * 5000 + b"]" * 5000,
        b'{"query":' + b"[" * 5000 + b"]" * 5000 + b"}",
        b"[]",
        b'"mutation"',
        b"\xff\xfe",
    ],
)
async def test_malformed_bodies_with_a_key_are_400_not_500(
    http: httpx.AsyncClient, write_key: str, raw: bytes
) -> None:
    headers = bearer(write_key, **{"Idempotency-Key": "k-1", "Content-Type": "application/json"})
    response = await http.post("/graphql", content=raw, headers=headers)
    assert response.status_code == 400, (response.status_code, response.text[:300])
    without = await http.post(
        "/graphql", content=raw, headers=bearer(write_key, **{"Content-Type": "application/json"})
    )
    assert without.status_code == 400


async def test_a_read_keys_forbidden_is_not_replayed_to_the_write_key(
    http: httpx.AsyncClient, write_key: str, read_key: str
) -> None:
    headers = {"Idempotency-Key": "same-key"}
    refused = await http.post(
        "/graphql", json={"query": CREATE_CLIENT}, headers=bearer(read_key, **headers)
    )
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = await http.post(
        "/graphql", json={"query": CREATE_CLIENT}, headers=bearer(write_key, **headers)
    )
    assert "idempotent-replayed" not in done.headers
    assert done.json()["data"]["createClient"]["client"]["id"], done.text
    again = await http.post(
        "/graphql", json={"query": CREATE_CLIENT}, headers=bearer(write_key, **headers)
    )
    assert again.headers["idempotent-replayed"] == "true" and again.json() == done.json()


async def test_a_document_with_an_admin_only_mutation_does_nothing_for_a_write_key(
    http: httpx.AsyncClient, write_key: str
) -> None:
    """Nothing of a refused document is written, so a retry with an admin key runs it once."""
    query = (
        'mutation { a: createClient(input: {name: "Half"}) { client { id } } '
        "b: createApiKey(access: READ) { secret } }"
    )
    answer = await http.post(
        "/graphql", json={"query": query}, headers=bearer(write_key, **{"Idempotency-Key": "h"})
    )
    body = answer.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = await http.post(
        "/graphql",
        json={"query": '{ clients(first: 5, search: "Half") { totalCount } }'},
        headers=bearer(write_key),
    )
    assert listed.json()["data"]["clients"]["totalCount"] == 0
