"""Invoices, their lines and the tax snapshot applied to each line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from invoicegraph.db.account_ids import count_per_account
from invoicegraph.db.base import AccountCountedRow, Base, TenantRow, utcnow
from invoicegraph.db.types import Money, Percentage, Quantity, Rate, UnitPrice, UTCDateTime


class PartySnapshot:
    """Issuer and recipient data as they were when the invoice was made (or reloaded)."""

    issuer_name: Mapped[str] = mapped_column(String(255))
    issuer_tax_id: Mapped[str] = mapped_column(String(32))
    issuer_address: Mapped[str | None] = mapped_column(String(255))
    issuer_city: Mapped[str | None] = mapped_column(String(120))
    issuer_province: Mapped[str | None] = mapped_column(String(120))
    issuer_postal_code: Mapped[str | None] = mapped_column(String(20))
    issuer_country: Mapped[str] = mapped_column(String(2))
    recipient_name: Mapped[str | None] = mapped_column(String(255))
    recipient_tax_id: Mapped[str | None] = mapped_column(String(32))
    recipient_address: Mapped[str | None] = mapped_column(String(255))
    recipient_city: Mapped[str | None] = mapped_column(String(120))
    recipient_province: Mapped[str | None] = mapped_column(String(120))
    recipient_postal_code: Mapped[str | None] = mapped_column(String(20))
    recipient_country: Mapped[str | None] = mapped_column(String(2))


class DocumentTotals:
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_before_taxes: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_taxes: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_with_taxes: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class PrintSettings:
    """How the document prints (the /v1 dialect's lang, formats, template and texts)."""

    lang: Mapped[str] = mapped_column(String(5), default="es")
    date_format: Mapped[str] = mapped_column(String(16), default="dd/mm/yyyy")
    money_format: Mapped[str] = mapped_column(String(40), default="symbol_after,point,comma")
    template_id: Mapped[int] = mapped_column(Integer, default=1)
    template_options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    intro_texts: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    close_texts: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


@count_per_account
class Invoice(AccountCountedRow, PartySnapshot, DocumentTotals, PrintSettings, Base):
    """A draft (proforma) until issued; then ordinary, or rectificative when it corrects one.

    Once issued, lines, amounts, parties, currency, date, series and number never change.
    """

    __tablename__ = "invoices"

    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft|issued|annulled
    is_rectificative: Mapped[bool] = mapped_column(Boolean, default=False)
    is_simplified: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(255))
    series_id: Mapped[int | None] = mapped_column(BigInteger)
    number: Mapped[int | None] = mapped_column(Integer)
    full_number: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[dt.date] = mapped_column(Date)
    operation_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date_term_id: Mapped[int | None] = mapped_column(BigInteger)
    payment_method_id: Mapped[int | None] = mapped_column(BigInteger)
    payment_method_text: Mapped[str | None] = mapped_column(String(500))
    client_id: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    exchange_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("1"))
    notes: Mapped[str | None] = mapped_column(Text)  # private, never printed
    external_reference: Mapped[str | None] = mapped_column(String(255))
    # rectification: the original this corrects, the cause (R1-R5) and the reason
    rectifies_invoice_id: Mapped[int | None] = mapped_column(BigInteger)
    rectification_cause: Mapped[str | None] = mapped_column(String(2))
    rectification_kind: Mapped[str | None] = mapped_column(String(1))  # I (differences)
    rectification_reason: Mapped[str | None] = mapped_column(Text)
    # on an original: none | partial | full, what its rectificatives have taken
    rectified_status: Mapped[str] = mapped_column(String(8), default="none")
    # the Orzame dialect issues a new invoice from a proforma; this names the proforma
    issued_from_id: Mapped[int | None] = mapped_column(BigInteger)
    total_vat: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_withholding: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    payed_at: Mapped[dt.date | None] = mapped_column(Date)
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    annulled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    annulment_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice",
        order_by="InvoiceLine.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise_on_sql",
    )

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'issued', 'annulled')", name="status"),
        ForeignKeyConstraint(["account_id", "client_id"], ["clients.account_id", "clients.id"]),
        ForeignKeyConstraint(["account_id", "series_id"], ["series.account_id", "series.id"]),
        ForeignKeyConstraint(
            ["account_id", "rectifies_invoice_id"], ["invoices.account_id", "invoices.id"]
        ),
        Index("uq_invoices_account_id_uuid", "account_id", "uuid", unique=True),
        Index(
            "uq_invoices_account_id_series_id_number",
            "account_id",
            "series_id",
            "number",
            unique=True,
        ),
        Index("ix_invoices_account_id_date_id", "account_id", "date", "id"),
        Index("ix_invoices_account_id_client_id", "account_id", "client_id"),
        Index("ix_invoices_account_id_external_reference", "account_id", "external_reference"),
        Index("ix_invoices_account_id_rectifies_invoice_id", "account_id", "rectifies_invoice_id"),
        Index("ix_invoices_account_id_status_payed_at", "account_id", "status", "payed_at"),
        Index("ix_invoices_account_id_due_date", "account_id", "due_date"),
        Index("ix_invoices_account_id_total_with_taxes", "account_id", "total_with_taxes"),
    )


