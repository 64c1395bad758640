"""Invoice events (created, issued, rectified, paid) for the GraphQL subscription.

An event is published inside the transaction that causes it and delivered only if that
transaction commits. On PostgreSQL it is a ``NOTIFY`` (PostgreSQL itself holds it until
commit and drops it on rollback), so every server process listening receives it; on SQLite,
the embedded single-process default, it waits in the session until ``after_commit``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice

log = logging.getLogger("invoicegraph.events")

CHANNEL = "invoicegraph_invoice_events"
KINDS = ("created", "issued", "rectified", "paid")
_PENDING = "invoicegraph_pending_events"


@dataclass(frozen=True, slots=True)
class InvoiceEvent:
    kind: str
    account_id: int
    invoice_id: int
    invoice_uuid: str


async def publish(session: AsyncSession, account: Account, kind: str, invoice: Invoice) -> None:
    """Queue an event for delivery when the current transaction commits."""
    item = InvoiceEvent(kind, account.id, invoice.id, str(invoice.uuid))
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": json.dumps(asdict(item))},
        )
    else:
        session.sync_session.info.setdefault(_PENDING, []).append(item)


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: the real commit is to come
        return
    for item in session.info.pop(_PENDING, []):
        BROKER.dispatch(item)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


class EventBroker:
    """Fans events out to this process's subscribers, per account. On PostgreSQL one
    ``LISTEN`` connection per process feeds it, started with the first subscriber."""

    def __init__(self) -> None:
        self._queues: dict[int, set[asyncio.Queue[InvoiceEvent]]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None

    def dispatch(self, item: InvoiceEvent) -> None:
        for queue in list(self._queues.get(item.account_id, ())):
            with suppress(asyncio.QueueFull):
                queue.put_nowait(item)

    @asynccontextmanager
    async def subscribe(
        self, database: Database, account_id: int
    ) -> AsyncIterator[asyncio.Queue[InvoiceEvent]]:
        queue: asyncio.Queue[InvoiceEvent] = asyncio.Queue(maxsize=1000)
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
                        with suppress(ValueError, TypeError):
                            self.dispatch(InvoiceEvent(**json.loads(payload)))

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
