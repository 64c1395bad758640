"""Loading an account's invoice with its lines and line taxes."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from invoicegraph.db.models import Account, Invoice, InvoiceLine
from invoicegraph.domain.errors import NotFound
from invoicegraph.services.refs import Ref, ref_filter

WITH_LINES = selectinload(Invoice.lines).selectinload(InvoiceLine.taxes)


async def load_invoice(
    session: AsyncSession, account: Account, ref: Ref, *, for_update: bool = False
) -> Invoice:
    if isinstance(ref, bool) or (isinstance(ref, int) and not 0 < ref < 2**63):
        raise NotFound("invoice", ref)
    if not isinstance(ref, int | uuid.UUID):
        raise NotFound("invoice", ref)
    statement = select(Invoice).where(*ref_filter(Invoice, account, ref)).options(WITH_LINES)
    if for_update:
        statement = statement.with_for_update(of=Invoice)
    invoice = await session.scalar(statement.execution_options(populate_existing=True))
    if invoice is None:
        raise NotFound("invoice", ref)
    return invoice


def account_today(account: Account) -> dt.date:
    """Today where the business is: an invoice dated "today" in Madrid is not tomorrow's."""
    return dt.datetime.now(ZoneInfo(account.timezone)).date()
