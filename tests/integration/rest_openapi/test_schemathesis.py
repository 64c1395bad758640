"""Property-based check of both REST dialects against our own OpenAPI document: with a valid
key, no generated request may get a 5xx, and every answer must match the document (status
code, content type, headers and body schema). Runs on PostgreSQL against a live server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database, create_database
from invoicegraph.rest import api, v1
from invoicegraph.rest.openapi import openapi_document
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.settings import Settings
from tests.parties import CLIENT_ADDRESS, ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from ...browser.conftest import run_live_server

schema = schemathesis.openapi.from_dict(openapi_document())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


async def _seed(url: str) -> str:
    database = create_database(url)
    try:
        async with database.sessions() as session:
            account = await create_account(
                session,
                **ISSUER_ADDRESS,
                name="Schemathesis S.L.",
                tax_id=new_tax_id(),
                plan="professional",
            )
        async with database.sessions() as session:
            await create_client(
                session, account, ClientInput(**CLIENT_ADDRESS, name="Cliente", tax_id="B27346063")
            )
        async with database.sessions() as session:
            # admin: the webhook endpoint routes answer as documented too, not only their 403
            return (await create_key(session, account, access="admin")).text
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def live_api(postgresql_database: Database) -> Iterator[dict[str, Any]]:
    url = postgresql_database.engine.url.render_as_string(hide_password=False)
    # the server thread has its own loop, engine and pool
    key = asyncio.run(_seed(url))
    app = create_app(Settings(database_url=url, rate_limit_per_minute=1_000_000))
    with run_live_server(app) as base_url:
        yield {"base_url": base_url, "headers": {"Authorization": f"Bearer {key}"}}


OPERATIONS = sorted(
    (op.method.upper(), op.path) for op in (r.ok() for r in schema.get_all_operations())
)
HYPOTHESIS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def test_every_served_operation_is_exercised(capsys: pytest.CaptureFixture[str]) -> None:
    served = len(api.OPERATIONS) + len(v1.OPERATIONS)
    assert len(OPERATIONS) == served
    with capsys.disabled():
        print(f"\nschemathesis: {len(OPERATIONS)} operations, each its own test")


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_operation_answers_as_documented(
    method: str, path: str, live_api: dict[str, Any]
) -> None:
    operation = schema[path][method.lower()]

    @given(case=operation.as_strategy())
    @HYPOTHESIS
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(
            base_url=live_api["base_url"], headers=live_api["headers"], checks=CHECKS
        )

    run()


def test_linked_operations_answer_as_documented(live_api: dict[str, Any]) -> None:
    """The stateful phase: answers feed the operations their links name (create → get, issue,
    rectify, download…)."""
    machine = schema.as_state_machine()

    class Workflow(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": live_api["base_url"], "headers": live_api["headers"]}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(
        Workflow, settings=settings(HYPOTHESIS, max_examples=25, stateful_step_count=6)
    )
