"""Fixtures for the delivery tests: a database of the module's own on each engine (the worker
delivers every account's events, so it must not meet what other modules leave pending), a
real receiver on loopback, endpoints inserted as rows (the management faces are another
lane's), and workers run in the test's loop with time made fast by the settings."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.migrate import migrate
from invoicegraph.db.models import (
    Account,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from invoicegraph.domain.webhooks import new_secret
from invoicegraph.rest.api.webhook_objects import api_object
from invoicegraph.services.accounts import create_account
from invoicegraph.services.webhooks.worker import run_worker
from invoicegraph.settings import Settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from ..conftest_helpers import fresh_database
from .receiver import Receiver, serve_receiver


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def hooks_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    async with fresh_database(request.param, tmp_path_factory.mktemp("hooks")) as database:
        await migrate(database)
        yield database


@pytest.fixture
async def hooks_account(hooks_database: Database) -> Account:
    return await new_account(hooks_database)


async def new_account(database: Database, **fields: Any) -> Account:
    async with database.sessions() as session:
        return await create_account(
            session,
            **ISSUER_ADDRESS,
            name=fields.pop("name", "Tienda Webhooks S.L."),
            tax_id=fields.pop("tax_id", None) or new_tax_id(),
            plan="professional",
            **fields,
        )


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with serve_receiver() as found:
        yield found


async def add_endpoint(
    database: Database,
    account: Account,
    receiver: Receiver,
    path: str,
    *,
    events: list[str] | None = None,
    url: str | None = None,
    **fields: Any,
) -> WebhookEndpoint:
    """An endpoint row at ``receiver``'s ``path``; the receiver verifies with its secret."""
    secret = fields.pop("secret", None) or new_secret()
    async with database.sessions() as session, session.begin():
        endpoint = WebhookEndpoint(
            account_id=account.id,
            url=url or receiver.url(path),
            events=events if events is not None else ["*"],
            enabled=fields.pop("enabled", True),
            secret=secret,
            **fields,
        )
        session.add(endpoint)
    receiver.secrets[path] = secret
    return endpoint


def hook_settings(database: Database, **overrides: Any) -> Settings:
    """Loopback allowed, and every wait short enough for a test (retries from 0.2 s)."""
    values: dict[str, Any] = {
        "database_url": database.engine.url.render_as_string(hide_password=False),
        "webhooks_allow_private": True,
        "webhooks_poll_seconds": 0.05,
        "webhooks_batch_seconds": 0.02,
        "webhooks_timeout_seconds": 2.0,
        "webhooks_retry_base_seconds": 0.2,
        "webhooks_retry_max_seconds": 2.0,
        "webhooks_retry_window_seconds": 60.0,
        "webhooks_disable_after_seconds": 3600.0,
    }
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_workers(
    database: Database, settings: Settings, count: int = 1
) -> AsyncIterator[list[asyncio.Task[None]]]:
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(run_worker(database, settings, stop, shaper=api_object))
        for _ in range(count)
    ]
    try:
        yield tasks
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def deliveries(database: Database, endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    async with database.sessions() as session:
        rows = await session.scalars(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.account_id == endpoint.account_id,
                WebhookDelivery.endpoint_id == endpoint.id,
            )
            .order_by(WebhookDelivery.event_id)
        )
        return list(rows)


async def attempts(database: Database, delivery: WebhookDelivery) -> list[WebhookAttempt]:
    async with database.sessions() as session:
        rows = await session.scalars(
            select(WebhookAttempt)
            .where(
                WebhookAttempt.account_id == delivery.account_id,
                WebhookAttempt.delivery_id == delivery.id,
            )
            .order_by(WebhookAttempt.id)
        )
        return list(rows)


async def endpoint_now(database: Database, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    async with database.sessions() as session:
        found = await session.scalar(
            select(WebhookEndpoint).where(
                WebhookEndpoint.account_id == endpoint.account_id,
                WebhookEndpoint.id == endpoint.id,
            )
        )
        assert found is not None
        return found
