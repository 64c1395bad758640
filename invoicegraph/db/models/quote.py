"""Quotes: lines like invoices, convertible into a draft invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from invoicegraph.db.account_ids import count_per_account
from invoicegraph.db.base import AccountCountedRow, Base, TenantRow, utcnow
from invoicegraph.db.models.invoice import DocumentTotals, PrintSettings
from invoicegraph.db.types import Money, Percentage, Quantity, Rate, UnitPrice, UTCDateTime


@count_per_account
class Quote(AccountCountedRow, DocumentTotals, PrintSettings, Base):
    __tablename__ = "quotes"

    status: Mapped[str] = mapped_column(String(10), default="draft")
    name: Mapped[str | None] = mapped_column(String(255))
    client_id: Mapped[int | None] = mapped_column(BigInteger)
    date: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    exchange_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("1"))
    notes: Mapped[str | None] = mapped_column(Text)
    external_reference: Mapped[str | None] = mapped_column(String(255))
    converted_invoice_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[QuoteLine]] = relationship(
        back_populates="quote",
        order_by="QuoteLine.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise_on_sql",
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'sent', 'accepted', 'rejected', 'converted')", name="status"
        ),
        ForeignKeyConstraint(["account_id", "client_id"], ["clients.account_id", "clients.id"]),
        Index("uq_quotes_account_id_uuid", "account_id", "uuid", unique=True),
        Index("ix_quotes_account_id_date_id", "account_id", "date", "id"),
        Index("ix_quotes_account_id_external_reference", "account_id", "external_reference"),
    )


class QuoteLine(TenantRow, Base):
    __tablename__ = "quote_lines"

    quote_id: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(BigInteger)
    sku: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    price: Mapped[Decimal] = mapped_column(UnitPrice)
    discount: Mapped[Decimal] = mapped_column(Percentage, default=Decimal("0"))
    subtotal: Mapped[Decimal] = mapped_column(Money)
    total_discount: Mapped[Decimal] = mapped_column(Money)
    total_before_taxes: Mapped[Decimal] = mapped_column(Money)
    total_taxes: Mapped[Decimal] = mapped_column(Money)
    total_with_taxes: Mapped[Decimal] = mapped_column(Money)

    quote: Mapped[Quote] = relationship(back_populates="lines")
    taxes: Mapped[list[QuoteLineTax]] = relationship(
        back_populates="line",
        order_by="QuoteLineTax.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise_on_sql",
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "quote_id"], ["quotes.account_id", "quotes.id"], ondelete="CASCADE"
        ),
        Index("ix_quote_lines_account_id_quote_id", "account_id", "quote_id", "position"),
    )


class QuoteLineTax(TenantRow, Base):
    __tablename__ = "quote_line_taxes"

    line_id: Mapped[int] = mapped_column(BigInteger)
    quote_id: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer, default=0)
    tax_id: Mapped[int | None] = mapped_column(BigInteger)
    tax_version_id: Mapped[int | None] = mapped_column(BigInteger)
    tax_version_uuid: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    percentage: Mapped[Decimal] = mapped_column(Percentage)
    base: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)

    line: Mapped[QuoteLine] = relationship(back_populates="taxes")

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "line_id"],
            ["quote_lines.account_id", "quote_lines.id"],
            ondelete="CASCADE",
        ),
        Index("ix_quote_line_taxes_account_id_line_id", "account_id", "line_id"),
    )
