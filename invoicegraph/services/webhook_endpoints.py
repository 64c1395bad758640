"""Webhook endpoints of an account: create (the signing secret is answered this once), list,
get, update, delete, and rotate the secret with an overlap period.

Everything is scoped by the account the key works on, so a test key manages the sandbox's
endpoints (which receive the sandbox's events) and never sees the live ones. A URL is checked
by the domain's SSRF rules with its host resolved now (``webhook_urls``), before any
transaction opens: DNS can take seconds and must not hold a database connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.base import utcnow
from invoicegraph.db.models import Account, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from invoicegraph.domain.errors import Conflict, FieldError, ValidationFailed
from invoicegraph.domain.validation import text_problem
from invoicegraph.domain.webhooks import EVENT_TYPES, UrlRefused, check_url, new_secret
from invoicegraph.services.pagination import Page, PageRequest, paginate
from invoicegraph.services.plan_limits import lock_account_for_limits
from invoicegraph.services.refs import Ref, fetch
from invoicegraph.services.unset import UNSET, Maybe, is_set
from invoicegraph.services.webhook_urls import resolve_endpoint_url

ENTITY = "webhook endpoint"
ALL_EVENTS = "*"  # every type, those added later too (``domain.webhooks.wants``)
SUBSCRIBABLE: tuple[str, ...] = (*EVENT_TYPES, ALL_EVENTS)
MAX_DESCRIPTION = 500
MAX_EVENTS = 50  # more than there are types: a longer list can only repeat them
MAX_ENDPOINTS = 20  # per account (and per sandbox): each event is sent to every one
DEFAULT_OVERLAP = dt.timedelta(hours=24)
MAX_OVERLAP = dt.timedelta(days=7)


@dataclass(slots=True)
class EndpointInput:
    """What an endpoint is; ``UNSET`` keeps a field (updates) or takes its default (create:
    enabled, no description). ``description=None`` clears it; any other ``None`` is refused
    (a face may pass an explicit null through)."""

    url: Maybe[str | None] = UNSET
    events: Maybe[Sequence[str] | None] = UNSET
    enabled: Maybe[bool | None] = UNSET
    description: Maybe[str | None] = UNSET


@dataclass(frozen=True, slots=True)
class EndpointWithSecret:
    """An endpoint with its new signing secret: the only time the secret is answered."""

    endpoint: WebhookEndpoint
    secret: str


def clean_events(events: Sequence[str], field: str = "events") -> list[str]:
    """Known types only, at least one, each once, in the order given."""
    if isinstance(events, str):
        raise ValidationFailed.single(field, "must be a list of event types", "invalid_type")
    if not events:
        raise ValidationFailed.single(field, "must name at least one event type", "required")
    if len(events) > MAX_EVENTS:
        raise ValidationFailed.single(field, f"at most {MAX_EVENTS} event types", "too_many")
    errors = [
        FieldError(f"{field}.{index}", f"{kind!r} is not an event type", "invalid_choice")
        for index, kind in enumerate(events)
        if kind not in SUBSCRIBABLE
    ]
    if errors:
        raise ValidationFailed(errors)
    return list(dict.fromkeys(events))


def _clean_description(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    problem = text_problem(value)
    if problem is not None:
        raise ValidationFailed.single("description", problem, "invalid_characters")
    if len(value) > MAX_DESCRIPTION:
        raise ValidationFailed.single(
            "description", f"at most {MAX_DESCRIPTION} characters", "too_long"
        )
    return value or None


def _url_as_written(url: str, allow_private: bool) -> str:
    """The URL's own problems (scheme, credentials, a literal private address), before DNS."""
    url = url.strip()
    problem = text_problem(url)
    if problem is not None:
        raise ValidationFailed.single("url", problem, "invalid_characters")
    try:
        check_url(url, allow_private=allow_private)
    except UrlRefused as refused:
        raise ValidationFailed.single("url", str(refused), "url_refused") from None
    return url


async def _check_resolved(url: str, allow_private: bool) -> None:
    try:
        await resolve_endpoint_url(url, allow_private=allow_private)
    except UrlRefused as refused:
        raise ValidationFailed.single("url", str(refused), "url_refused") from None


async def _clean(data: EndpointInput, *, creating: bool, allow_private: bool) -> dict[str, object]:
    """Every field checked, every problem reported in one ``ValidationFailed``; the URL's DNS
    lookup only once the rest is known to be fine. A null ``url``, ``events`` or ``enabled``
    is refused (only the description can be cleared)."""
    errors: list[FieldError] = []
    values: dict[str, object] = {}
    cleaners: dict[str, Callable[[Any], object]] = {
        "url": lambda url: _url_as_written(url, allow_private),
        "events": clean_events,
        "enabled": bool,
        "description": _clean_description,
    }
    for name, clean in cleaners.items():
        value = getattr(data, name)
        if value is None and name != "description":
            errors.append(FieldError(name, "must not be null", "required"))
        elif is_set(value):
            try:
                values[name] = clean(value)
            except ValidationFailed as exc:
                errors.extend(exc.fields)
        elif creating and name in ("url", "events"):
            errors.append(FieldError(name, "is required", "required"))
    if errors:
        raise ValidationFailed(errors)
    if "url" in values:
        await _check_resolved(str(values["url"]), allow_private)
    return values


