"""Verifying an account's stored chain, page by page, trusting nothing stored about it.

Each row is rebuilt into the record it claims to be and handed to the domain's
:func:`~invoicegraph.domain.verifactu.chain.verify_chain`, which recomputes every fingerprint,
compares every link and checks that time never goes backwards. What no fingerprint covers is
checked too (:mod:`.audit`): each record against the invoice it registers and against the XML
it would send. Pages keep memory flat for a chain of millions of records; each page continues
from the last record of the one before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Invoice, VerifactuRecord
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.verifactu.chain import ChainBreak, ChainProblem, verify_chain
from invoicegraph.domain.verifactu.codes import TipoOperacion
from invoicegraph.domain.verifactu.records import InvoiceId, Registro
from invoicegraph.services.invoices.loading import attach_lines
from invoicegraph.services.verifactu.audit import invoice_mismatch, xml_mismatch
from invoicegraph.services.verifactu.stored import ALTA, registro_from_row

PAGE_SIZE = 500


def _unreadable(row: VerifactuRecord, detail: str) -> ChainBreak:
    """A row whose fields no longer form a record: its fingerprint cannot hold either."""
    operation = TipoOperacion.ALTA if row.record_type == ALTA else TipoOperacion.ANULACION
    return ChainBreak(
        index=row.chain_position,
        operation=operation,
        invoice=InvoiceId(row.issuer_tax_id, row.invoice_number, row.invoice_date),
        problem=ChainProblem.FINGERPRINT_MISMATCH,
        detail=detail,
    )


def _rebuild(row: VerifactuRecord) -> Registro | ChainBreak:
    try:
        record = registro_from_row(row)
    except (ValidationFailed, ValueError, KeyError, TypeError) as exc:
        return _unreadable(row, f"the stored fields do not form a record: {exc}")
    if record.generated_at != row.generated_at:
        # the hashed text is what counts; a disagreeing column means someone edited one
        return _unreadable(row, f"generated_at {row.generated_at} is not {row.generated_at_text}")
    return record


@dataclass(frozen=True, slots=True)
class _PageInvoices:
    invoices: dict[int, Invoice]  # by id: the page's invoices, with their lines
    identities: dict[int, InvoiceId]  # by id: each rectified original's identity
    replaced: dict[int, Invoice]  # by id: each original a substitution replaces, with lines


async def _invoices_of(
    session: AsyncSession, account: Account, rows: Sequence[VerifactuRecord]
) -> _PageInvoices:
    """The page's invoices with their lines, the identity of each rectified original and, for
    a substitution, the original itself (its amounts are the record's ImporteRectificacion)."""
    ids = sorted({row.invoice_id for row in rows})
    invoices = list(
        await session.scalars(
            select(Invoice)
            .where(Invoice.account_id == account.id, Invoice.id.in_(ids))
            .execution_options(populate_existing=True)
        )
    )
    await attach_lines(session, account, invoices)
    originals = sorted({i.rectifies_invoice_id for i in invoices if i.rectifies_invoice_id})
    identities: dict[int, InvoiceId] = {}
    if originals:
        found = await session.execute(
            select(Invoice.id, Invoice.issuer_tax_id, Invoice.full_number, Invoice.date).where(
                Invoice.account_id == account.id, Invoice.id.in_(originals)
            )
        )
        for row in found:
            if row.full_number is not None:
                identities[row.id] = InvoiceId(row.issuer_tax_id, row.full_number, row.date)
    substituted = sorted(
        {
            i.rectifies_invoice_id
            for i in invoices
            if i.rectifies_invoice_id and i.rectification_kind == "S"
        }
    )
    replaced: list[Invoice] = []
    if substituted:
        replaced = list(
            await session.scalars(
                select(Invoice)
                .where(Invoice.account_id == account.id, Invoice.id.in_(substituted))
                .execution_options(populate_existing=True)
            )
        )
        await attach_lines(session, account, replaced)
    return _PageInvoices(
        {invoice.id: invoice for invoice in invoices},
        identities,
        {invoice.id: invoice for invoice in replaced},
    )


def _audit(
    rows: Sequence[VerifactuRecord], records: list[Registro], page: _PageInvoices
) -> ChainBreak | None:
    """The first record that disagrees with its XML or with its invoice."""
    for row, record in zip(rows, records, strict=False):
        detail = xml_mismatch(row, record)
        problem = ChainProblem.XML_MISMATCH
        if detail is None:
            invoice = page.invoices.get(row.invoice_id)
            original = None if invoice is None else invoice.rectifies_invoice_id
            rectified = (page.identities[original],) if original in page.identities else ()
            replaced = None if original is None else page.replaced.get(original)
            detail = invoice_mismatch(row, record, invoice, rectified, replaced)
            problem = ChainProblem.INVOICE_MISMATCH
        if detail is not None:
            return ChainBreak(
                index=row.chain_position,
                operation=record.operation,
                invoice=record.invoice_id,
                problem=problem,
                detail=detail,
            )
    return None


async def verify_account_chain(
    session: AsyncSession, account: Account, *, page_size: int = PAGE_SIZE
) -> ChainBreak | None:
    """The first break in the account's chain, or ``None`` when it holds.

    The break's ``index`` is the ``chain_position`` of the offending record (the first record
    is position 1). Records generated in the future count as a break.
    """
    now = dt.datetime.now(dt.UTC)
    after: Registro | None = None
    last_position = 0
    while True:
        rows = (
            await session.scalars(
                select(VerifactuRecord)
                .where(
                    VerifactuRecord.account_id == account.id,
                    VerifactuRecord.chain_position > last_position,
                )
                .order_by(VerifactuRecord.chain_position)
                .limit(page_size)
            )
        ).all()
        if not rows:
            return None
        records: list[Registro] = []
        unreadable: ChainBreak | None = None
        for row in rows:
            rebuilt = _rebuild(row)
            if isinstance(rebuilt, ChainBreak):
                unreadable = rebuilt
                break
            records.append(rebuilt)
        found = verify_chain(records, after=after, now=now)
        if found is not None:
            found = replace(found, index=rows[found.index].chain_position)
        audited = _audit(rows, records, await _invoices_of(session, account, rows))
        if audited is not None and (found is None or audited.index < found.index):
            return audited
        if found is not None:
            return found
        if unreadable is not None:
            return unreadable
        after = records[-1]
        last_position = rows[-1].chain_position
        session.expunge_all()  # keep memory flat on long chains
