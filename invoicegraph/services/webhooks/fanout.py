"""Fan-out: each newly committed event becomes one delivery per endpoint that wants it.

An endpoint wants an event when it belongs to the event's account (a sandbox's endpoints get
the sandbox's events, a live account's the live ones), is enabled, existed when the event
happened and lists its type (or ``*``). The delivered JSON is built here, once, and kept in
``events.body``: every endpoint and every retry receives the same bytes, the object as the
REST ``/api`` face showed it at fan-out (shaped by the face, injected as an ``ObjectShaper``:
services never import a face). What only the moment of the change knew (a deleted invoice,
the agency's answer) comes from the event's payload.

One fan-out runs at a time (a transaction-scoped advisory lock on PostgreSQL, the write lock
of ``BEGIN IMMEDIATE`` on SQLite), so deliveries of one object are created in event order.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from typing import Any, Protocol

import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Event, WebhookDelivery, WebhookEndpoint
from invoicegraph.db.unit_of_work import RequestSession
from invoicegraph.domain.webhooks import wants

log = logging.getLogger("invoicegraph.webhooks")

PENDING = "pending"
_ADVISORY_CLASS = 0x5748  # "WH": the advisory-lock namespace of the webhook fan-out


class ObjectShaper(Protocol):
    """The JSON of an object as a face shows it, or ``None`` when it no longer exists.

    ``kind`` is the event's object kind (``invoice``, ``quote``, ``client``; ``verifactu``
    events are about an invoice). Called inside the fan-out's transaction: a service's own
    ``session.begin()`` there is a SAVEPOINT.
    """

    async def __call__(
        self, session: AsyncSession, account: Account, kind: str, object_id: int
    ) -> bytes | None: ...


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def event_body(event: Event, account: Account, shaped: bytes | None) -> str:
    """``{"id", "type", "created", "account", "livemode", "data": {"object": …, …}}``: the
    payload's ``object`` wins over the shaped one (it is what the object was), and the
    payload's other keys (``verifactu``: the agency's answer) sit next to it in ``data``."""
    payload: dict[str, Any] = json.loads(event.payload or "{}")
    kept = payload.pop("object", None)
    if kept is not None:
        obj: Any = kept
    elif shaped is not None:
        obj = orjson.Fragment(shaped)
    else:
        obj = {"id": str(event.object_uuid), "deleted": True}
    body = {
        "id": str(event.uuid),
        "type": event.type,
        "created": _time(event.created_at),
        "account": str(account.uuid),
        "livemode": not account.is_sandbox,
        "data": {"object": obj, **payload},
    }
    return orjson.dumps(body).decode()


async def _shape(
    session: AsyncSession, shaper: ObjectShaper, account: Account, event: Event
) -> bytes | None:
    if "object" in json.loads(event.payload or "{}"):
        return None  # the payload carries it
    try:
        return await shaper(session, account, event.object_kind, event.object_id)
    except Exception:  # one odd object must not hold every later event back
        log.exception("webhooks: could not shape %s %d", event.object_kind, event.object_id)
        return orjson.dumps({"id": str(event.object_uuid)})


async def _locked(session: AsyncSession) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # BEGIN IMMEDIATE: this transaction holds the database's write lock
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(_ADVISORY_CLASS, 0))))


async def fan_out(
    database: Database, shaper: ObjectShaper, *, now: dt.datetime, batch_size: int
) -> int:
    """Hand the oldest events not yet fanned out to their endpoints (own transaction);
    how many events were handled (0: none waiting, or another worker is at it)."""
    session = RequestSession(**database.sessions.kw)
    try:
        async with session.begin():
            if not await _locked(session):
                return 0
            events = list(
                await session.scalars(
                    select(Event)
                    .where(Event.fanned_out_at.is_(None))
                    .order_by(Event.id)
                    .limit(batch_size)
                )
            )
            if not events:
                return 0
            account_ids = {event.account_id for event in events}
            accounts = {
                row.id: row
                for row in await session.scalars(select(Account).where(Account.id.in_(account_ids)))
            }
            endpoints: dict[int, list[WebhookEndpoint]] = defaultdict(list)
            for endpoint in await session.scalars(
                select(WebhookEndpoint)
                .where(
                    WebhookEndpoint.account_id.in_(account_ids),
                    WebhookEndpoint.enabled.is_(True),
                )
                .order_by(WebhookEndpoint.id)
            ):
                endpoints[endpoint.account_id].append(endpoint)
            for event in events:
                targets = [
                    endpoint
                    for endpoint in endpoints.get(event.account_id, ())
                    if endpoint.created_at <= event.created_at
                    and wants(endpoint.events, event.type)
                ]
                event.fanned_out_at = now
                if not targets:
                    continue
                account = accounts[event.account_id]
                if event.body is None:
                    shaped = await _shape(session, shaper, account, event)
                    event.body = event_body(event, account, shaped)
                session.add_all(
                    WebhookDelivery(
                        account_id=event.account_id,
                        endpoint_id=endpoint.id,
                        event_id=event.id,
                        object_key=str(event.object_uuid),
                        status=PENDING,
                        attempts=0,
                        next_attempt_at=now,
                    )
                    for endpoint in targets
                )
            return len(events)
    finally:
        await session.close()
