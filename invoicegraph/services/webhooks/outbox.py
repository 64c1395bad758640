"""The deliveries' states: which are due, who sends them, and what each attempt changed.

``pending``   → due at ``next_attempt_at`` (new, or backing off after a failed attempt);
``sending``   → claimed by a worker in a committed transaction *before* the POST, with a lease
                (``next_attempt_at``). A worker killed mid-POST leaves it so; once the lease
                runs out any worker sends it again (at-least-once: receivers de-duplicate on
                the event id);
``delivered`` → a 2xx answer came;
``failed``    → retries ran out (the window after the first attempt, three days by default),
                or the endpoint was disabled.

Claiming locks the rows ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers never
take the same delivery; on SQLite ``BEGIN IMMEDIATE`` serialises claims. A delivery is not
claimed while an earlier event's delivery of the same object to the same endpoint is still
pending or being sent, so each object's events arrive in order. ``attempts`` counts claims and
is the claim's token: a worker whose lease ran out and whose delivery was claimed again
records its attempt but changes nothing else.

An endpoint failing with no success since ``failing_since`` for longer than the disabling
period is disabled (``enabled`` false, ``disabled_reason``), its unsettled deliveries fail,
and a ``webhook_endpoint.disabled`` event tells the account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from invoicegraph.db.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from invoicegraph.domain.webhooks import EventType, gives_up, retry_delay
from invoicegraph.services import events
from invoicegraph.services.webhook_endpoints import signing_secrets
from invoicegraph.services.webhooks.sender import Outcome
from invoicegraph.settings import Settings

PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
UNSETTLED = (PENDING, SENDING)

D = WebhookDelivery
E = WebhookEndpoint


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """The timing of deliveries, from the settings (tests shrink it to make time fast)."""

    lease: dt.timedelta
    retry_base_seconds: float
    retry_max_seconds: float
    retry_window: dt.timedelta
    disable_after: dt.timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(
            # the POST's whole time limit, twice, and a margin for recording its outcome
            lease=dt.timedelta(seconds=2 * settings.webhooks_timeout_seconds + 5),
            retry_base_seconds=settings.webhooks_retry_base_seconds,
            retry_max_seconds=settings.webhooks_retry_max_seconds,
            retry_window=dt.timedelta(seconds=settings.webhooks_retry_window_seconds),
            disable_after=dt.timedelta(seconds=settings.webhooks_disable_after_seconds),
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """A delivery in a worker's hands: everything the POST needs."""

    delivery_id: int
    account_id: int
    endpoint_id: int
    attempt: int
    url: str
    secrets: tuple[str, ...]
    event_id: str
    event_type: str
    body: bytes


@cache
def _waiting() -> tuple[ColumnElement[bool], ...]:
    """Unsettled, to an enabled endpoint, and not held back behind an earlier event's
    delivery of the same object. Built once: an alias is costly to make, and the worker asks
    on every pass."""
    earlier = aliased(D)
    held_back = exists().where(
        earlier.account_id == D.account_id,
        earlier.endpoint_id == D.endpoint_id,
        earlier.object_key == D.object_key,
        earlier.event_id < D.event_id,
        earlier.status.in_(UNSETTLED),
    )
    return (D.status.in_(UNSETTLED), E.enabled.is_(True), ~held_back)


async def claim_due(
    session: AsyncSession, *, now: dt.datetime, limit: int, lease: dt.timedelta
) -> list[Claim]:
    """Claim up to ``limit`` due deliveries, in their own committed transaction."""
    async with session.begin():
        rows = (
            await session.execute(
                select(D, E, Event.uuid, Event.type, Event.body)
                .join(E, and_(E.account_id == D.account_id, E.id == D.endpoint_id))
                .join(Event, and_(Event.account_id == D.account_id, Event.id == D.event_id))
                .where(*_waiting(), D.next_attempt_at <= now)
                .order_by(D.next_attempt_at, D.event_id)
                .limit(limit)
                .with_for_update(of=D, skip_locked=True)
            )
        ).all()
        claims: list[Claim] = []
        for delivery, endpoint, event_uuid, event_type, body in rows:
            delivery.status = SENDING
            delivery.attempts += 1
            delivery.first_attempt_at = delivery.first_attempt_at or now
            delivery.next_attempt_at = now + lease
            claims.append(
                Claim(
                    delivery_id=delivery.id,
                    account_id=delivery.account_id,
                    endpoint_id=endpoint.id,
                    attempt=delivery.attempts,
                    url=endpoint.url,
                    secrets=tuple(signing_secrets(endpoint, now)),
                    event_id=str(event_uuid),
                    event_type=event_type,
                    body=(body or "").encode(),
                )
            )
    return claims


