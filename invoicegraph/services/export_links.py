"""Short-lived signed download links for exports (what GraphQL answers ``exportDownload``
with): a browser or a script fetches the file with no API key, for 15 minutes.

A link names the export (kind, range, format), the key that asked for it and when it expires,
and carries an HMAC-SHA256 of all that. The HMAC key is derived from the API key's stored hash,
which never leaves the database: every instance and worker can check any link without a shared
setting, and revoking the key kills its links at once. The account a link downloads is the
key's, found again at download time (the sandbox for a test key), never one the link names.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, ApiKey
from invoicegraph.domain.errors import Forbidden
from invoicegraph.services.api_keys import AuthContext
from invoicegraph.services.exports import FORMATS, KINDS, ExportRange

LINK_LIFETIME = dt.timedelta(minutes=15)
DOWNLOAD_PATH = "/exports/download"
_PURPOSE = b"invoicegraph export download link v1"
_INVALID = "this is not a valid download link"


@dataclass(frozen=True, slots=True)
class ExportLink:
    kind: str
    span: ExportRange
    fmt: str
    expires_at: dt.datetime


def _signing_key(key: ApiKey) -> bytes:
    return hmac.new(key.secret_hash.encode(), _PURPOSE, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def link_token(
    auth: AuthContext, kind: str, span: ExportRange, fmt: str, *, now: dt.datetime
) -> tuple[str, dt.datetime]:
    """The token of a link to export ``kind`` of ``span`` as ``fmt``, and when it expires."""
    expires = (now + LINK_LIFETIME).replace(microsecond=0)
    claims = {
        "o": auth.owner.id,
        "k": auth.key.id,
        "t": kind,
        "f": span.start.isoformat(),
        "u": span.end.isoformat(),
        "x": fmt,
        "e": int(expires.timestamp()),
    }
    body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signature = hmac.new(_signing_key(auth.key), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{signature}", expires


def _claims(token: str) -> dict[str, Any]:
    body, _, _ = token.partition(".")
    try:
        claims = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        raise Forbidden(_INVALID) from None
    if not isinstance(claims, dict):
        raise Forbidden(_INVALID)
    return claims


async def open_link(
    session: AsyncSession, token: str, *, now: dt.datetime
) -> tuple[Account, ExportLink]:
    """The account and export a token names, once its signature, key and time check out.
    Every failure is the same 403, except an expired link, which says so."""
    if len(token) > 2048 or token.count(".") != 1:
        raise Forbidden(_INVALID)
    claims = _claims(token)
    try:
        owner_id, key_id = int(claims["o"]), int(claims["k"])
        kind, fmt, expires = str(claims["t"]), str(claims["x"]), int(claims["e"])
        span = ExportRange(dt.date.fromisoformat(claims["f"]), dt.date.fromisoformat(claims["u"]))
    except (KeyError, TypeError, ValueError, OverflowError):
        raise Forbidden(_INVALID) from None
    if (
        kind not in KINDS
        or fmt not in FORMATS
        or not 0 < owner_id < 2**63
        or not 0 < key_id < 2**63
    ):
        raise Forbidden(_INVALID)
    async with session.begin():
        key = await session.scalar(
            select(ApiKey).where(ApiKey.account_id == owner_id, ApiKey.id == key_id)
        )
        body, _, signature = token.partition(".")
        expected = (
            hmac.new(_signing_key(key), body.encode(), hashlib.sha256).hexdigest() if key else ""
        )
        if key is None or not hmac.compare_digest(expected, signature):
            raise Forbidden(_INVALID)
        if key.revoked_at is not None:
            raise Forbidden("the API key that made this link has been revoked")
        if now.timestamp() > expires:
            raise Forbidden("this download link has expired: ask for a new one")
        if key.mode == "test":
            account = await session.scalar(
                select(Account).where(Account.live_account_id == owner_id)
            )
        else:
            account = await session.scalar(select(Account).where(Account.id == owner_id))
        if account is None:
            raise Forbidden(_INVALID)
    return account, ExportLink(kind, span, fmt, dt.datetime.fromtimestamp(expires, dt.UTC))
