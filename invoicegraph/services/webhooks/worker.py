"""The delivery worker: fan new events out, claim what is due, POST it, record the outcome.

Up to ``WEBHOOKS_CONCURRENCY`` POSTs are in flight at once, so one slow receiver does not
hold the others back. With nothing to do the worker sleeps until the next retry is due, the
idle poll runs out, or (PostgreSQL) the events table's NOTIFY says an event was committed.
Woken by a NOTIFY it waits ``WEBHOOKS_BATCH_SECONDS`` more before fanning out, so the events
committed meanwhile are handled by one pass: a pass is a few transactions, and one pass per
event (every process's worker hears every NOTIFY) cost a busy server as much CPU as the
requests that recorded the events.
On stop it claims nothing more and finishes the POSTs in flight (each is bounded by the
timeout); a worker killed instead leaves its claims to run out their lease, after which any
worker sends them again. Several workers, in one process or many, never send one claim twice.

``run_worker`` is what both ``invoicegraph webhooks worker`` and the server (when it runs the
worker in-process, the default) call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from invoicegraph.db.base import utcnow
from invoicegraph.db.engine import Database
from invoicegraph.services.events import CHANNEL
from invoicegraph.services.webhooks.fanout import ObjectShaper, fan_out
from invoicegraph.services.webhooks.outbox import (
    Claim,
    DeliveryPolicy,
    claim_due,
    next_due,
    settle,
)
from invoicegraph.services.webhooks.sender import WebhookSender
from invoicegraph.settings import Settings

log = logging.getLogger("invoicegraph.webhooks")

FAN_OUT_BATCH = 100


async def _wait(
    stop: asyncio.Event, wake: asyncio.Event, busy: set[asyncio.Task[None]], seconds: float
) -> None:
    """Until stopped, woken, a POST in flight finished, or ``seconds`` passed."""
    waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
    try:
        await asyncio.wait([*waiters, *busy], timeout=seconds, return_when="FIRST_COMPLETED")
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _listen(database: Database, wake: asyncio.Event, stop: asyncio.Event) -> None:
    """PostgreSQL: wake the worker on every committed event (the table's insert trigger
    NOTIFYs; PostgreSQL drops the notice of a rolled-back insert)."""
    while not stop.is_set():
        try:
            async with database.engine.connect() as connection:
                raw = await connection.get_raw_connection()
                driver: Any = raw.driver_connection

                def on_notify(*_args: Any) -> None:
                    wake.set()

                await driver.add_listener(CHANNEL, on_notify)
                try:
                    # polls two conditions (stopped, connection alive)
                    while not stop.is_set() and not driver.is_closed():
                        await _wait(stop, asyncio.Event(), set(), 1.0)
                finally:
                    with contextlib.suppress(Exception):
                        await driver.remove_listener(CHANNEL, on_notify)
        except Exception:  # keep listening through database outages; polling covers the gap
            log.warning("webhooks: event listener lost its connection; retrying", exc_info=True)
            await _wait(stop, asyncio.Event(), set(), 2.0)


class DeliveryWorker:
    """One worker's state: its sender, its policy and the POSTs it has in flight."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        shaper: ObjectShaper,
        sender: WebhookSender,
    ) -> None:
        self.database = database
        self.settings = settings
        self.shaper = shaper
        self.sender = sender
        self.policy = DeliveryPolicy.from_settings(settings)
        self.in_flight: set[asyncio.Task[None]] = set()

    async def _deliver(self, claim: Claim) -> None:
        outcome = await self.sender.post(
            claim.url,
            claim.body,
            list(claim.secrets),
            event_id=claim.event_id,
            timestamp=int(time.time()),
        )
        try:
            async with self.database.sessions() as session:
                status = await settle(session, claim, outcome, now=utcnow(), policy=self.policy)
        except Exception:  # the claim's lease runs out and it is sent again
            log.exception(
                "webhooks: could not record the outcome of delivery %d", claim.delivery_id
            )
            return
        if not outcome.succeeded:
            log.info(
                "webhooks: %s %s to endpoint %d: %s (%s)",
                claim.event_type,
                claim.event_id,
                claim.endpoint_id,
                outcome.error,
                status,
            )

    async def step(self) -> tuple[int, bool]:
        """Fan out what is new and start the POSTs now due: how much work that found, and
        whether more may be waiting (a full fan-out batch, or as many claims as free slots)."""
        fanned = await fan_out(self.database, self.shaper, now=utcnow(), batch_size=FAN_OUT_BATCH)
        free = self.settings.webhooks_concurrency - len(self.in_flight)
        if free <= 0:
            return fanned, fanned >= FAN_OUT_BATCH
        async with self.database.sessions() as session:
            claims = await claim_due(session, now=utcnow(), limit=free, lease=self.policy.lease)
        for claim in claims:
            task = asyncio.create_task(self._deliver(claim))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        return fanned + len(claims), fanned >= FAN_OUT_BATCH or len(claims) >= free

    async def idle_seconds(self) -> float:
        """How long to sleep: until the next retry is due, at most the idle poll."""
        poll = self.settings.webhooks_poll_seconds
        async with self.database.sessions() as session:
            due = await next_due(session)
        if due is None:
            return poll
        return min(poll, max((due - utcnow()).total_seconds(), 0.0) + 0.005)

    async def finish(self) -> None:
        if self.in_flight:
            await asyncio.gather(*self.in_flight, return_exceptions=True)


async def run_worker(
    database: Database,
    settings: Settings,
    stop_event: asyncio.Event,
    *,
    shaper: ObjectShaper,
    sender: WebhookSender | None = None,
    once: bool = False,
) -> None:
    """Deliver until ``stop_event`` is set (or, with ``once``, until nothing is due now and
    nothing is in flight). ``shaper`` writes each event's object as the ``/api`` face does."""
    own_sender = sender is None
    worker = DeliveryWorker(
        database,
        settings,
        shaper,
        sender
        or WebhookSender(
            timeout_seconds=settings.webhooks_timeout_seconds,
            allow_private=settings.webhooks_allow_private,
        ),
    )
    wake = asyncio.Event()
    listener = (
        asyncio.create_task(_listen(database, wake, stop_event))
        if database.dialect == "postgresql" and not once
        else None
    )
    try:
        while not stop_event.is_set():
            wake.clear()
            try:
                found, more = await worker.step()
                if more and len(worker.in_flight) < settings.webhooks_concurrency:
                    continue
                if once and not found and not worker.in_flight:
                    return
                pause = await worker.idle_seconds()
            except Exception:
                if once:
                    raise
                log.exception("webhooks worker: unexpected failure, retrying")
                pause = settings.webhooks_poll_seconds
            await _wait(stop_event, wake, worker.in_flight, pause)
            if wake.is_set() and settings.webhooks_batch_seconds:
                # an event committed: let the ones committed with it join the same pass
                await _wait(stop_event, asyncio.Event(), set(), settings.webhooks_batch_seconds)
    finally:
        await worker.finish()
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        if own_sender:
            await worker.sender.aclose()
