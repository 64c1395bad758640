"""Idempotency keys: the first answer to a request is kept for 24 hours and replayed to
retries with the same key and body; another body under the same key is refused.

The record is claimed and answered in the same transaction as the work it protects (see
``db.unit_of_work``): a retry after a lost or failed answer replays the stored answer or, when
nothing was committed, runs the operation afresh; it never does the work twice. Of 50
identical requests in flight one runs and the others wait for it and replay its answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.base import utcnow
from invoicegraph.db.models import Account, IdempotencyRecord
from invoicegraph.domain.errors import Conflict, ValidationFailed

RETENTION = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed.single(
            "Idempotency-Key", f"must be 1–{MAX_KEY_LENGTH} printable characters", "invalid"
        )
    return key


CLAIM_WAIT = "10s"  # how long a duplicate waits for the first request before a 409


async def claim(
    session: AsyncSession, account: Account, face: str, key: str, fingerprint: str
) -> StoredAnswer | None:
    """Claim ``key`` inside the request's open transaction (see ``db.unit_of_work``). Returns
    the stored answer to replay, or None when the caller should run the operation and then
    ``record`` its answer in the same transaction.

    The claim is a row that only becomes visible when the work commits with it, so a lost
    answer is never followed by a second run. A concurrent duplicate blocks on the unique key
    until the first request ends, then replays its answer (or runs, if it rolled back); one
    waiting longer than ``CLAIM_WAIT`` is told the key is in progress (``Conflict``).
    ``ValidationFailed`` when the key was used with another body."""
    key = check_key(key)
    now = utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    if dialect == "postgresql":
        await session.execute(text(f"SET LOCAL lock_timeout = '{CLAIM_WAIT}'"))
    try:
        inserted = await session.scalar(
            insert(IdempotencyRecord)
            .values(
                account_id=account.id,
                face=face,
                key=key,
                request_fingerprint=fingerprint,
                state="in_flight",
                expires_at=now + RETENTION,
                response_headers={},
            )
            .on_conflict_do_nothing(index_elements=["account_id", "face", "key"])
            .returning(IdempotencyRecord.id)
        )
    except DBAPIError as exc:
        if _sqlstate(exc) == "55P03":  # lock_timeout: the first request is still running
            raise _in_progress() from None
        raise
    if dialect == "postgresql":
        await session.execute(text("SET LOCAL lock_timeout = DEFAULT"))
    if inserted is not None:
        return None
    record = await session.scalar(
        select(IdempotencyRecord)
        .where(
            IdempotencyRecord.account_id == account.id,
            IdempotencyRecord.face == face,
            IdempotencyRecord.key == key,
        )
        .with_for_update()
    )
    if record is None:  # purged between our insert and select
        raise _in_progress()
    if record.expires_at <= now or record.state == "in_flight":
        # an expired answer, or a claim committed by an earlier version (claims made here
        # are never committed without their answer): this request takes the key over
        record.request_fingerprint = fingerprint
        record.state = "in_flight"
        record.expires_at = now + RETENTION
        record.response_status = None
        record.response_body = None
        record.response_headers = {}
        await session.flush()
        return None
    if record.request_fingerprint != fingerprint:
        raise ValidationFailed.single(
            "Idempotency-Key",
            "was already used with a different request; use a new key",
            "idempotency_mismatch",
        )
    assert record.response_status is not None
    return StoredAnswer(
        status=record.response_status,
        headers=dict(record.response_headers),
        body=record.response_body or b"",
    )


async def record(
    session: AsyncSession, account: Account, face: str, key: str, answer: StoredAnswer
) -> None:
    """Store the answer with the claim, in the transaction that did the work (a 5xx is never
    stored: the face rolls the whole request back instead)."""
    assert answer.status < 500
    await session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.account_id == account.id,
            IdempotencyRecord.face == face,
            IdempotencyRecord.key == check_key(key),
        )
        .values(
            state="done",
            response_status=answer.status,
            response_headers=answer.headers,
            response_body=answer.body,
            expires_at=utcnow() + RETENTION,
        )
    )


def _in_progress() -> Conflict:
    return Conflict("a request with this Idempotency-Key is in progress", ["Idempotency-Key"])


def _sqlstate(exc: DBAPIError) -> str:
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state if isinstance(state, str) else ""


async def purge_expired(session: AsyncSession, account: Account) -> int:
    async with session.begin():
        result = await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.account_id == account.id,
                IdempotencyRecord.expires_at < utcnow(),
            )
        )
    return int(getattr(result, "rowcount", 0) or 0)
