"""What must hold of an account's books after any fault: nothing half-written, every series
gapless, the VERI*FACTU chain intact."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice, InvoiceLine, Series, VerifactuRecord
from invoicegraph.services.verifactu.stored import ALTA
from invoicegraph.services.verifactu.verify import verify_account_chain


@dataclass
class Books:
    """The account's invoices by UUID (as text) and its series' counters, read in one
    snapshot."""

    invoices: dict[str, Invoice] = field(default_factory=dict)
    last_numbers: dict[int, int] = field(default_factory=dict)

    def issued(self) -> list[Invoice]:
        return [i for i in self.invoices.values() if i.status != "draft"]


async def read_books(session: AsyncSession, account: Account) -> Books:
    books = Books()
    rows = await session.scalars(
        select(Invoice)
        .where(Invoice.account_id == account.id)
        .options(selectinload(Invoice.lines).selectinload(InvoiceLine.taxes))
    )
    books.invoices = {str(invoice.uuid): invoice for invoice in rows}
    for series in await session.scalars(select(Series).where(Series.account_id == account.id)):
        books.last_numbers[series.id] = series.last_number
    return books


def _sum(values: Any) -> Decimal:
    return sum(values, Decimal(0))


def assert_complete(invoice: Invoice) -> None:
    """Lines, their taxes and the totals all made it, and agree with one another."""
    assert invoice.lines, f"{invoice.uuid} has no lines"
    for line in invoice.lines:
        assert line.taxes, f"{invoice.uuid} line {line.id} has no taxes"
        assert line.total_taxes == _sum(t.total for t in line.taxes), line.id
        assert line.total_with_taxes == line.total_before_taxes + line.total_taxes, line.id
    for total in ("subtotal", "total_before_taxes", "total_taxes", "total_with_taxes"):
        assert getattr(invoice, total) == _sum(getattr(line, total) for line in invoice.lines), (
            invoice.uuid,
            total,
        )
    if invoice.status == "draft":
        assert invoice.number is None and invoice.full_number is None, invoice.uuid
    else:
        assert invoice.number and invoice.full_number and invoice.issued_at, invoice.uuid
        assert invoice.series_id is not None, invoice.uuid


async def assert_books_hold(database: Database, account: Account) -> Books:
    """Every invoice complete, every series numbered 1..last_number with no gap and no
    repeat, and (VERI*FACTU on) one record per issued invoice in a chain that verifies."""
    async with database.sessions() as session, session.begin():
        # one snapshot: a transaction of a killed server may still be committing
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        books = await read_books(session, account)
        recorded = list(
            await session.scalars(
                select(VerifactuRecord.invoice_id).where(
                    VerifactuRecord.account_id == account.id, VerifactuRecord.record_type == ALTA
                )
            )
        )
        chain_break = await verify_account_chain(session, account)
    by_series: dict[int, list[int]] = defaultdict(list)
    for invoice in books.invoices.values():
        assert_complete(invoice)
        if invoice.status != "draft":
            assert invoice.series_id is not None and invoice.number is not None
            by_series[invoice.series_id].append(invoice.number)
    for series_id, last in books.last_numbers.items():
        assert sorted(by_series.get(series_id, [])) == list(range(1, last + 1)), (
            f"series {series_id}: numbers {sorted(by_series.get(series_id, []))}, "
            f"last_number {last}"
        )
    assert chain_break is None, chain_break
    if account.verifactu_enabled:
        assert sorted(recorded) == sorted(i.id for i in books.issued())
    return books