@count_per_account
class InvoiceLine(AccountCountedRow, Base):
    __tablename__ = "invoice_lines"

    invoice_id: Mapped[int] = mapped_column(BigInteger)
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
    # on a rectificative line: the original line it negates
    rectifies_line_id: Mapped[int | None] = mapped_column(BigInteger)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    taxes: Mapped[list[InvoiceLineTax]] = relationship(
        back_populates="line",
        order_by="InvoiceLineTax.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise_on_sql",
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "invoice_id"],
            ["invoices.account_id", "invoices.id"],
            ondelete="CASCADE",
        ),
        Index("ix_invoice_lines_account_id_invoice_id", "account_id", "invoice_id", "position"),
        Index("ix_invoice_lines_account_id_rectifies_line_id", "account_id", "rectifies_line_id"),
    )


class InvoiceLineTax(TenantRow, Base):
    """The tax version applied to a line, snapshotted: a later rate change never touches it."""

    __tablename__ = "invoice_line_taxes"

    line_id: Mapped[int] = mapped_column(BigInteger)
    invoice_id: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer, default=0)
    tax_id: Mapped[int | None] = mapped_column(BigInteger)
    tax_version_id: Mapped[int | None] = mapped_column(BigInteger)
    tax_version_uuid: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    percentage: Mapped[Decimal] = mapped_column(Percentage)
    base: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    impuesto: Mapped[str] = mapped_column(String(2), default="01")
    regime_key: Mapped[str] = mapped_column(String(2), default="01")
    qualification: Mapped[str] = mapped_column(String(2), default="S1")
    exemption_code: Mapped[str | None] = mapped_column(String(2))

    line: Mapped[InvoiceLine] = relationship(back_populates="taxes")

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "line_id"],
            ["invoice_lines.account_id", "invoice_lines.id"],
            ondelete="CASCADE",
        ),
        Index("ix_invoice_line_taxes_account_id_line_id", "account_id", "line_id"),
        Index("ix_invoice_line_taxes_account_id_invoice_id", "account_id", "invoice_id"),
    )


class InvoiceDocumentFile(TenantRow, Base):
    """A rendered document of an issued invoice (PDF, e-invoice), stored after the first render
    because an issued invoice never changes."""

    __tablename__ = "invoice_documents"

    invoice_id: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(16))  # pdf | facturx | ubl | facturae
    media_type: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "invoice_id"],
            ["invoices.account_id", "invoices.id"],
            ondelete="CASCADE",
        ),
        Index(
            "uq_invoice_documents_account_id_invoice_id_format",
            "account_id",
            "invoice_id",
            "format",
            unique=True,
        ),
    )