async def create_endpoint(
    session: AsyncSession, account: Account, data: EndpointInput, *, allow_private: bool
) -> EndpointWithSecret:
    """A new endpoint and its signing secret (answered now and never again). An account has
    at most ``MAX_ENDPOINTS``; the count is taken under the account's lock, so concurrent
    creations cannot pass it together."""
    values = await _clean(data, creating=True, allow_private=allow_private)
    secret = new_secret()
    async with session.begin():
        await lock_account_for_limits(session, account)
        count = await session.scalar(
            select(func.count())
            .select_from(WebhookEndpoint)
            .where(WebhookEndpoint.account_id == account.id)
        )
        if (count or 0) >= MAX_ENDPOINTS:
            raise Conflict(
                f"an account has at most {MAX_ENDPOINTS} webhook endpoints; delete one first"
            )
        endpoint = WebhookEndpoint(account_id=account.id, secret=secret, **values)
        session.add(endpoint)
        await session.flush()
    return EndpointWithSecret(endpoint, secret)


async def get_endpoint(session: AsyncSession, account: Account, ref: Ref) -> WebhookEndpoint:
    async with session.begin():
        return await fetch(session, WebhookEndpoint, account, ref, entity=ENTITY)


ORDERABLE = {"id": WebhookEndpoint.id}


async def list_endpoints(
    session: AsyncSession, account: Account, page: PageRequest
) -> Page[WebhookEndpoint]:
    """The account's endpoints, newest first."""
    async with session.begin():
        return await paginate(
            session,
            WebhookEndpoint,
            [WebhookEndpoint.account_id == account.id],
            page,
            orderable=ORDERABLE,
        )


async def update_endpoint(
    session: AsyncSession,
    account: Account,
    ref: Ref,
    data: EndpointInput,
    *,
    allow_private: bool,
) -> WebhookEndpoint:
    """Change what ``data`` sends. Enabling a disabled endpoint, or moving it to another URL,
    starts its failure record afresh (``failing_since`` and ``disabled_reason`` cleared): the
    receiver is a new one, or its owner says it is fixed."""
    values = await _clean(data, creating=False, allow_private=allow_private)
    async with session.begin():
        endpoint = await fetch(
            session, WebhookEndpoint, account, ref, entity=ENTITY, for_update=True
        )
        enabling = values.get("enabled") is True and not endpoint.enabled
        moving = "url" in values and values["url"] != endpoint.url
        if enabling or moving:
            endpoint.failing_since = None
            endpoint.disabled_reason = None
        for name, value in values.items():
            setattr(endpoint, name, value)
        await session.flush()
    return endpoint


async def delete_endpoint(session: AsyncSession, account: Account, ref: Ref) -> WebhookEndpoint:
    """Delete the endpoint with its deliveries and their attempts (nothing more is sent to
    it); answers the row as it was."""
    async with session.begin():
        endpoint = await fetch(
            session, WebhookEndpoint, account, ref, entity=ENTITY, for_update=True
        )
        deliveries = select(WebhookDelivery.id).where(
            WebhookDelivery.account_id == account.id,
            WebhookDelivery.endpoint_id == endpoint.id,
        )
        # explicit rather than left to ON DELETE CASCADE, so it holds on any SQLite connection
        await session.execute(
            delete(WebhookAttempt).where(
                WebhookAttempt.account_id == account.id,
                WebhookAttempt.delivery_id.in_(deliveries),
            )
        )
        await session.execute(
            delete(WebhookDelivery).where(
                WebhookDelivery.account_id == account.id,
                WebhookDelivery.endpoint_id == endpoint.id,
            )
        )
        await session.delete(endpoint)
    return endpoint


def _clean_overlap(overlap: dt.timedelta) -> dt.timedelta:
    if overlap < dt.timedelta(0) or overlap > MAX_OVERLAP:
        hours = int(MAX_OVERLAP.total_seconds() // 3600)
        raise ValidationFailed.single(
            "overlap_hours", f"must be from 0 to {hours} hours", "out_of_range"
        )
    return overlap


async def rotate_secret(
    session: AsyncSession,
    account: Account,
    ref: Ref,
    *,
    overlap: dt.timedelta = DEFAULT_OVERLAP,
    now: dt.datetime | None = None,
) -> EndpointWithSecret:
    """A new signing secret (answered this once). The one it replaces keeps signing too for
    ``overlap`` (0 ends it now, at most ``MAX_OVERLAP``), so receivers can switch without
    refusing a single delivery; a secret replaced by an earlier rotation stops at once."""
    overlap = _clean_overlap(overlap)
    moment = now or utcnow()
    secret = new_secret()
    async with session.begin():
        endpoint = await fetch(
            session, WebhookEndpoint, account, ref, entity=ENTITY, for_update=True
        )
        if overlap:
            endpoint.previous_secret = endpoint.secret
            endpoint.previous_secret_expires_at = moment + overlap
        else:
            endpoint.previous_secret = None
            endpoint.previous_secret_expires_at = None
        endpoint.secret = secret
        await session.flush()
    return EndpointWithSecret(endpoint, secret)


def signing_secrets(endpoint: WebhookEndpoint, now: dt.datetime) -> list[str]:
    """The secrets a delivery is signed with at ``now``: the current one, and the previous one
    while its overlap lasts (one ``v1`` each in the signature header)."""
    found = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and now < expires:
        found.append(endpoint.previous_secret)
    return found


def previous_secret_expires_at(endpoint: WebhookEndpoint, now: dt.datetime) -> dt.datetime | None:
    """Until when the replaced secret still signs; None once it no longer does."""
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and now < expires:
        return expires
    return None
