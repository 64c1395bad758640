"""Idempotency keys: the first answer to a request is kept for 24 hours and replayed to
retries with the same key and body; another body under the same key is refused.

The record is claimed (``in_flight``) in its own committed transaction before the operation
runs, so concurrent duplicates see the claim at once: of 50 identical requests in flight, one
runs and the others are told it is in progress (or, once it finished, get its answer). A claim
whose holder died is reclaimable after ``LEASE``; answers of 5xx are never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.base import utcnow
from invoicegraph.db.models import Account, IdempotencyRecord
from invoicegraph.domain.errors import Conflict, ValidationFailed

RETENTION = dt.timedelta(hours=24)
LEASE = dt.timedelta(minutes=2)
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


async def claim(
    session: AsyncSession, account: Account, face: str, key: str, fingerprint: str
) -> StoredAnswer | None:
    """Claim ``key`` for this request. Returns the stored answer to replay, or None when the
    caller should run the operation (and then call ``settle``). Raises ``Conflict`` while
    another request with the key is in flight, ``ValidationFailed`` when the body differs."""
    key = check_key(key)
    now = utcnow()
    async with session.begin():
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        inserted = await session.scalar(
            insert(IdempotencyRecord)
            .values(
                account_id=account.id,
                face=face,
                key=key,
                request_fingerprint=fingerprint,
                state="in_flight",
                expires_at=now + LEASE,
                response_headers={},
            )
            .on_conflict_do_nothing(index_elements=["account_id", "face", "key"])
            .returning(IdempotencyRecord.id)
        )
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
        if record is None:  # removed between our insert and select: treat as in flight
            raise Conflict(
                "a request with this Idempotency-Key is in progress", ["Idempotency-Key"]
            )
        if record.expires_at <= now:
            # expired answer, or an abandoned claim: this request takes the key over
            record.request_fingerprint = fingerprint
            record.state = "in_flight"
            record.expires_at = now + LEASE
            record.response_status = None
            record.response_body = None
            record.response_headers = {}
            return None
        if record.request_fingerprint != fingerprint:
            raise ValidationFailed.single(
                "Idempotency-Key",
                "was already used with a different request; use a new key",
                "idempotency_mismatch",
            )
        if record.state == "in_flight":
            raise Conflict(
                "a request with this Idempotency-Key is in progress", ["Idempotency-Key"]
            )
        assert record.response_status is not None
        return StoredAnswer(
            status=record.response_status,
            headers=dict(record.response_headers),
            body=record.response_body or b"",
        )


async def settle(
    session: AsyncSession,
    account: Account,
    face: str,
    key: str,
    answer: StoredAnswer | None,
) -> None:
    """Store the answer for replay, or release the key (``answer`` None, or a 5xx) so that a
    retry runs the operation again."""
    key = check_key(key)
    where = (
        IdempotencyRecord.account_id == account.id,
        IdempotencyRecord.face == face,
        IdempotencyRecord.key == key,
    )
    async with session.begin():
        if answer is None or answer.status >= 500:
            await session.execute(delete(IdempotencyRecord).where(*where))
            return
        values: dict[str, Any] = {
            "state": "done",
            "response_status": answer.status,
            "response_headers": answer.headers,
            "response_body": answer.body,
            "expires_at": utcnow() + RETENTION,
        }
        await session.execute(update(IdempotencyRecord).where(*where).values(**values))


async def purge_expired(session: AsyncSession, account: Account) -> int:
    async with session.begin():
        result = await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.account_id == account.id,
                IdempotencyRecord.expires_at < utcnow(),
            )
        )
    return int(getattr(result, "rowcount", 0) or 0)
