"""The bodies ``/api/webhook-endpoints`` reads and answers, as models (``models.py`` has the
rest of the dialect's). The secret is in the answers of a creation and a rotation only."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from invoicegraph.domain.webhooks import MAX_URL_LENGTH
from invoicegraph.rest.api.models import Timestamp
from invoicegraph.rest.fields import Answer, Body, omitted, text
from invoicegraph.services.webhook_endpoints import (
    MAX_DESCRIPTION,
    MAX_EVENTS,
    MAX_OVERLAP,
    SUBSCRIBABLE,
)

EventName = Literal[SUBSCRIBABLE]
Events = Annotated[
    list[EventName],
    Field(
        min_length=1,
        max_length=MAX_EVENTS,
        description="the event types it receives; `*` is every type, those added later too",
    ),
]
Url = text(
    MAX_URL_LENGTH,
    blank=False,
    description="https on a public address (checked after resolving its host); "
    "WEBHOOKS_ALLOW_PRIVATE=true also allows http and private or loopback addresses",
)
Description = text(MAX_DESCRIPTION, description="yours, to recognise it by")
MAX_OVERLAP_HOURS = int(MAX_OVERLAP.total_seconds() // 3600)


class ApiWebhookEndpointInput(Body):
    """A URL and the event types it wants; the answer carries its signing secret, this once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"url": "https://shop.example.com/hooks/invoicegraph",
                 "events": ["invoice.issued", "verifactu.accepted", "verifactu.rejected"],
                 "description": "Tienda online"}
            ]
        }
    )  # fmt: skip

    url: Url
    events: Events
    description: Description | None = None
    enabled: bool = omitted("true when left out")


class ApiWebhookEndpointUpdate(Body):
    """What to change; a field left out is kept, a null description clears it. Enabling a
    disabled endpoint, or a new URL, clears its failure record."""

    url: Url = omitted()
    events: Events = omitted()
    enabled: bool = omitted("false stops deliveries to it; true resumes them")
    description: Description | None = None


class ApiRotateSecretInput(Body):
    """Optional: how long the secret replaced keeps signing (24 hours when left out)."""

    overlap_hours: int = Field(
        24,
        strict=True,
        ge=0,
        le=MAX_OVERLAP_HOURS,
        description="hours the old secret still signs beside the new one; 0 ends it now",
    )


class ApiWebhookEndpoint(Answer):
    id: uuid.UUID
    url: str
    events: list[EventName]
    enabled: bool
    description: str | None
    failing_since: Timestamp | None = Field(
        description="the first failed delivery since the last successful one"
    )
    disabled_reason: str | None = Field(description="why deliveries stopped by themselves")
    previous_secret_expires_at: Timestamp | None = Field(
        description="until when the secret replaced by the last rotation still signs"
    )
    created_at: Timestamp
    updated_at: Timestamp


class ApiWebhookEndpointWithSecret(ApiWebhookEndpoint):
    secret: str = Field(
        description="signs every delivery (Invoicegraph-Signature): shown only in this answer"
    )


class ApiRedeliverInput(Body):
    """Nothing to send: the delivery goes again as it is (its event, to its endpoint)."""


class ApiWebhookEvent(Answer):
    id: uuid.UUID = Field(description="the event's id, as the delivery carries it")
    type: str = Field(description="invoice.issued, verifactu.rejected…")
    created: Timestamp


class ApiWebhookDelivery(Answer):
    id: uuid.UUID
    event: ApiWebhookEvent
    status: Literal["pending", "sending", "delivered", "failed"] = Field(
        description="pending: due at next_attempt_at; failed: retries given up"
    )
    attempts: int = Field(description="POSTs made so far")
    next_attempt_at: Timestamp | None = Field(description="when it is due, while not settled")
    first_attempt_at: Timestamp | None
    delivered_at: Timestamp | None
    last_response_code: int | None
    created_at: Timestamp
    updated_at: Timestamp


class ApiWebhookDeliveryList(Answer):
    data: list[ApiWebhookDelivery] = Field(description="the latest 100, newest event first")


class ApiWebhookAttempt(Answer):
    id: uuid.UUID
    status: Literal["succeeded", "failed"]
    response_code: int | None = Field(description="null when no answer came")
    duration_ms: int
    response_excerpt: str | None = Field(description="the first bytes of the answer")
    error: str | None = Field(description="why it failed: a timeout, a refused address…")
    created_at: Timestamp


class ApiWebhookAttemptList(Answer):
    data: list[ApiWebhookAttempt] = Field(description="the last 100, oldest first")
