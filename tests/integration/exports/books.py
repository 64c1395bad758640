"""Many issued invoices at once, for the streaming tests: copies of one invoice issued through
the services (its lines and line taxes too), inserted in batches with numbers after it. Going
through ``issue_invoice`` thousands of times would measure the tests' patience, not exports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice, InvoiceLine, InvoiceLineTax

from ..conftest_helpers import with_counted_ids

BATCH = 500
_FRESH = {"id", "uuid", "created_at"}


def _copy(row: Any, table: Any, **changes: Any) -> dict[str, Any]:
    values = {c.key: getattr(row, c.key) for c in table.columns if c.key not in _FRESH}
    values.update(changes)
    return values


async def copy_issued(
    database: Database, account: Account, template_id: int, count: int, *, after: int = 0
) -> None:
    """``count`` copies of issued invoice ``template_id``, numbered after it and after the
    ``after`` copies made before."""
    async with database.sessions() as session, session.begin():
        template = await session.scalar(
            select(Invoice).where(Invoice.account_id == account.id, Invoice.id == template_id)
        )
        assert template is not None and template.number is not None
        lines = list(
            await session.scalars(
                select(InvoiceLine).where(
                    InvoiceLine.account_id == account.id, InvoiceLine.invoice_id == template_id
                )
            )
        )
        taxes = list(
            await session.scalars(
                select(InvoiceLineTax).where(
                    InvoiceLineTax.account_id == account.id,
                    InvoiceLineTax.invoice_id == template_id,
                )
            )
        )
        for start in range(0, count, BATCH):
            numbers = range(after + start + 1, after + min(count, start + BATCH) + 1)
            ids = list(
                await session.scalars(
                    insert(Invoice).returning(Invoice.id, sort_by_parameter_order=True),
                    await with_counted_ids(
                        session,
                        "invoices",
                        account.id,
                        [
                            _copy(
                                template,
                                Invoice.__table__,
                                number=template.number + n,
                                full_number=f"{template.full_number}-{n}",
                            )
                            for n in numbers
                        ],
                    ),
                )
            )
            for line in lines:
                line_ids = list(
                    await session.scalars(
                        insert(InvoiceLine).returning(InvoiceLine.id, sort_by_parameter_order=True),
                        await with_counted_ids(
                            session,
                            "invoice_lines",
                            account.id,
                            [_copy(line, InvoiceLine.__table__, invoice_id=i) for i in ids],
                        ),
                    )
                )
                for tax in (t for t in taxes if t.line_id == line.id):
                    await session.execute(
                        insert(InvoiceLineTax),
                        [
                            _copy(tax, InvoiceLineTax.__table__, invoice_id=i, line_id=line_id)
                            for i, line_id in zip(ids, line_ids, strict=True)
                        ],
                    )
