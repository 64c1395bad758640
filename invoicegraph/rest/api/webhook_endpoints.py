"""``/api/webhook-endpoints``: create (answered with its signing secret, this once), list,
get, change, delete, and rotate the secret. Writes need an admin key; reads never show a
secret."""

from __future__ import annotations

import datetime as dt

from starlette.responses import Response

from invoicegraph.db.base import utcnow
from invoicegraph.db.models import WebhookEndpoint
from invoicegraph.rest.api import parse
from invoicegraph.rest.api.models import PageQuery
from invoicegraph.rest.api.shapes import cursor_page
from invoicegraph.rest.api.webhook_models import (
    ApiRotateSecretInput,
    ApiWebhookEndpoint,
    ApiWebhookEndpointWithSecret,
)
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.fields import shaped
from invoicegraph.services.webhook_endpoints import (
    EndpointInput,
    EndpointWithSecret,
    create_endpoint,
    delete_endpoint,
    get_endpoint,
    list_endpoints,
    previous_secret_expires_at,
    rotate_secret,
    update_endpoint,
)
from invoicegraph.settings import Settings


def webhook_endpoint_json(
    endpoint: WebhookEndpoint,
    now: dt.datetime,
    model: type[ApiWebhookEndpoint] = ApiWebhookEndpoint,
    **more: object,
) -> ApiWebhookEndpoint:
    expires = previous_secret_expires_at(endpoint, now)
    events = list(endpoint.events)
    return shaped(
        model, endpoint, id=endpoint.uuid, events=events, previous_secret_expires_at=expires, **more
    )


def _with_secret(created: EndpointWithSecret) -> ApiWebhookEndpoint:
    model = ApiWebhookEndpointWithSecret
    return webhook_endpoint_json(created.endpoint, utcnow(), model, secret=created.secret)


def _allow_private(call: Call) -> bool:
    settings: Settings = call.request.app.state.settings
    return settings.webhooks_allow_private


async def list_webhook_endpoints_route(call: Call) -> Response:
    """List the webhook endpoints, newest first (never their secrets)."""
    query: PageQuery = call.params
    page = parse.page_request(query.limit, query.cursor)
    async with call.session() as session:
        found = await list_endpoints(session, call.auth.account, page)
    now = utcnow()
    return call.json(cursor_page([webhook_endpoint_json(hook, now) for hook in found.items], found))


async def create_webhook_endpoint_route(call: Call) -> Response:
    """Create a webhook endpoint (admin key). The answer carries its signing secret, shown
    only this once: store it now. The URL must be https on a public address; its host is
    resolved now and refused when any of its addresses is private or loopback."""
    async with call.session() as session:
        created = await create_endpoint(
            session,
            call.auth.account,
            EndpointInput(**call.body.sent()),
            allow_private=_allow_private(call),
        )
    return call.json(_with_secret(created), 201)


async def get_webhook_endpoint_route(call: Call) -> Response:
    """Get a single webhook endpoint (never its secret)."""
    ref = call.path_ref()
    async with call.session() as session:
        endpoint = await get_endpoint(session, call.auth.account, ref)
    return call.json(webhook_endpoint_json(endpoint, utcnow()))


async def update_webhook_endpoint_route(call: Call) -> Response:
    """Change a webhook endpoint's URL, events, description or enabled flag (admin key)."""
    ref = call.path_ref()
    async with call.session() as session:
        endpoint = await update_endpoint(
            session,
            call.auth.account,
            ref,
            EndpointInput(**call.body.sent()),
            allow_private=_allow_private(call),
        )
    return call.json(webhook_endpoint_json(endpoint, utcnow()))


async def delete_webhook_endpoint_route(call: Call) -> Response:
    """Delete a webhook endpoint with its deliveries (admin key); nothing more is sent to it."""
    ref = call.path_ref()
    async with call.session() as session:
        await delete_endpoint(session, call.auth.account, ref)
    return Response(status_code=204)


async def rotate_webhook_endpoint_secret_route(call: Call) -> Response:
    """Replace the signing secret (admin key); the answer carries the new one, this once.
    Deliveries are signed with both (one ``v1`` each) for ``overlap_hours``, 24 by default,
    so receivers can switch without refusing any."""
    ref = call.path_ref()
    body: ApiRotateSecretInput = call.body
    overlap = dt.timedelta(hours=body.overlap_hours)
    async with call.session() as session:
        rotated = await rotate_secret(session, call.auth.account, ref, overlap=overlap)
    return call.json(_with_secret(rotated))
