"""Annulling an issued invoice: it was issued by mistake and never happened.

The invoice is not deleted (its number stays used, so the series stays gapless): its status
becomes ``annulled``. With VERI*FACTU on, a cancellation record (RegistroAnulacion) joins the
account's chain in the same transaction. An invoice that is only *wrong* is corrected by a
rectificative invoice instead; one that has live rectificatives cannot be annulled, because
they would then correct an invoice that does not exist.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.base import utcnow
from invoicegraph.db.models import Account, Invoice, InvoiceDocumentFile
from invoicegraph.domain.errors import Conflict, FieldError, ValidationFailed
from invoicegraph.domain.validation import check_text
from invoicegraph.domain.webhooks import EventType
from invoicegraph.services.events import record
from invoicegraph.services.invoices.loading import load_invoice
from invoicegraph.services.invoices.rectifying import refresh_rectified_status
from invoicegraph.services.refs import Ref

# the module, not the name: registration imports services.invoices (through alta_fields), so
# importing registration first must not need this name before registration has defined it
from invoicegraph.services.verifactu import registration

REASON_LENGTH = 500


async def _live_rectificatives(session: AsyncSession, account: Account, invoice: Invoice) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Invoice)
        .where(
            Invoice.account_id == account.id,
            Invoice.rectifies_invoice_id == invoice.id,
            Invoice.status != "annulled",
        )
    )
    return count or 0


async def annul_invoice(
    session: AsyncSession, account: Account, ref: Ref, reason: str | None = None
) -> Invoice:
    """Annul an issued invoice (own transaction); ``Conflict`` for any other state.

    Locks are taken in the order issuing takes them (the invoice, the original it rectifies,
    then the account's chain) so that annulling and issuing never deadlock each other.
    """
    errors: list[FieldError] = []
    reason = check_text(reason, "reason", REASON_LENGTH, errors) or None
    if errors:
        raise ValidationFailed(errors)
    async with session.begin():
        invoice = await load_invoice(session, account, ref, for_update=True)
        if invoice.status == "draft":
            raise Conflict("a draft cannot be annulled; delete it instead", ["status"])
        if invoice.status == "annulled":
            raise Conflict("the invoice is already annulled", ["status"])
        if await _live_rectificatives(session, account, invoice):
            raise Conflict(
                "the invoice has rectificative invoices; annul or delete them first", ["id"]
            )
        invoice.status = "annulled"
        invoice.annulled_at = invoice.updated_at = utcnow()
        invoice.annulment_reason = reason
        # the stored PDF was rendered as issued; the next one is marked annulled
        await session.execute(
            delete(InvoiceDocumentFile).where(
                InvoiceDocumentFile.account_id == account.id,
                InvoiceDocumentFile.invoice_id == invoice.id,
            )
        )
        await session.flush()
        if invoice.is_rectificative and invoice.rectifies_invoice_id is not None:
            # what this rectificative took from the original is available again
            await refresh_rectified_status(session, account, invoice.rectifies_invoice_id)
        await record(session, account, EventType.INVOICE_ANNULLED, invoice)
        if account.verifactu_enabled:
            await registration.register_cancellation(session, account, invoice, reason=reason)
    return invoice
