"""The events of an account, recorded in the transaction that makes each change (an outbox),
and their live fan-out to this process's GraphQL subscribers.

``record`` adds an ``events`` row to the caller's transaction: it exists exactly when the
change committed, and the webhook worker delivers it from there. The subscription is fed by
the same rows: on PostgreSQL the table's insert trigger NOTIFYs each one (PostgreSQL holds a
NOTIFY until commit and drops it on rollback), so every server process listening hears it; on
SQLite, the embedded single-process default, the recorded event waits in the session until
``after_commit``. Webhooks and subscriptions therefore never disagree about what happened.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from invoicegraph.db.base import utcnow
from invoicegraph.db.core_writes import insert_new, new_row
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Event
from invoicegraph.domain.webhooks import EventType

log = logging.getLogger("invoicegraph.events")

CHANNEL = "invoicegraph_events"  # the trigger of migration 0005 NOTIFYs on it
_PENDING = "invoicegraph_pending_events"


class _Recordable(Protocol):
    id: int
    uuid: uuid.UUID


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """What a subscriber hears of an event: enough to load the object as it is now."""

    id: str
    account_id: int
    type: str
    object_kind: str
    object_id: int
    object_uuid: str


def _kind(event_type: EventType) -> str:
    return event_type.value.split(".", 1)[0]


async def record(
    session: AsyncSession,
    account: Account | int,
    event_type: EventType,
    subject: _Recordable,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Record that ``event_type`` happened to ``subject`` (already flushed: it has its ids),
    inside the caller's transaction. ``payload`` is what only this moment knows (a deleted
    object as it was, the agency's answer); JSON-able, Decimals written as strings."""
    account_id = account if isinstance(account, int) else account.id
    postgresql = session.get_bind().dialect.name == "postgresql"
    values: dict[str, Any] = {
        "account_id": account_id,
        "uuid": uuid.uuid4(),
        "created_at": utcnow(),
        "type": event_type.value,
        "object_kind": _kind(event_type),
        "object_id": subject.id,
        "object_uuid": subject.uuid,
        "payload": json.dumps(payload or {}, default=str, separators=(",", ":")),
    }
    row = new_row(Event, **values) if postgresql else Event(**values)
    if postgresql:
        # one INSERT, not a flush (the table's trigger NOTIFYs the subscribers at commit)
        await insert_new(session, [row])
    else:
        # the row stays in the session: ``after_commit`` tells whether a rolled-back
        # SAVEPOINT took it away
        session.add(row)
        heard = RecordedEvent(
            str(row.uuid), account_id, row.type, row.object_kind, subject.id, str(subject.uuid)
        )
        session.sync_session.info.setdefault(_PENDING, []).append((row, heard))
    return row


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: the real commit is to come
        return
    for row, heard in session.info.pop(_PENDING, []):
        state = inspect(row)
        if state.persistent or state.detached:  # a rolled-back SAVEPOINT made it transient
            BROKER.dispatch(heard)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING, None)


class EventBroker:
    """Fans events out to this process's subscribers, per account. On PostgreSQL one
    ``LISTEN`` connection per process feeds it, started with the first subscriber."""

    def __init__(self) -> None:
        self._queues: dict[int, set[asyncio.Queue[RecordedEvent]]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None

    def dispatch(self, item: RecordedEvent) -> None:
        for queue in list(self._queues.get(item.account_id, ())):
            with suppress(asyncio.QueueFull):
                queue.put_nowait(item)

    @asynccontextmanager
    async def subscribe(
        self, database: Database, account_id: int
    ) -> AsyncIterator[asyncio.Queue[RecordedEvent]]:
        queue: asyncio.Queue[RecordedEvent] = asyncio.Queue(maxsize=1000)
        self._queues[account_id].add(queue)
        if database.dialect == "postgresql" and (self._listener is None or self._listener.done()):
            self._listener = asyncio.create_task(self._listen(database))
        try:
            yield queue
        finally:
            self._queues[account_id].discard(queue)

    async def _listen(self, database: Database) -> None:
        """Hold a LISTEN connection while anyone subscribes; reconnect when it drops."""
        while any(self._queues.values()):
            try:
                async with database.engine.connect() as connection:
                    raw = await connection.get_raw_connection()
                    driver: Any = raw.driver_connection

                    def on_notify(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
                        with suppress(ValueError, TypeError, KeyError):
                            data = json.loads(payload)
                            self.dispatch(
                                RecordedEvent(
                                    id=str(data["id"]),
                                    account_id=int(data["account_id"]),
                                    type=str(data["type"]),
                                    object_kind=str(data["object_kind"]),
                                    object_id=int(data["object_id"]),
                                    object_uuid=str(data["object_uuid"]),
                                )
                            )

                    await driver.add_listener(CHANNEL, on_notify)
                    try:
                        # polls two conditions (subscribers left, connection alive)
                        while any(self._queues.values()) and not driver.is_closed():  # noqa: ASYNC110
                            await asyncio.sleep(1)
                    finally:
                        with suppress(Exception):
                            await driver.remove_listener(CHANNEL, on_notify)
            except Exception:  # keep listening through database outages
                log.warning("event listener lost its connection; retrying", exc_info=True)
                await asyncio.sleep(2)


BROKER = EventBroker()
