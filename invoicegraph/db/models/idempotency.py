"""Idempotency records: the first answer to a retried request, replayed for 24 hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from invoicegraph.db.base import Base, TenantRow
from invoicegraph.db.types import UTCDateTime


class IdempotencyRecord(TenantRow, Base):
    __tablename__ = "idempotency_records"

    key: Mapped[str] = mapped_column(String(255))
    face: Mapped[str] = mapped_column(String(8))  # api | v1 | graphql
    request_fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method+path+body
    state: Mapped[str] = mapped_column(String(10), default="in_flight")  # in_flight | done
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "uq_idempotency_records_account_id_face_key", "account_id", "face", "key", unique=True
        ),
        Index("ix_idempotency_records_account_id_expires_at", "account_id", "expires_at"),
    )
