"""The account's catalogue: clients, products, taxes (versioned), series, payment methods and
due-date terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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

from invoicegraph.db.account_ids import count_per_account
from invoicegraph.db.base import AccountCountedRow, Base, TenantRow, utcnow
from invoicegraph.db.types import Percentage, UnitPrice, UTCDateTime


@count_per_account
class Client(AccountCountedRow, Base):
    """A recipient of invoices (the seeds also say *contact*)."""

    __tablename__ = "clients"

    name: Mapped[str] = mapped_column(String(255))
    tax_id: Mapped[str | None] = mapped_column(String(32))  # compact, validated form
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str | None] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), default="ES")
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("uq_clients_account_id_uuid", "account_id", "uuid", unique=True),
        # find-or-create by tax id is race-safe because the database refuses a second row
        Index(
            "uq_clients_account_id_tax_id",
            "account_id",
            "tax_id",
            unique=True,
            postgresql_where=text("tax_id IS NOT NULL"),
            sqlite_where=text("tax_id IS NOT NULL"),
        ),
        Index("ix_clients_account_id_name", "account_id", "name"),
    )


@count_per_account
class Tax(AccountCountedRow, Base):
    """A tax of the catalogue. Its rate lives in versions: a rate change adds a version and
    issued lines keep the version they were issued with."""

    __tablename__ = "taxes"

    kind: Mapped[str] = mapped_column(String(12))  # vat | withholding | surcharge
    name: Mapped[str] = mapped_column(String(120))
    current_version_id: Mapped[int | None] = mapped_column(BigInteger)
    # fiscal codes used by VERI*FACTU and e-invoices
    impuesto: Mapped[str] = mapped_column(String(2), default="01")
    regime_key: Mapped[str] = mapped_column(String(2), default="01")
    qualification: Mapped[str] = mapped_column(String(2), default="S1")
    exemption_code: Mapped[str | None] = mapped_column(String(2))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("uq_taxes_account_id_uuid", "account_id", "uuid", unique=True),)


class TaxVersion(TenantRow, Base):
    """An immutable rate of a tax, valid from a date."""

    __tablename__ = "tax_versions"

    tax_id: Mapped[int] = mapped_column(BigInteger)
    percentage: Mapped[Decimal] = mapped_column(Percentage)
    valid_from: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "tax_id"], ["taxes.account_id", "taxes.id"], ondelete="CASCADE"
        ),
        Index("uq_tax_versions_account_id_uuid", "account_id", "uuid", unique=True),
        Index("ix_tax_versions_account_id_tax_id", "account_id", "tax_id"),
    )


@count_per_account
class Product(AccountCountedRow, Base):
    __tablename__ = "products"

    sku: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(500))
    price: Mapped[Decimal] = mapped_column(UnitPrice)
    discount: Mapped[Decimal] = mapped_column(Percentage, default=Decimal("0"))
    tax_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("uq_products_account_id_uuid", "account_id", "uuid", unique=True),
        Index("ix_products_account_id_sku", "account_id", "sku"),
    )


@count_per_account
class Series(AccountCountedRow, Base):
    """A numbering series. ``last_number``/``last_issue_date`` are advanced under a row lock in
    the issuing transaction, so numbers are gapless and in issue order."""

    __tablename__ = "series"

    code: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(16))  # ordinary | rectificative | simplified
    name: Mapped[str] = mapped_column(String(120), default="")
    number_format: Mapped[str] = mapped_column(String(64), default="{code}{number}")
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    last_issue_date: Mapped[dt.date | None] = mapped_column(Date)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("uq_series_account_id_uuid", "account_id", "uuid", unique=True),
        Index("uq_series_account_id_code", "account_id", "code", unique=True),
    )


@count_per_account
class PaymentMethod(AccountCountedRow, Base):
    __tablename__ = "payment_methods"

    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="bank_transfer")
    description: Mapped[str] = mapped_column(String(500), default="")
    iban: Mapped[str | None] = mapped_column(String(34))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        Index("uq_payment_methods_account_id_uuid", "account_id", "uuid", unique=True),
    )


@count_per_account
class DueDateTerm(AccountCountedRow, Base):
    __tablename__ = "due_date_terms"

    name: Mapped[str] = mapped_column(String(120))
    days: Mapped[int] = mapped_column(Integer)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        Index("uq_due_date_terms_account_id_uuid", "account_id", "uuid", unique=True),
    )
