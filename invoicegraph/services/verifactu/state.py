"""The ``e_invoicing`` block the faces show on an invoice, and its QR URL.

The block answers "where is this invoice with the tax agency?": whether the agency has
answered (``processed``), whether that answer was a problem (``on_error``: rejected, or
accepted with errors) and the link anyone can follow to check the invoice at the agency. A list
of invoices costs one query whatever its length, so the faces can fill the block for a page of
invoices (or a DataLoader batch) at once. Invoices of accounts with VERI*FACTU off have no block.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, String, and_, any_, bindparam, column, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, VerifactuRecord, VerifactuSubmission
from invoicegraph.domain.verifactu.qr import build_qr_url
from invoicegraph.services.verifactu.stored import ALTA

ANSWERED = frozenset({"accepted", "accepted_with_errors", "rejected"})
PROBLEMS = frozenset({"accepted_with_errors", "rejected"})


@dataclass(frozen=True, slots=True)
class EInvoicing:
    """An invoice's VERI*FACTU state. ``status`` is the outbox's (pending, sending, accepted,
    accepted_with_errors, rejected); ``code`` and ``message`` are the agency's last word."""

    processed: bool
    on_error: bool
    external_link: str | None
    status: str
    code: str | None = None
    message: str | None = None
    system: str = "VERIFACTU"
    country: str = "ES"

    def as_block(self) -> dict[str, Any]:
        """The ``e_invoicing`` object of the /v1 dialect, key for key."""
        return {
            "system": self.system,
            "country": self.country,
            "processed": self.processed,
            "on_error": self.on_error,
            "external_link": self.external_link,
        }


def qr_url_for(record: VerifactuRecord, account: Account) -> str:
    """The check URL of the invoice a registration record registers.

    Sandbox accounts (where test keys work) point at the agency's test host, live accounts at
    production. A cancellation record has no QR code: it has no amount to check.
    """
    if record.record_type != ALTA or record.total_amount is None:
        raise ValueError("only a registration record has a QR code")
    return build_qr_url(
        record.issuer_tax_id,
        record.invoice_number,
        record.invoice_date,
        record.total_amount,
        test_mode=account.is_sandbox,
    )


def _invoice_id_in(session: AsyncSession, ids: Collection[int]) -> Any:
    """``invoice_id`` in ``ids`` with a single bound parameter, so any number of ids fits in
    one statement (an expanded ``IN`` would bind one parameter per id)."""
    values = sorted(set(ids))
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam("invoice_ids", values, type_=ARRAY(BigInteger))
        return VerifactuRecord.invoice_id == any_(array)
    as_json = bindparam("invoice_ids", json.dumps(values), type_=String())
    listed = select(column("value", BigInteger)).select_from(func.json_each(as_json))
    return VerifactuRecord.invoice_id.in_(listed)


async def e_invoicing_states(
    session: AsyncSession, account: Account, invoice_ids: Collection[int]
) -> dict[int, EInvoicing]:
    """The block of each invoice that has a record, in one query; absent for the others."""
    if not account.verifactu_enabled or not invoice_ids:
        return {}
    rows = await session.execute(
        select(
            VerifactuRecord.invoice_id,
            VerifactuRecord.record_type,
            VerifactuRecord.issuer_tax_id,
            VerifactuRecord.invoice_number,
            VerifactuRecord.invoice_date,
            VerifactuRecord.total_amount,
            VerifactuSubmission.status,
            VerifactuSubmission.response_code,
            VerifactuSubmission.response_message,
        )
        .outerjoin(
            VerifactuSubmission,
            and_(
                VerifactuSubmission.account_id == VerifactuRecord.account_id,
                VerifactuSubmission.record_id == VerifactuRecord.id,
            ),
        )
        .where(VerifactuRecord.account_id == account.id, _invoice_id_in(session, invoice_ids))
        .order_by(VerifactuRecord.invoice_id, VerifactuRecord.chain_position)
    )
    links: dict[int, str] = {}
    latest: dict[int, RowMapping] = {}
    for row in rows.mappings():
        invoice_id = row["invoice_id"]
        latest[invoice_id] = row  # the newest record (an annulled invoice: its cancellation)
        if row["record_type"] == ALTA and row["total_amount"] is not None:
            links[invoice_id] = build_qr_url(
                row["issuer_tax_id"],
                row["invoice_number"],
                row["invoice_date"],
                row["total_amount"],
                test_mode=account.is_sandbox,
            )
    states: dict[int, EInvoicing] = {}
    for invoice_id, row in latest.items():
        status = row["status"] or "pending"
        states[invoice_id] = EInvoicing(
            processed=status in ANSWERED,
            on_error=status in PROBLEMS,
            external_link=links.get(invoice_id),
            status=status,
            code=row["response_code"],
            message=row["response_message"],
        )
    return states
