"""Property-based check of both REST dialects against our own OpenAPI document: with a valid
key, no generated request may get a 5xx, and every answer must match the document (status
code, content type, headers and body schema). Runs on PostgreSQL against a live server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database, create_database
from invoicegraph.rest.openapi import openapi_document
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.settings import Settings
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
                session, name="Schemathesis S.L.", tax_id=new_tax_id(), plan="professional"
            )
        async with database.sessions() as session:
            await create_client(session, account, ClientInput(name="Cliente", tax_id="B27346063"))
        async with database.sessions() as session:
            return (await create_key(session, account, access="write")).text
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


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(
    case: schemathesis.Case, live_api: dict[str, Any]
) -> None:
    case.call_and_validate(
        base_url=live_api["base_url"], headers=live_api["headers"], checks=CHECKS
    )
