"""Stored documents of an issued invoice (its PDF, e-invoices) and when to forget them."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, InvoiceDocumentFile


async def forget_rendered(session: AsyncSession, account: Account, invoice_id: int) -> None:
    """An issued invoice's documents are rendered once and kept; a change to something they
    print (presentation, due date, payment method or date, reference) renders them again on
    the next download. Joins the caller's transaction."""
    await session.execute(
        delete(InvoiceDocumentFile).where(
            InvoiceDocumentFile.account_id == account.id,
            InvoiceDocumentFile.invoice_id == invoice_id,
        )
    )
