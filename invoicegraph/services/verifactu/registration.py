"""Registering invoices in the account's chain: one record per issued or annulled invoice.

Both functions run *inside the caller's transaction* (issuing, annulling) and never open their
own: the record, its outbox row and the invoice change commit or roll back together, so there
is never an issued invoice without its record nor a record of an invoice that was not issued.

The chain is serialised per account. On PostgreSQL the account row is locked with
``FOR NO KEY UPDATE`` — not ``FOR UPDATE``, which would also conflict with the ``KEY SHARE``
locks that every foreign-key check on the account takes, and deadlock two transactions that had
each inserted a row of the account before asking for the lock. On SQLite the transaction
already holds the database's write lock (``BEGIN IMMEDIATE``). Under the lock, the record with
the highest ``chain_position`` is the previous one, and the generation time is taken no earlier
than it: clocks of different servers may disagree, the chain's timestamps may not go back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Invoice, VerifactuRecord, VerifactuSubmission
from invoicegraph.domain.verifactu.codes import TipoRectificativa
from invoicegraph.domain.verifactu.fingerprint import seal
from invoicegraph.domain.verifactu.records import (
    ChainLink,
    Registro,
    RegistroAlta,
    RegistroAnulacion,
    SistemaInformatico,
    compute_cuota_total,
    compute_importe_total,
)
from invoicegraph.services.verifactu import alta_fields
from invoicegraph.services.verifactu.stored import ALTA, record_row
from invoicegraph.services.verifactu.system import invoicing_system


async def lock_chain(session: AsyncSession, account: Account) -> None:
    """Serialise record generation for ``account`` until the transaction ends."""
    # SQLite renders no locking clause: its BEGIN IMMEDIATE already serialises writers.
    await session.execute(
        select(Account.id).where(Account.id == account.id).with_for_update(key_share=True)
    )


async def last_record(session: AsyncSession, account: Account) -> VerifactuRecord | None:
    """The account's newest record (the chain's tail); call it under :func:`lock_chain`."""
    record: VerifactuRecord | None = await session.scalar(
        select(VerifactuRecord)
        .where(VerifactuRecord.account_id == account.id)
        .order_by(VerifactuRecord.chain_position.desc())
        .limit(1)
    )
    return record


def generation_time(account: Account, previous: VerifactuRecord | None) -> datetime:
    """Now, in whole seconds in the account's zone, but never before the previous record."""
    zone = ZoneInfo(account.timezone)
    now = datetime.now(zone).replace(microsecond=0)
    if previous is not None and now < previous.generated_at:
        return previous.generated_at.astimezone(zone)
    return now


def _link(previous: VerifactuRecord | None) -> ChainLink | None:
    if previous is None:
        return None
    return ChainLink(
        previous.issuer_tax_id, previous.invoice_number, previous.invoice_date, previous.fingerprint
    )


async def _append(
    session: AsyncSession,
    account: Account,
    invoice: Invoice,
    record: Registro,
    position: int,
    notes: dict[str, Any] | None = None,
) -> VerifactuRecord:
    """Store a sealed record and its pending outbox row (both inside the caller's transaction)."""
    issuer_name = record.issuer_name if isinstance(record, RegistroAlta) else invoice.issuer_name
    row = record_row(
        record,
        account_id=account.id,
        invoice_id=invoice.id,
        chain_position=position,
        test_mode=account.is_sandbox,
        issuer_name=issuer_name,
        notes=notes,
    )
    session.add(row)
    await session.flush()
    session.add(
        VerifactuSubmission(
            account_id=account.id, record_id=row.id, invoice_id=invoice.id, status="pending"
        )
    )
    await session.flush()
    return row


async def register_issued(
    session: AsyncSession,
    account: Account,
    invoice: Invoice,
    *,
    system: SistemaInformatico | None = None,
) -> VerifactuRecord:
    """Chain a registration record (RegistroAlta) for an invoice that was just issued.

    ``invoice`` must carry its number and its lines with their taxes loaded. Raises
    ``ValidationFailed`` when the invoice cannot be registered (no IVA on a line, no recipient
    tax id on an F1, a currency other than EUR, more than 12 breakdown lines …), which rolls
    the issue back with it.
    """
    system = system or invoicing_system()
    kind = alta_fields.invoice_type(invoice)
    identity = alta_fields.invoice_identity(invoice)
    lines = alta_fields.breakdown(invoice)
    recipient = alta_fields.recipient(invoice, kind)
    rectified = await alta_fields.rectified_identities(session, account, invoice)
    amounts = await alta_fields.rectified_amounts(session, account, invoice)
    await lock_chain(session, account)
    previous = await last_record(session, account)
    operation_date = invoice.operation_date
    record = RegistroAlta(
        issuer_nif=identity.issuer_nif,
        issuer_name=invoice.issuer_name[: alta_fields.NAME_LENGTH],
        number=identity.number,
        issue_date=identity.issue_date,
        invoice_type=kind,
        description=alta_fields.description(invoice),
        lines=lines,
        cuota_total=compute_cuota_total(lines),
        importe_total=compute_importe_total(lines),
        previous=_link(previous),
        generated_at=generation_time(account, previous),
        system=system,
        rectification_type=TipoRectificativa(invoice.rectification_kind or "I")
        if kind.is_rectificative
        else None,
        rectified=rectified,
        rectified_amounts=amounts,
        recipient=recipient,
        operation_date=operation_date if operation_date != invoice.date else None,
    )
    position = 1 if previous is None else previous.chain_position + 1
    return await _append(session, account, invoice, seal(record), position)


async def register_cancellation(
    session: AsyncSession,
    account: Account,
    invoice: Invoice,
    *,
    reason: str | None = None,
    system: SistemaInformatico | None = None,
) -> VerifactuRecord:
    """Chain a cancellation record (RegistroAnulacion) for an invoice being annulled.

    When the invoice has no registration in the chain (it was issued before VERI*FACTU was
    switched on), the record says so (``SinRegistroPrevio``). ``reason`` is kept with the
    record for the account's own history; the agency's record has no place for it.
    """
    system = system or invoicing_system()
    identity = alta_fields.invoice_identity(invoice)
    await lock_chain(session, account)
    registered = await session.scalar(
        select(VerifactuRecord.id).where(
            VerifactuRecord.account_id == account.id,
            VerifactuRecord.invoice_id == invoice.id,
            VerifactuRecord.record_type == ALTA,
        )
    )
    previous = await last_record(session, account)
    record = RegistroAnulacion(
        issuer_nif=identity.issuer_nif,
        number=identity.number,
        issue_date=identity.issue_date,
        previous=_link(previous),
        generated_at=generation_time(account, previous),
        system=system,
        no_prior_record=registered is None,
    )
    position = 1 if previous is None else previous.chain_position + 1
    notes = {"reason": reason} if reason else None
    return await _append(session, account, invoice, seal(record), position, notes)
