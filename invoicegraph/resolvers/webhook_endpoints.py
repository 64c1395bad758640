"""Webhook endpoints on GraphQL: any key reads them (never a secret) and what was sent to
them; admin keys create, change, delete them, rotate their secrets and send a delivery
again."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db import models
from invoicegraph.resolvers.common import arg_ref, lookup, maybe, mutate, query, to_ref
from invoicegraph.schema.arguments import Id, described
from invoicegraph.schema.context import Info
from invoicegraph.schema.node import to_global_id
from invoicegraph.schema.payloads import DeletePayload
from invoicegraph.schema.webhook_delivery_types import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryPayload,
)
from invoicegraph.schema.webhook_types import (
    CreateWebhookEndpointInput,
    UpdateWebhookEndpointInput,
    WebhookEndpoint,
    WebhookEndpointPayload,
)
from invoicegraph.services import webhook_endpoints as endpoints
from invoicegraph.services import webhooks
from invoicegraph.services.pagination import PageRequest
from invoicegraph.services.unset import UNSET

ALL = PageRequest(limit=endpoints.MAX_ENDPOINTS, with_total=False)
KIND = "WebhookEndpoint"
DELIVERY = "WebhookDelivery"


def _events(value: Any) -> Any:
    value = maybe(value)
    return value if value is UNSET or value is None else [kind.value for kind in value]


def _allow_private(info: Info) -> bool:
    return info.context.settings.webhooks_allow_private


@strawberry.type
class WebhookEndpointQueries:
    @strawberry.field(
        description="The endpoint's latest deliveries (100), newest event first; an unknown "
        "endpoint is an error."
    )
    async def webhook_deliveries(
        self, info: Info, endpoint_id: Annotated[strawberry.ID, described("The endpoint's id.")]
    ) -> list[WebhookDelivery]:
        ref = arg_ref(endpoint_id, "endpointId", KIND)

        async def work(session: AsyncSession, account: models.Account) -> Any:
            endpoint = await endpoints.get_endpoint(session, account, ref)
            return await webhooks.list_deliveries(session, account, endpoint_id=endpoint.id)

        found = await query(info, work)
        return [WebhookDelivery.of(delivery, event) for delivery, event in found]

    @strawberry.field(description="A delivery's attempts (the last 100), oldest first.")
    async def webhook_delivery_attempts(
        self, info: Info, delivery_id: Annotated[strawberry.ID, described("The delivery's id.")]
    ) -> list[WebhookAttempt]:
        ref = arg_ref(delivery_id, "deliveryId", DELIVERY)
        found = await query(info, lambda s, a: webhooks.list_attempts(s, a, ref))
        return [WebhookAttempt.of(attempt) for attempt in found]

    @strawberry.field(description="The account's webhook endpoints, newest first.")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        page = await query(info, lambda s, a: endpoints.list_endpoints(s, a, ALL))
        return page.items  # type: ignore[no-any-return]

    @strawberry.field(description="A webhook endpoint by id; null when there is none.")
    async def webhook_endpoint(self, info: Info, id: Id) -> WebhookEndpoint | None:
        ref = arg_ref(id, "id", KIND)
        return await lookup(info, lambda s, a: endpoints.get_endpoint(s, a, ref))  # type: ignore[return-value]


@strawberry.type
class WebhookEndpointMutations:
    @strawberry.mutation(
        description="Create a webhook endpoint (admin). Its signing secret is in this answer "
        "only. The URL must be https on a public address."
    )
    async def create_webhook_endpoint(
        self,
        info: Info,
        input: Annotated[CreateWebhookEndpointInput, described("The endpoint.")],
    ) -> WebhookEndpointPayload:
        data = endpoints.EndpointInput(
            url=input.url,
            events=_events(input.events),
            enabled=input.enabled,
            description=input.description,
        )
        allow_private = _allow_private(info)

        async def work(session: AsyncSession, account: models.Account) -> Any:
            return await endpoints.create_endpoint(
                session, account, data, allow_private=allow_private
            )

        created, errors = await mutate(info, work, access="admin")
        return WebhookEndpointPayload(
            webhook_endpoint=created.endpoint if created else None,
            secret=created.secret if created else None,
            errors=errors,
        )

    @strawberry.mutation(
        description="Change a webhook endpoint (admin): only the fields sent change."
    )
    async def update_webhook_endpoint(
        self,
        info: Info,
        id: Id,
        input: Annotated[UpdateWebhookEndpointInput, described("What to change.")],
    ) -> WebhookEndpointPayload:
        data = endpoints.EndpointInput(
            url=maybe(input.url),
            events=_events(input.events),
            enabled=maybe(input.enabled),
            description=maybe(input.description),
        )
        allow_private = _allow_private(info)

        async def work(session: AsyncSession, account: models.Account) -> Any:
            ref = to_ref(id, "id", KIND)
            return await endpoints.update_endpoint(
                session, account, ref, data, allow_private=allow_private
            )

        endpoint, errors = await mutate(info, work, access="admin")
        return WebhookEndpointPayload(webhook_endpoint=endpoint, secret=None, errors=errors)

    @strawberry.mutation(
        description="Delete a webhook endpoint and its deliveries (admin); nothing more is "
        "sent to it."
    )
    async def delete_webhook_endpoint(self, info: Info, id: Id) -> DeletePayload:
        async def work(session: AsyncSession, account: models.Account) -> Any:
            return await endpoints.delete_endpoint(session, account, to_ref(id, "id", KIND))

        deleted, errors = await mutate(info, work, access="admin")
        return DeletePayload(
            deleted_id=strawberry.ID(to_global_id(KIND, deleted.uuid)) if deleted else None,
            errors=errors,
        )

    @strawberry.mutation(
        description="Replace a webhook endpoint's signing secret (admin); the new one is in "
        "this answer only. The old one keeps signing beside it for overlapHours."
    )
    async def rotate_webhook_endpoint_secret(
        self,
        info: Info,
        id: Id,
        overlap_hours: Annotated[
            int,
            described(
                "Hours the old secret still signs (0 ends it now, at most 168), so receivers "
                "switch without refusing a delivery."
            ),
        ] = 24,
    ) -> WebhookEndpointPayload:
        async def work(session: AsyncSession, account: models.Account) -> Any:
            overlap = dt.timedelta(hours=overlap_hours)
            return await endpoints.rotate_secret(
                session, account, to_ref(id, "id", KIND), overlap=overlap
            )

        rotated, errors = await mutate(info, work, access="admin")
        return WebhookEndpointPayload(
            webhook_endpoint=rotated.endpoint if rotated else None,
            secret=rotated.secret if rotated else None,
            errors=errors,
        )

    @strawberry.mutation(
        description="Send a delivery again as soon as a worker is free (admin), whatever its "
        "status; its retry window starts again. Refused while it is being sent or when its "
        "endpoint is disabled."
    )
    async def redeliver_webhook(
        self, info: Info, id: Annotated[strawberry.ID, described("The delivery's id.")]
    ) -> WebhookDeliveryPayload:
        async def work(session: AsyncSession, account: models.Account) -> Any:
            delivery = await webhooks.redeliver(session, account, to_ref(id, "id", DELIVERY))
            [(again, event)] = await webhooks.list_deliveries(
                session, account, endpoint_id=delivery.endpoint_id, event_id=delivery.event_id
            )
            return WebhookDelivery.of(again, event)

        delivery, errors = await mutate(info, work, access="admin")
        return WebhookDeliveryPayload(delivery=delivery, errors=errors)
