"""Accounts (tenants) and their API keys."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Identity,
    Index,
    String,
    Table,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from invoicegraph.db.account_ids import COUNTERS
from invoicegraph.db.base import Base, TenantRow, utcnow
from invoicegraph.db.types import UTCDateTime

LIVE = "NOT is_sandbox"


class Account(Base):
    """One issuing company. A live account owns one sandbox account (``is_sandbox``) that test
    keys work on, so test data never mixes with live data yet shares the company's identity."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    uuid: Mapped[uuid_mod.UUID] = mapped_column(Uuid, default=uuid_mod.uuid4, unique=True)
    live_account_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    is_sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(255))  # legal name
    trade_name: Mapped[str | None] = mapped_column(String(255))
    tax_id: Mapped[str] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str | None] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), default="ES")
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    iban: Mapped[str | None] = mapped_column(String(34))
    brand_color: Mapped[str | None] = mapped_column(String(7))
    plan: Mapped[str] = mapped_column(String(20), default="free")
    verifactu_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Madrid")
    default_lang: Mapped[str] = mapped_column(String(5), default="es")
    default_currency: Mapped[str] = mapped_column(String(3), default="EUR")
    default_date_format: Mapped[str] = mapped_column(
        String(16), default="dd/mm/yyyy", server_default="dd/mm/yyyy"
    )
    default_money_format: Mapped[str] = mapped_column(
        String(40), default="symbol_after,point,comma", server_default="symbol_after,point,comma"
    )
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # one taxpayer, one numbering, one VERI*FACTU chain: a live tax id is unique on the
        # installation; each sandbox twin repeats its live account's tax id
        Index(
            "uq_accounts_live_tax_id",
            "tax_id",
            unique=True,
            postgresql_where=text(LIVE),
            sqlite_where=text(LIVE),
        ),
    )


# the last integer id given per account and table (``invoicegraph.db.account_ids``); only
# SQL statements and the PostgreSQL trigger touch it
account_counters = Table(
    COUNTERS,
    Base.metadata,
    Column(
        "account_id",
        BigInteger,
        ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("table_name", String(40), primary_key=True),
    Column("last_id", BigInteger, nullable=False),
)


class ApiKey(TenantRow, Base):
    """An API key. Only a SHA-256 of the secret is stored; the key text is shown once.

    Keys always belong to the live account; ``mode`` says whether they work on it or on its
    sandbox. The key text names its account so resolution is one indexed lookup that leads
    with the account, like every other index.
    """

    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(120), default="")
    mode: Mapped[str] = mapped_column(String(4))  # live | test
    access: Mapped[str] = mapped_column(String(5))  # read | write | admin
    secret_hash: Mapped[str] = mapped_column(String(64))
    hint: Mapped[str] = mapped_column(String(16))  # last characters, to recognise a key
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("uq_api_keys_account_id_secret_hash", "account_id", "secret_hash", unique=True),
        Index("uq_api_keys_account_id_uuid", "account_id", "uuid", unique=True),
    )
