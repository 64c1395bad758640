"""GraphQL types of webhook endpoints: the endpoint, the event types, the inputs and payloads
of the admin mutations. The secret is only ever in a payload of a creation or a rotation."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any
from uuid import UUID

import strawberry

from invoicegraph.db import models
from invoicegraph.db.base import utcnow
from invoicegraph.schema.errors import UserError
from invoicegraph.schema.input_bounds import REQUIRED, bounded
from invoicegraph.schema.node import Node
from invoicegraph.services.webhook_endpoints import MAX_EVENTS, previous_secret_expires_at


@strawberry.enum(description="An event an endpoint can receive (its `type` in the delivery).")
class WebhookEventType(enum.Enum):
    INVOICE_CREATED = strawberry.enum_value("invoice.created", description="A draft was created.")
    INVOICE_UPDATED = strawberry.enum_value("invoice.updated", description="An invoice changed.")
    INVOICE_ISSUED = strawberry.enum_value("invoice.issued", description="It was issued.")
    INVOICE_RECTIFIED = strawberry.enum_value(
        "invoice.rectified", description="A rectificative corrected it."
    )
    INVOICE_PAID = strawberry.enum_value("invoice.paid", description="Its payment was recorded.")
    INVOICE_ANNULLED = strawberry.enum_value("invoice.annulled", description="It was annulled.")
    INVOICE_DELETED = strawberry.enum_value("invoice.deleted", description="It was deleted.")
    QUOTE_CREATED = strawberry.enum_value("quote.created", description="A quote was created.")
    QUOTE_CONVERTED = strawberry.enum_value(
        "quote.converted", description="A quote became a draft invoice."
    )
    CLIENT_CREATED = strawberry.enum_value("client.created", description="A client was created.")
    VERIFACTU_ACCEPTED = strawberry.enum_value(
        "verifactu.accepted", description="The tax agency accepted an invoice's record."
    )
    VERIFACTU_REJECTED = strawberry.enum_value(
        "verifactu.rejected", description="The tax agency rejected it (with its codes)."
    )
    WEBHOOK_ENDPOINT_DISABLED = strawberry.enum_value(
        "webhook_endpoint.disabled", description="An endpoint failed too long and was disabled."
    )
    ALL = strawberry.enum_value("*", description="Every type, those added later too.")


def _d(description: str) -> Any:
    return strawberry.field(description=description)


@strawberry.type(description="A URL that receives the account's events, signed.")
class WebhookEndpoint(Node):
    uuid: UUID = _d("The object's UUID (accepted wherever an id is).")
    url: str = _d("Where the events are POSTed.")
    enabled: bool = _d("False: nothing is sent to it.")
    description: str | None = _d("Yours, to recognise it by.")
    failing_since: dt.datetime | None = _d("The first failed delivery since the last success.")
    disabled_reason: str | None = _d("Why deliveries stopped by themselves.")
    created_at: dt.datetime = _d("When it was created.")
    updated_at: dt.datetime = _d("When it last changed.")

    @strawberry.field(description="The event types it receives.")
    def events(self) -> list[WebhookEventType]:
        root: Any = self
        return [WebhookEventType(kind) for kind in root.events]

    @strawberry.field(
        description="Until when the secret replaced by the last rotation still signs "
        "deliveries beside the current one; null when it no longer does."
    )
    def previous_secret_expires_at(self) -> dt.datetime | None:
        root: Any = self
        return previous_secret_expires_at(root, utcnow())

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.WebhookEndpoint)


EVENTS = "The event types it receives; ALL for every type."


@strawberry.input(description="A new webhook endpoint.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="https on a public address (its host is resolved and checked); "
        "WEBHOOKS_ALLOW_PRIVATE=true also allows http and private or loopback addresses."
    )
    events: list[WebhookEventType] = bounded(MAX_EVENTS, EVENTS, REQUIRED)
    description: str | None = strawberry.field(default=None, description="Yours, at most 500.")
    enabled: bool = strawberry.field(default=True, description="False: created switched off.")


@strawberry.input(description="What to change; a field left out is kept.")
class UpdateWebhookEndpointInput:
    url: str | None = strawberry.field(default=strawberry.UNSET, description="A new URL.")
    events: list[WebhookEventType] | None = bounded(MAX_EVENTS, EVENTS)
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Yours; null clears it."
    )
    enabled: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False stops deliveries; true resumes them and clears the failure record.",
    )


@strawberry.type(description="The answer of a webhook endpoint mutation.")
class WebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = _d("The endpoint as it is now; null when refused.")
    secret: str | None = _d(
        "The signing secret, after a creation or a rotation only: store it now, it is never "
        "shown again."
    )
    errors: list[UserError] = _d("Why the input was refused; empty on success.")
