"""Killing the worker mid-delivery loses nothing and duplicates nothing beyond at-least-once.

The worker runs as the operator runs it (``invoicegraph webhooks worker``, a real process).
It is killed with SIGKILL while the receiver holds the POSTs it has in flight; those are the
only events a new worker may send again (once their lease runs out), every other event
arrives exactly once, and none is lost. The receiver counts by event id, as receivers
de-duplicate.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Event, WebhookDelivery
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.settings import Settings

from .conftest import add_endpoint, deliveries, hook_settings
from .receiver import Receiver, wait_for

pytestmark = pytest.mark.slow


def _environment(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name, value in settings.model_dump().items():
        if name.startswith("webhooks_") or name == "database_url":
            env[name.upper()] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


def _cli(settings: Settings, log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "invoicegraph", "webhooks", *args],
            env=_environment(settings),
            stdout=output,
            stderr=output,
        )


async def _clients(database: Database, account: Account, count: int) -> None:
    for n in range(count):
        async with database.sessions() as session:
            await create_client(session, account, ClientInput(name=f"Cliente {n} S.L."))


def _settings(database: Database, **overrides: Any) -> Settings:
    # a 1 s timeout makes the lease 7 s: the dead worker's claims are resent soon
    values: dict[str, Any] = {"webhooks_timeout_seconds": 1.0, "webhooks_concurrency": 4}
    return hook_settings(database, **{**values, **overrides})


async def test_a_worker_killed_mid_delivery_loses_nothing(
    hooks_database: Database, hooks_account: Account, receiver: Receiver, tmp_path: Path
) -> None:
    db, account = hooks_database, hooks_account
    endpoint = await add_endpoint(db, account, receiver, "/crash", events=["client.created"])
    await _clients(db, account, 12)
    settings = _settings(db)
    log = tmp_path / "worker.log"
    receiver.hold = asyncio.Event()  # POSTs wait at the receiver: the worker is mid-delivery

    first = _cli(settings, log, "worker")
    try:
        await wait_for(lambda: len(receiver.received) >= 4, "the first POSTs to arrive")
        assert first.poll() is None, log.read_text(errors="replace")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    in_flight = set(receiver.counts("/crash"))
    receiver.hold.set()  # the receiver answers 200 to a dead worker: nobody records it
    rows = await deliveries(db, endpoint)
    assert {row.status for row in rows} == {"pending", "sending"}  # claimed, or not yet
    assert sum(row.status == "sending" for row in rows) == len(in_flight) == 4

    second = _cli(settings, log, "worker")
    try:

        async def all_delivered() -> bool:
            assert second.poll() is None, log.read_text(errors="replace")
            found = await deliveries(db, endpoint)
            return all(row.status == "delivered" for row in found)

        await wait_for(all_delivered, "every delivery", 60)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=15) == 0, log.read_text(errors="replace")

    counts = receiver.counts("/crash")
    assert len(counts) == 12  # nothing lost
    assert all(r.verified for r in receiver.at("/crash"))
    claims = await _claims_by_event(db, endpoint)
    # at least once, and never more POSTs than claims: an event came again only because
    # the dead worker had it in flight or an attempt failed (a busy machine may time out a
    # POST that the receiver did get)
    assert all(counts[event_id] <= claims[event_id] for event_id in counts), (counts, claims)
    assert all(claims[event_id] >= 2 for event_id in in_flight)
    once = [event_id for event_id in counts if event_id not in in_flight]
    assert all(counts[event_id] == 1 for event_id in once if claims[event_id] == 1)


async def _claims_by_event(database: Database, endpoint: Any) -> dict[str, int]:
    async with database.sessions() as session:
        rows = await session.execute(
            select(Event.uuid, WebhookDelivery.attempts)
            .join(
                WebhookDelivery,
                (WebhookDelivery.account_id == Event.account_id)
                & (WebhookDelivery.event_id == Event.id),
            )
            .where(
                WebhookDelivery.account_id == endpoint.account_id,
                WebhookDelivery.endpoint_id == endpoint.id,
            )
        )
        return {str(event_uuid): attempts for event_uuid, attempts in rows.all()}


async def test_worker_once_delivers_what_is_due_and_status_counts_it(
    hooks_database: Database, hooks_account: Account, receiver: Receiver, tmp_path: Path
) -> None:
    db, account = hooks_database, hooks_account
    endpoint = await add_endpoint(db, account, receiver, "/once", events=["client.created"])
    await _clients(db, account, 3)
    settings = _settings(db)
    log = tmp_path / "once.log"

    worker = _cli(settings, log, "worker", "--once")
    deadline = asyncio.get_running_loop().time() + 60
    while worker.poll() is None:  # the receiver answers in this loop: wait without blocking it
        assert asyncio.get_running_loop().time() < deadline, log.read_text(errors="replace")
        await asyncio.sleep(0.05)
    assert worker.returncode == 0, log.read_text(errors="replace")
    assert len(receiver.counts("/once")) == 3
    assert {row.status for row in await deliveries(db, endpoint)} == {"delivered"}

    status = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "invoicegraph",
        "webhooks",
        "status",
        env=_environment(settings),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(status.communicate(), 60)
    assert status.returncode == 0
    lines = dict(reversed(line.split(" ", 1)) for line in out.decode().splitlines())
    assert set(lines) == {"pending", "sending", "delivered", "failed"}
    assert int(lines["delivered"]) >= 3 and lines["sending"] == "0"


async def test_sigterm_finishes_the_posts_in_flight_before_the_worker_exits(
    hooks_database: Database, hooks_account: Account, receiver: Receiver, tmp_path: Path
) -> None:
    db, account = hooks_database, hooks_account
    endpoint = await add_endpoint(db, account, receiver, "/graceful", events=["client.created"])
    await _clients(db, account, 2)
    log = tmp_path / "graceful.log"
    receiver.hold = asyncio.Event()

    worker = _cli(_settings(db, webhooks_timeout_seconds=5.0), log, "worker")
    try:
        await wait_for(lambda: len(receiver.received) == 2, "both POSTs to arrive")
        worker.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)
        assert worker.poll() is None  # still waiting for its answers
        receiver.hold.set()
        deadline = asyncio.get_running_loop().time() + 15
        while worker.poll() is None:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.05)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, log.read_text(errors="replace")
    rows = await deliveries(db, endpoint)
    assert [(row.status, row.attempts) for row in rows] == [("delivered", 1)] * 2
