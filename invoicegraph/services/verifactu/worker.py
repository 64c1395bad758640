"""The sending worker: claim a batch, send it, settle it, and again.

Each batch is claimed in a committed transaction before the request goes out and settled in
another after the answer (see :mod:`.outbox`), so killing the worker at any point loses
nothing and sends nothing twice that the agency would count twice: unanswered batches are
resent once their lease runs out and the agency answers "duplicate" for what it already holds.
Failures (no connection, a timeout, a fault, an unreadable answer) put the batch back with an
exponential backoff capped at an hour. Several workers may run against one PostgreSQL.

``run_worker`` is what both ``invoicegraph verifactu worker`` and the server (when it runs the
worker in-process) call.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

import httpx

from invoicegraph.db.base import utcnow
from invoicegraph.db.engine import Database
from invoicegraph.domain.verifactu.response import (
    AgencyFault,
    UnexpectedAnswer,
    parse_submission_response,
)
from invoicegraph.domain.verifactu.xml import submission_request
from invoicegraph.services.verifactu.outbox import (
    Batch,
    claim_batch,
    defer_batch,
    settle_batch,
    unsent_count,
)
from invoicegraph.services.verifactu.transport import (
    AgencyTransport,
    AgencyUnavailable,
    HttpsTransport,
    endpoint_for,
)
from invoicegraph.settings import Settings

log = logging.getLogger("invoicegraph.verifactu")

_NO_VERDICT = (httpx.HTTPError, AgencyUnavailable, UnexpectedAnswer, TimeoutError, OSError)


def lease_for(settings: Settings) -> dt.timedelta:
    """How long a claimed batch belongs to its worker: twice the request's time limit, after
    which the worker is presumed dead and the batch is sent again."""
    return dt.timedelta(seconds=2 * settings.verifactu_timeout_seconds)


async def _defer(
    database: Database, settings: Settings, batch: Batch, message: str, code: str | None
) -> None:
    async with database.sessions() as session:
        await defer_batch(
            session,
            batch,
            now=utcnow(),
            message=message,
            code=code,
            base_seconds=settings.verifactu_retry_base_seconds,
            cap_seconds=settings.verifactu_retry_max_seconds,
        )
    async with database.sessions() as session:
        unsent = await unsent_count(session, batch.account_id)
    log.warning(
        "VERI*FACTU: batch of %d records of account %d not sent (%s); %d records unsent",
        len(batch.records),
        batch.account_id,
        message,
        unsent,
    )


async def send_next_batch(
    database: Database, settings: Settings, transport: AgencyTransport
) -> bool:
    """Send one batch if one is due; ``False`` when there was nothing to send."""
    async with database.sessions() as session:
        batch = await claim_batch(
            session,
            now=utcnow(),
            batch_size=settings.verifactu_batch_size,
            lease=lease_for(settings),
        )
    if batch is None:
        return False
    endpoint = endpoint_for(settings, sandbox=batch.sandbox)
    try:
        body = submission_request(batch.obligado, batch.records)
        async with asyncio.timeout(settings.verifactu_timeout_seconds):
            answer = await transport.send(endpoint, body)
        response = parse_submission_response(answer)
    except AgencyFault as exc:
        code = exc.fault.agency_code
        await _defer(database, settings, batch, str(exc), None if code is None else str(code))
        return True
    except (*_NO_VERDICT, ValueError) as exc:
        await _defer(database, settings, batch, f"{type(exc).__name__}: {exc}", None)
        return True
    async with database.sessions() as session:
        settled = await settle_batch(session, batch, response, now=utcnow())
    log.info(
        "VERI*FACTU: account %d, batch %s: %d accepted, %d with errors, %d rejected "
        "(%d duplicates); next submission in %d s",
        batch.account_id,
        batch.id,
        settled.accepted,
        settled.accepted_with_errors,
        settled.rejected,
        settled.duplicates,
        response.wait_seconds,
    )
    return True


async def _pause(stop_event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop_event.wait(), timeout=seconds)


async def run_worker(
    database: Database,
    settings: Settings,
    stop_event: asyncio.Event,
    *,
    transport: AgencyTransport | None = None,
    once: bool = False,
) -> None:
    """Send records until ``stop_event`` is set (or, with ``once``, until nothing is due).

    Without ``transport`` it opens the HTTPS client from the settings (certificate, key, CA)
    and closes it on the way out. A batch being sent when the event is set is finished first.
    """
    agency = transport or HttpsTransport.from_settings(settings)
    try:
        while not stop_event.is_set():
            try:
                worked = await send_next_batch(database, settings, agency)
            except Exception:
                if once:
                    raise
                log.exception("VERI*FACTU worker: unexpected failure, retrying")
                worked = False
            if worked:
                continue
            if once:
                return
            await _pause(stop_event, settings.verifactu_poll_seconds)
    finally:
        if transport is None:
            await agency.aclose()
