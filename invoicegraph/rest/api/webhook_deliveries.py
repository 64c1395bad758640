"""``/api/webhook-endpoints/{id}/deliveries``, ``/api/webhook-deliveries/{id}/attempts`` and
``/api/webhook-deliveries/{id}/redeliver``: what was sent to an endpoint, how each POST went,
and sending one again by hand (admin key)."""

from __future__ import annotations

from starlette.responses import Response

from invoicegraph.db.models import Event, WebhookAttempt, WebhookDelivery
from invoicegraph.rest.api.webhook_models import ApiWebhookAttempt, ApiWebhookDelivery
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.fields import shaped
from invoicegraph.services.webhook_endpoints import get_endpoint
from invoicegraph.services.webhooks import list_attempts, list_deliveries, redeliver

UNSETTLED = ("pending", "sending")


def delivery_json(delivery: WebhookDelivery, event: Event) -> ApiWebhookDelivery:
    due = delivery.next_attempt_at if delivery.status in UNSETTLED else None
    sent = {"id": event.uuid, "type": event.type, "created": event.created_at}
    return shaped(ApiWebhookDelivery, delivery, id=delivery.uuid, event=sent, next_attempt_at=due)


def attempt_json(attempt: WebhookAttempt) -> ApiWebhookAttempt:
    return shaped(ApiWebhookAttempt, attempt, id=attempt.uuid)


async def list_webhook_deliveries_route(call: Call) -> Response:
    """The endpoint's latest deliveries (100), newest event first, with their state."""
    ref = call.path_ref()
    async with call.session() as session:
        endpoint = await get_endpoint(session, call.auth.account, ref)
        found = await list_deliveries(session, call.auth.account, endpoint_id=endpoint.id)
    return call.json({"data": [delivery_json(delivery, event) for delivery, event in found]})


async def list_webhook_attempts_route(call: Call) -> Response:
    """A delivery's attempts (the last 100), oldest first: status, response code, duration,
    the first bytes of the answer, the error."""
    ref = call.path_ref()
    async with call.session() as session:
        attempts = await list_attempts(session, call.auth.account, ref)
    return call.json({"data": [attempt_json(attempt) for attempt in attempts]})


async def redeliver_webhook_route(call: Call) -> Response:
    """Send a delivery again as soon as a worker is free (admin key), whatever its state; its
    retry window starts again. 409 while it is being sent, or when its endpoint is disabled."""
    ref = call.path_ref()
    async with call.session() as session:
        delivery = await redeliver(session, call.auth.account, ref)
    async with call.session() as session:  # a new session: the delivery as committed
        [(again, event)] = await list_deliveries(
            session,
            call.auth.account,
            endpoint_id=delivery.endpoint_id,
            event_id=delivery.event_id,
        )
    return call.json(delivery_json(again, event))
