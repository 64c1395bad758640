"""Webhook endpoints of an account, the deliveries of events to them, and each attempt.

Endpoints belong to the account a key works on, so a test key's endpoints receive the
sandbox's events and a live key's the live ones.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from invoicegraph.db.base import Base, TenantRow, utcnow
from invoicegraph.db.types import UTCDateTime


class WebhookEndpoint(TenantRow, Base):
    """A URL that wants some event types. ``secret`` signs; after a rotation the previous
    secret signs too until ``previous_secret_expires_at``, so receivers switch without a gap.
    ``failing_since`` is the first failure since the last success; an endpoint failing for
    too long is disabled with ``disabled_reason``."""

    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(80))
    previous_secret: Mapped[str | None] = mapped_column(String(80))
    previous_secret_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failing_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("uq_webhook_endpoints_account_id_uuid", "account_id", "uuid", unique=True),
    )


class WebhookDelivery(TenantRow, Base):
    """One event for one endpoint: ``pending`` (due at ``next_attempt_at``), ``sending``
    (claimed by a worker until ``next_attempt_at``, its lease), ``delivered`` or ``failed``
    (retries exhausted). ``object_key`` and ``event_id`` keep deliveries of one object in
    order."""

    __tablename__ = "webhook_deliveries"

    endpoint_id: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[int] = mapped_column(BigInteger)
    object_key: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_response_code: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "endpoint_id"],
            ["webhook_endpoints.account_id", "webhook_endpoints.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(["account_id", "event_id"], ["events.account_id", "events.id"]),
        Index("uq_webhook_deliveries_account_id_uuid", "account_id", "uuid", unique=True),
        Index(
            "uq_webhook_deliveries_account_id_endpoint_id_event_id",
            "account_id",
            "endpoint_id",
            "event_id",
            unique=True,
        ),
        Index(
            "ix_webhook_deliveries_account_id_endpoint_id_object_key",
            "account_id",
            "endpoint_id",
            "object_key",
        ),
        Index(
            "ix_webhook_deliveries_account_id_due",
            "account_id",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
    )


class WebhookAttempt(TenantRow, Base):
    """One POST of a delivery: how it went, how long it took, what the receiver answered."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12))  # succeeded | failed
    response_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "delivery_id"],
            ["webhook_deliveries.account_id", "webhook_deliveries.id"],
            ondelete="CASCADE",
        ),
        Index("uq_webhook_attempts_account_id_uuid", "account_id", "uuid", unique=True),
        Index("ix_webhook_attempts_account_id_delivery_id", "account_id", "delivery_id"),
    )
