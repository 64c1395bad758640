"""VERI*FACTU registration and cancellation records (append-only) and their sending outbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from invoicegraph.db.base import Base, TenantRow, utcnow
from invoicegraph.db.types import Money, UTCDateTime


class VerifactuRecord(TenantRow, Base):
    """One link of the account's chain. Never updated nor deleted (the database refuses it);
    the sending state lives in ``VerifactuSubmission``."""

    __tablename__ = "verifactu_records"

    chain_position: Mapped[int] = mapped_column(Integer)
    record_type: Mapped[str] = mapped_column(String(10))  # alta | anulacion
    invoice_id: Mapped[int] = mapped_column(BigInteger)
    issuer_tax_id: Mapped[str] = mapped_column(String(32))
    issuer_name: Mapped[str] = mapped_column(String(255))
    invoice_number: Mapped[str] = mapped_column(String(64))
    invoice_date: Mapped[dt.date] = mapped_column(Date)
    invoice_type: Mapped[str | None] = mapped_column(String(2))  # F1 F2 F3 R1..R5
    rectification_type: Mapped[str | None] = mapped_column(String(1))  # I | S
    total_tax: Mapped[Decimal | None] = mapped_column(Money)  # CuotaTotal
    total_amount: Mapped[Decimal | None] = mapped_column(Money)  # ImporteTotal
    breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_first: Mapped[bool] = mapped_column(Boolean)
    previous_issuer_tax_id: Mapped[str | None] = mapped_column(String(32))
    previous_invoice_number: Mapped[str | None] = mapped_column(String(64))
    previous_invoice_date: Mapped[dt.date | None] = mapped_column(Date)
    previous_fingerprint: Mapped[str | None] = mapped_column(String(64))
    generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    generated_at_text: Mapped[str] = mapped_column(String(25))  # as hashed, with offset
    fingerprint: Mapped[str] = mapped_column(String(64))
    test_mode: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        ForeignKeyConstraint(["account_id", "invoice_id"], ["invoices.account_id", "invoices.id"]),
        Index(
            "uq_verifactu_records_account_id_chain_position",
            "account_id",
            "chain_position",
            unique=True,
        ),
        Index("uq_verifactu_records_account_id_uuid", "account_id", "uuid", unique=True),
        Index("ix_verifactu_records_account_id_invoice_id", "account_id", "invoice_id"),
    )


class VerifactuSubmission(TenantRow, Base):
    """The outbox row of a record: whether, when and how the agency took it."""

    __tablename__ = "verifactu_submissions"

    record_id: Mapped[int] = mapped_column(BigInteger)
    invoice_id: Mapped[int] = mapped_column(BigInteger)
    # pending | sending | accepted | accepted_with_errors | rejected
    status: Mapped[str] = mapped_column(String(24), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    batch_id: Mapped[str | None] = mapped_column(String(36))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    response_code: Mapped[str | None] = mapped_column(String(16))
    response_message: Mapped[str | None] = mapped_column(Text)
    csv: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "record_id"],
            ["verifactu_records.account_id", "verifactu_records.id"],
        ),
        Index(
            "uq_verifactu_submissions_account_id_record_id",
            "account_id",
            "record_id",
            unique=True,
        ),
        Index(
            "ix_verifactu_submissions_account_id_status_next",
            "account_id",
            "status",
            "next_attempt_at",
        ),
        Index("ix_verifactu_submissions_account_id_invoice_id", "account_id", "invoice_id"),
        Index(
            "ix_verifactu_submissions_account_id_due",
            "account_id",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
    )