async def next_due(session: AsyncSession) -> dt.datetime | None:
    """When the earliest delivery that could be claimed comes due (a claim's lease end
    included: that is when a dead worker's deliveries are sent again)."""
    async with session.begin():
        return await session.scalar(
            select(func.min(D.next_attempt_at))
            .join(E, and_(E.account_id == D.account_id, E.id == D.endpoint_id))
            .where(*_waiting())
        )


async def delivery_counts(session: AsyncSession) -> dict[str, int]:
    """How many deliveries of the installation are in each state."""
    async with session.begin():
        rows = (await session.execute(select(D.status, func.count()).group_by(D.status))).all()
    found = {str(state): int(count) for state, count in rows}
    return {state: found.get(state, 0) for state in (PENDING, SENDING, DELIVERED, FAILED)}


async def _note_failure(
    session: AsyncSession, claim: Claim, now: dt.datetime, policy: DeliveryPolicy, error: str
) -> bool:
    """Start or continue the endpoint's failing period; disable it once that lasted too
    long. True when this failure disabled it."""
    await session.execute(
        update(E)
        .where(E.account_id == claim.account_id, E.id == claim.endpoint_id)
        .where(E.failing_since.is_(None))
        .values(failing_since=now)
        .execution_options(synchronize_session=False)
    )
    endpoint = await session.scalar(
        select(E)
        .where(E.account_id == claim.account_id, E.id == claim.endpoint_id)
        .where(E.enabled.is_(True), E.failing_since <= now - policy.disable_after)
        .with_for_update()
    )
    if endpoint is None:
        return False
    assert endpoint.failing_since is not None
    since = endpoint.failing_since.astimezone(dt.UTC)
    endpoint.enabled = False
    endpoint.disabled_reason = (
        f"disabled after failing with no success since {since:%Y-%m-%d %H:%M} UTC; "
        f"last error: {error}"
    )
    await session.execute(
        update(D)
        .where(D.account_id == claim.account_id, D.endpoint_id == claim.endpoint_id)
        .where(D.status.in_(UNSETTLED))
        .values(status=FAILED)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    await events.record(
        session,
        claim.account_id,
        EventType.WEBHOOK_ENDPOINT_DISABLED,
        endpoint,  # shaped as GET /api/webhook-endpoints/{id} answers it (never a secret)
    )
    return True


async def settle(
    session: AsyncSession,
    claim: Claim,
    outcome: Outcome,
    *,
    now: dt.datetime,
    policy: DeliveryPolicy,
) -> str | None:
    """Record the attempt and move the delivery on (own transaction); the delivery's new
    status, or ``None`` when the claim had been taken over after its lease ran out."""
    async with session.begin():
        # the endpoint's row first, then the delivery's: the order a disabling takes them in
        # (it locks the endpoint, then fails its deliveries), so the two never deadlock
        await session.execute(
            select(E.id)
            .where(E.account_id == claim.account_id, E.id == claim.endpoint_id)
            .with_for_update()
        )
        delivery = await session.scalar(
            select(D)
            .where(D.account_id == claim.account_id, D.id == claim.delivery_id)
            .with_for_update()
        )
        if delivery is None:
            return None  # its endpoint was deleted meanwhile, and the delivery with it
        session.add(
            WebhookAttempt(
                account_id=claim.account_id,
                delivery_id=claim.delivery_id,
                status="succeeded" if outcome.succeeded else "failed",
                response_code=outcome.response_code,
                duration_ms=outcome.duration_ms,
                response_excerpt=outcome.response_excerpt,
                error=outcome.error,
            )
        )
        if delivery.status != SENDING or delivery.attempts != claim.attempt:
            return None  # claimed again after the lease ran out, or settled by a disabling
        delivery.last_response_code = outcome.response_code
        if outcome.succeeded:
            delivery.status = DELIVERED
            delivery.delivered_at = now
            await session.execute(
                update(E)
                .where(E.account_id == claim.account_id, E.id == claim.endpoint_id)
                .where(E.failing_since.is_not(None))
                .values(failing_since=None)
                .execution_options(synchronize_session=False)
            )
            return DELIVERED
        first = delivery.first_attempt_at or now
        if gives_up(first, now, policy.retry_window):
            delivery.status = FAILED
        else:
            delivery.status = PENDING
            delivery.next_attempt_at = now + retry_delay(
                delivery.attempts,
                base_seconds=policy.retry_base_seconds,
                cap_seconds=policy.retry_max_seconds,
            )
        await session.flush()
        if await _note_failure(session, claim, now, policy, outcome.error or "failed"):
            delivery.status = FAILED
        return delivery.status
