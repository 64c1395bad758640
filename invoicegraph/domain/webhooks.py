"""Webhook rules with no I/O: the event types, the signature, the retry schedule and which
URLs an endpoint may have.

The signature is Stripe's scheme: ``Invoicegraph-Signature: t=<unix seconds>,v1=<hex>`` with
``hex = HMAC-SHA256(secret, "<t>.<raw body>")``; during a secret rotation's overlap one ``v1``
per valid secret, so a receiver holding either secret verifies.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import ipaddress
import random
import secrets
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

SIGNATURE_HEADER = "Invoicegraph-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)
MAX_URL_LENGTH = 2048


class EventType(enum.StrEnum):
    """Every event an endpoint can ask for. ``webhook_endpoint.disabled`` tells the account
    that one of its endpoints failed for too long and was switched off."""

    INVOICE_CREATED = "invoice.created"
    INVOICE_UPDATED = "invoice.updated"
    INVOICE_ISSUED = "invoice.issued"
    INVOICE_RECTIFIED = "invoice.rectified"
    INVOICE_PAID = "invoice.paid"
    INVOICE_ANNULLED = "invoice.annulled"
    INVOICE_DELETED = "invoice.deleted"
    QUOTE_CREATED = "quote.created"
    QUOTE_CONVERTED = "quote.converted"
    CLIENT_CREATED = "client.created"
    VERIFACTU_ACCEPTED = "verifactu.accepted"
    VERIFACTU_REJECTED = "verifactu.rejected"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"


EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in EventType)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def sign(body: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(body: bytes, valid_secrets: Sequence[str], timestamp: int) -> str:
    """The header value: the time, then one ``v1`` per secret that is valid now."""
    parts = [f"t={timestamp}", *(f"v1={sign(body, s, timestamp)}" for s in valid_secrets)]
    return ",".join(parts)


def verify_signature(
    header: str, body: bytes, secret: str, *, now: int, tolerance: int = 300
) -> bool:
    """What a receiver does (the docs show the same): a ``v1`` must match and ``t`` must be
    recent, so a captured request cannot be replayed later."""
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            candidates.append(value)
    if timestamp is None or abs(now - timestamp) > tolerance:
        return False
    expected = sign(body, secret, timestamp)
    return any(hmac.compare_digest(expected, c) for c in candidates)


def retry_delay(
    attempts: int, *, base_seconds: float, cap_seconds: float, rng: random.Random | None = None
) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling from ``base_seconds``,
    capped, times a jitter in [1, 1.5) so that receivers coming back are not hit by every
    retry at once. Doubling outgrows the jitter, so delays keep growing until the cap."""
    exponent = min(max(attempts - 1, 0), 40)
    seconds = min(base_seconds * 2**exponent, cap_seconds)
    jitter = 1 + 0.5 * (rng or _RANDOM).random()
    return dt.timedelta(seconds=seconds * jitter)


def gives_up(first_attempt_at: dt.datetime, now: dt.datetime, window: dt.timedelta) -> bool:
    """Retries go on for the whole window (three days by default) after the first attempt."""
    return now - first_attempt_at >= window


_RANDOM = random.SystemRandom()


class UrlRefused(ValueError):
    """Why an endpoint may not have this URL (the message names the problem)."""


def check_url(url: str, *, allow_private: bool) -> tuple[str, str, int]:
    """The scheme, host and port of an acceptable endpoint URL, or ``UrlRefused``.

    By default only ``https``; ``allow_private`` (local development and tests) allows
    ``http`` too. Addresses are checked by ``check_address`` once the host is resolved.
    """
    if len(url) > MAX_URL_LENGTH:
        raise UrlRefused(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused("is not a valid URL") from None
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise UrlRefused("must be an https:// URL")
    if not parts.hostname:
        raise UrlRefused("has no host")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("must not carry credentials")
    if parts.fragment:
        raise UrlRefused("must not have a #fragment")
    host = parts.hostname
    if literal_address(host) is not None:
        check_address(host, allow_private=allow_private)
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_address(address: str, *, allow_private: bool) -> None:
    """Refuse an address that is not on the public internet (loopback, private ranges,
    link-local such as cloud metadata at 169.254.169.254, shared, reserved, multicast)."""
    ip = ipaddress.ip_address(address.split("%")[0].strip("[]"))
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        raise UrlRefused(f"resolves to {ip}, which no endpoint can be")
    if not allow_private and not ip.is_global:
        raise UrlRefused(f"resolves to {ip}, a private or loopback address")


def check_addresses(addresses: Iterable[str], *, allow_private: bool) -> list[str]:
    """Every address a host resolves to must be acceptable (one bad answer could be the one
    the connection would use)."""
    found = list(dict.fromkeys(addresses))
    if not found:
        raise UrlRefused("host does not resolve")
    for address in found:
        check_address(address, allow_private=allow_private)
    return found


def wants(subscribed: Iterable[str], event_type: str) -> bool:
    """``*`` subscribes to every type."""
    chosen = set(subscribed)
    return "*" in chosen or event_type in chosen
