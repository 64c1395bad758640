"""GraphQL types of what was sent to webhook endpoints: deliveries (one event for one
endpoint), their attempts (one POST each), and the payload of ``redeliverWebhook``."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any
from uuid import UUID

import strawberry

from invoicegraph.db import models
from invoicegraph.schema.errors import UserError
from invoicegraph.schema.node import to_global_id

UNSETTLED = ("pending", "sending")


def _d(description: str) -> Any:
    return strawberry.field(description=description)


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(enum.Enum):
    PENDING = strawberry.enum_value("pending", description="Due at nextAttemptAt.")
    SENDING = strawberry.enum_value("sending", description="A worker is POSTing it.")
    DELIVERED = strawberry.enum_value("delivered", description="The endpoint answered 2xx.")
    FAILED = strawberry.enum_value("failed", description="Retries were given up.")


@strawberry.enum(description="How one POST went.")
class WebhookAttemptStatus(enum.Enum):
    SUCCEEDED = strawberry.enum_value("succeeded", description="Answered 2xx.")
    FAILED = strawberry.enum_value("failed", description="Another answer, or none.")


@strawberry.type(description="The event a delivery carries.")
class WebhookEvent:
    id: strawberry.ID = _d("The event's id, as the delivery's body carries it.")
    type: str = _d("Its type: invoice.issued, verifactu.rejected…")
    created: dt.datetime = _d("When it happened.")


@strawberry.type(description="One event sent (or to be sent) to one endpoint.")
class WebhookDelivery:
    id: strawberry.ID = _d("Its id for redeliverWebhook and webhookDeliveryAttempts.")
    uuid: UUID = _d("The object's UUID (accepted wherever an id is).")
    event: WebhookEvent = _d("What it carries.")
    status: WebhookDeliveryStatus = _d("Where it stands.")
    attempt_count: int = _d("POSTs made so far.")
    next_attempt_at: dt.datetime | None = _d("When it is due, while not settled.")
    first_attempt_at: dt.datetime | None = _d("When it was first POSTed.")
    delivered_at: dt.datetime | None = _d("When the endpoint answered 2xx.")
    last_response_code: int | None = _d("The last HTTP status answered.")
    created_at: dt.datetime = _d("When it was created.")
    updated_at: dt.datetime = _d("When it last changed.")

    @classmethod
    def of(cls, delivery: models.WebhookDelivery, event: models.Event) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(to_global_id("WebhookDelivery", delivery.uuid)),
            uuid=delivery.uuid,
            event=WebhookEvent(
                id=strawberry.ID(str(event.uuid)), type=event.type, created=event.created_at
            ),
            status=WebhookDeliveryStatus(delivery.status),
            attempt_count=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at if delivery.status in UNSETTLED else None,
            first_attempt_at=delivery.first_attempt_at,
            delivered_at=delivery.delivered_at,
            last_response_code=delivery.last_response_code,
            created_at=delivery.created_at,
            updated_at=delivery.updated_at,
        )


@strawberry.type(description="One POST of a delivery.")
class WebhookAttempt:
    uuid: UUID = _d("The attempt's UUID.")
    status: WebhookAttemptStatus = _d("How it went.")
    response_code: int | None = _d("The HTTP status answered; null when none came.")
    duration_ms: int = _d("How long it took, in milliseconds.")
    response_excerpt: str | None = _d("The first bytes of the answer.")
    error: str | None = _d("Why it failed: a timeout, a refused address…")
    created_at: dt.datetime = _d("When it was made.")

    @classmethod
    def of(cls, attempt: models.WebhookAttempt) -> WebhookAttempt:
        return cls(
            uuid=attempt.uuid,
            status=WebhookAttemptStatus(attempt.status),
            response_code=attempt.response_code,
            duration_ms=attempt.duration_ms,
            response_excerpt=attempt.response_excerpt,
            error=attempt.error,
            created_at=attempt.created_at,
        )


@strawberry.type(description="The answer of redeliverWebhook.")
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None = _d("The delivery, pending again; null when refused.")
    errors: list[UserError] = _d("Why it was refused; empty on success.")
