"""The outbox of events: one row per change that matters to an integration, written in the
transaction that makes the change, so an event exists exactly when its change committed."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod

from sqlalchemy import BigInteger, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from invoicegraph.db.base import Base, TenantRow
from invoicegraph.db.types import UTCDateTime


class Event(TenantRow, Base):
    """``uuid`` is the event's public id (receivers de-duplicate on it); ``id`` orders the
    account's events. ``payload`` holds what only the moment of the change knows (a deleted
    object as it was, the agency's answer); ``body`` is the delivered JSON, built once when
    the worker first hands the event to the account's endpoints, so every endpoint and every
    retry receives the same bytes."""

    __tablename__ = "events"

    type: Mapped[str] = mapped_column(String(40))
    object_kind: Mapped[str] = mapped_column(String(20))  # invoice | quote | client | …
    object_id: Mapped[int] = mapped_column(BigInteger)
    object_uuid: Mapped[uuid_mod.UUID] = mapped_column(Uuid)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    body: Mapped[str | None] = mapped_column(Text)
    fanned_out_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("uq_events_account_id_uuid", "account_id", "uuid", unique=True),
        Index("ix_events_account_id_object", "account_id", "object_kind", "object_id"),
        Index(
            "ix_events_account_id_unfanned",
            "account_id",
            "id",
            postgresql_where=text("fanned_out_at IS NULL"),
            sqlite_where=text("fanned_out_at IS NULL"),
        ),
    )
