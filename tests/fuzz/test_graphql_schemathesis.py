"""Issue 12, item 10: schemathesis on the GraphQL face, kept in CI. Every query and mutation
field of the schema is its own test: schemathesis generates documents for it (arguments,
variables-free literals, random selections) and sends them to a live server on PostgreSQL
with a valid key. No answer may be a 5xx, show internals, or carry an internal error
(``INTERNAL_SERVER_ERROR`` / "Unexpected error."), and every error must carry its code.

The write key drives every field; the few fields documented "(admin …)" are sent with an
admin key of the same account, so their resolvers are reached rather than refused.
``FUZZ_EXAMPLES`` raises the examples per field (``make soak``)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from graphql import introspection_from_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.graphql import nodes

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database, create_database
from invoicegraph.schema import build_schema
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.settings import Settings
from tests.parties import CLIENT_ADDRESS, ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from ..browser.conftest import run_live_server
from .conftest import LEAKS

pytestmark = pytest.mark.xdist_group("graphql_schemathesis")

# our custom scalar schemathesis has no strategy for: numbers as their text, some absurd
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.sampled_from(("0", "-1", "1e400", "NaN", "9" * 40, "")),
    ).map(nodes.String),
)

SDL = build_schema()._schema
schema = schemathesis.graphql.from_dict(introspection_from_schema(SDL))
FIELDS = sorted(op.ok().label for op in schema.get_all_operations())
ADMIN = re.compile(r"\(admin\b")
EXAMPLES = max(30, int(os.environ.get("FUZZ_EXAMPLES", "150")) // 10)
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def _admin_only(label: str) -> bool:
    kind, name = label.split(".", 1)
    root = SDL.query_type if kind == "Query" else SDL.mutation_type
    assert root is not None
    return bool(ADMIN.search(root.fields[name].description or ""))


async def _seed(url: str) -> dict[str, str]:
    database = create_database(url)
    try:
        async with database.sessions() as session:
            account = await create_account(
                session,
                **ISSUER_ADDRESS,
                name="Schemathesis GraphQL S.L.",
                tax_id=new_tax_id(),
                plan="professional",
            )
        async with database.sessions() as session:
            await create_client(
                session, account, ClientInput(**CLIENT_ADDRESS, name="Cliente", tax_id="B27346063")
            )
        keys = {}
        for access in ("write", "admin"):
            async with database.sessions() as session:
                keys[access] = (await create_key(session, account, access=access)).text
        return keys
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def live_graphql(postgresql_database: Database) -> Iterator[dict[str, Any]]:
    url = postgresql_database.engine.url.render_as_string(hide_password=False)
    # the server thread has its own loop, engine and pool
    keys = asyncio.run(_seed(url))
    app = create_app(Settings(database_url=url, rate_limit_per_minute=1_000_000))
    with run_live_server(app) as base_url:
        yield {"url": f"{base_url}/graphql", "keys": keys}


def _internal(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        e
        for e in errors
        if e.get("message") == "Unexpected error."
        or (e.get("extensions") or {}).get("code") in (None, "INTERNAL_SERVER_ERROR", "INTERNAL")
    ]


def assert_answered(case: schemathesis.Case, response: Any) -> None:
    what = f"{case.operation.label}: {case.body}"
    assert response.status_code < 500, f"{what}\n→ {response.status_code} {response.text[:400]}"
    for leak in LEAKS:
        assert leak not in response.text, f"{what}\n→ the answer shows {leak!r}"
    body = response.json()
    assert isinstance(body, dict), what
    internal = _internal(body.get("errors") or [])
    assert not internal, f"{what}\n→ {internal}"


def test_every_query_and_mutation_field_is_exercised(capsys: pytest.CaptureFixture[str]) -> None:
    assert SDL.mutation_type is not None
    declared = len(SDL.query_type.fields) + len(SDL.mutation_type.fields)
    assert len(FIELDS) == declared, sorted(
        set(SDL.query_type.fields) | set(SDL.mutation_type.fields)
    )
    with capsys.disabled():
        admin = sum(_admin_only(f) for f in FIELDS)
        print(
            f"\nschemathesis GraphQL: {len(FIELDS)} fields of {declared} "
            f"({len(SDL.query_type.fields)} queries, {len(SDL.mutation_type.fields)} mutations; "
            f"{admin} with the admin key), {EXAMPLES} positive examples each and a third as many"
            " negative ones"
        )


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("label", FIELDS)
def test_the_field_never_fails_internally(
    label: str, mode: GenerationMode, live_graphql: dict[str, Any]
) -> None:
    """Positive documents fit the schema; negative ones break it (wrong types, missing
    required arguments) and must be refused with a code, never fail inside."""
    kind, name = label.split(".", 1)
    operation = schema[kind][name]
    key = live_graphql["keys"]["admin" if _admin_only(label) else "write"]
    headers = {"Authorization": f"Bearer {key}"}
    examples = EXAMPLES if mode is GenerationMode.POSITIVE else max(10, EXAMPLES // 3)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(HYPOTHESIS, max_examples=examples)
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=live_graphql["url"], headers=headers, timeout=60)
        assert_answered(case, response)

    run()
