"""What an account does by hand with its deliveries: list them and their attempts, and send
one again.

``delivery_id`` and ``endpoint_id`` are a row's integer id or its UUID (the public id the
GraphQL and ``/api`` faces speak); another account's delivery is not found.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.base import utcnow
from invoicegraph.db.models import Account, Event, WebhookAttempt, WebhookDelivery
from invoicegraph.db.models import WebhookEndpoint as E
from invoicegraph.domain.errors import Conflict, NotFound
from invoicegraph.services.refs import Ref, is_row_id
from invoicegraph.services.webhooks.outbox import PENDING, SENDING

D = WebhookDelivery
MAX_LISTED = 100


def _account_id(account: Account | int) -> int:
    return account if isinstance(account, int) else account.id


def _by_ref(model: type[D] | type[E] | type[Event], account_id: int, ref: Ref) -> list[object]:
    column = model.uuid if isinstance(ref, uuid.UUID) else model.id
    return [model.account_id == account_id, column == ref]


async def _delivery(
    session: AsyncSession, account_id: int, ref: Ref, *, for_update: bool = False
) -> WebhookDelivery:
    if not isinstance(ref, uuid.UUID) and not is_row_id(ref):
        raise NotFound("webhook delivery", ref)
    statement = select(D).where(*_by_ref(D, account_id, ref))  # type: ignore[arg-type]
    if for_update:
        statement = statement.with_for_update()
    delivery = await session.scalar(statement)
    if delivery is None:
        raise NotFound("webhook delivery", ref)
    return delivery


async def redeliver(
    session: AsyncSession,
    account_id: Account | int,
    delivery_id: Ref,
    *,
    now: dt.datetime | None = None,
) -> WebhookDelivery:
    """Send a delivery again as soon as a worker is free, whatever its state (delivered,
    failed, backing off); its retry window starts again. Refused (409) while it is being
    sent or when its endpoint is disabled."""
    owner = _account_id(account_id)
    moment = now or utcnow()
    async with session.begin():
        delivery = await _delivery(session, owner, delivery_id, for_update=True)
        endpoint = await session.scalar(
            select(E).where(E.account_id == owner, E.id == delivery.endpoint_id)
        )
        if endpoint is None or not endpoint.enabled:
            raise Conflict("the webhook endpoint is disabled: enable it first", ["enabled"])
        if delivery.status == SENDING and delivery.next_attempt_at > moment:
            raise Conflict("the delivery is being sent right now", ["status"])
        delivery.status = PENDING
        delivery.next_attempt_at = moment
        delivery.first_attempt_at = None
        await session.flush()
    return delivery


async def list_attempts(
    session: AsyncSession, account_id: Account | int, delivery_id: Ref
) -> list[WebhookAttempt]:
    """The delivery's attempts, oldest first (at most the last ``MAX_LISTED``)."""
    owner = _account_id(account_id)
    async with session.begin():
        delivery = await _delivery(session, owner, delivery_id)
        rows = await session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.account_id == owner, WebhookAttempt.delivery_id == delivery.id)
            .order_by(WebhookAttempt.id.desc())
            .limit(MAX_LISTED)
        )
        return list(reversed(rows.all()))


async def list_deliveries(
    session: AsyncSession,
    account_id: Account | int,
    *,
    endpoint_id: Ref | None = None,
    event_id: Ref | None = None,
    limit: int = MAX_LISTED,
) -> Sequence[tuple[WebhookDelivery, Event]]:
    """The account's deliveries with their events, newest event first, narrowed to one
    endpoint and/or one event."""
    owner = _account_id(account_id)
    statement = (
        select(D, Event)
        .join(Event, (Event.account_id == D.account_id) & (Event.id == D.event_id))
        .where(D.account_id == owner)
        .order_by(D.event_id.desc(), D.id.desc())
        .limit(max(1, min(limit, MAX_LISTED)))
    )
    if endpoint_id is not None:
        column = E.uuid if isinstance(endpoint_id, uuid.UUID) else E.id
        statement = statement.join(
            E, (E.account_id == D.account_id) & (E.id == D.endpoint_id)
        ).where(column == endpoint_id)
    if event_id is not None:
        column = Event.uuid if isinstance(event_id, uuid.UUID) else Event.id
        statement = statement.where(column == event_id)
    async with session.begin():
        return [(delivery, event) for delivery, event in (await session.execute(statement)).all()]
