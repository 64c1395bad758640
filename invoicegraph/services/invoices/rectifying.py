"""Rectificative invoices: full (negate what every line still has) or partial (the items the
client names, capped by what earlier rectifications of the same original left)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from invoicegraph.db.models import Account, Invoice, InvoiceLine
from invoicegraph.domain.errors import Conflict, FieldError, ValidationFailed
from invoicegraph.domain.money import closing_negation
from invoicegraph.domain.rectification import (
    Negation,
    OriginalLine,
    RectificationItem,
    check_cause,
    full_negation,
    partial_negation,
    rectified_status,
)
from invoicegraph.domain.validation import check_text
from invoicegraph.domain.webhooks import EventType
from invoicegraph.services.events import record
from invoicegraph.services.invoices.issuing import IssueOptions, issue_locked, reprice
from invoicegraph.services.invoices.loading import account_today, load_invoice
from invoicegraph.services.invoices.snapshots import copy_parties, stored_figures, write_lines
from invoicegraph.services.lines import PricedLine
from invoicegraph.services.refs import Ref


@dataclass(frozen=True, slots=True)
class RectifyOptions:
    """``items`` None = full rectification. ``issue`` set = issue at once (the /v1 form);
    otherwise the rectificative is a draft to issue later (the /api form)."""

    items: Sequence[RectificationItem] | None = None
    cause: str | None = None
    reason: str | None = None
    issue: IssueOptions | None = None


async def _earlier_rectifications(
    session: AsyncSession, account: Account, original: Invoice
) -> dict[int, list[InvoiceLine]]:
    """The lines every rectificative (draft or issued, not annulled) already took from each
    line of ``original``, keyed by the original line."""
    rows = await session.scalars(
        select(InvoiceLine)
        .join(
            Invoice,
            (Invoice.account_id == InvoiceLine.account_id) & (Invoice.id == InvoiceLine.invoice_id),
        )
        .where(
            InvoiceLine.account_id == account.id,
            Invoice.rectifies_invoice_id == original.id,
            Invoice.status != "annulled",
            InvoiceLine.rectifies_line_id.is_not(None),
        )
        .options(selectinload(InvoiceLine.taxes))
    )
    earlier: dict[int, list[InvoiceLine]] = {}
    for row in rows:
        assert row.rectifies_line_id is not None
        earlier.setdefault(row.rectifies_line_id, []).append(row)
    return earlier


def _original_lines(original: Invoice, earlier: dict[int, list[InvoiceLine]]) -> list[OriginalLine]:
    return [
        OriginalLine(
            id=line.id,
            description=line.description,
            reference=line.reference,
            quantity=line.quantity,
            # rectificative lines are negative: what they took back is the opposite
            already_rectified=-sum((r.quantity for r in earlier.get(line.id, [])), Decimal(0)),
        )
        for line in original.lines
    ]


def _negated(
    line: InvoiceLine, negation: Negation, remaining: Decimal, earlier: list[InvoiceLine]
) -> PricedLine:
    """The rectificative line: priced on its quantity, except the one that takes back all
    that remains, which closes the line to the cent whatever the earlier rounding."""
    priced = reprice(line, negate=negation.quantity)
    if negation.quantity != remaining:
        return priced
    closing = closing_negation(stored_figures(line), [stored_figures(r) for r in earlier])
    return replace(priced, figures=closing)


async def rectify_invoice(
    session: AsyncSession, account: Account, ref: Ref, options: RectifyOptions
) -> Invoice:
    async with session.begin():
        # the lock on the original serialises concurrent rectifications of it
        original = await load_invoice(session, account, ref, for_update=True)
        if original.status != "issued":
            state = "a draft" if original.status == "draft" else "an annulled invoice"
            raise Conflict(f"{state} cannot be rectified", ["status"])
        if original.is_rectificative:
            raise Conflict(
                "a rectificative invoice cannot itself be rectified; rectify the original",
                ["id"],
            )
        reason_errors: list[FieldError] = []
        reason = check_text(options.reason, "reason", 5000, reason_errors) or None
        if reason_errors:
            raise ValidationFailed(reason_errors)
        cause = check_cause(
            options.cause or ("R5" if original.is_simplified else "R1"),
            original_is_simplified=original.is_simplified,
            field="causa_rectificacion",
        )
        earlier = await _earlier_rectifications(session, account, original)
        lines = _original_lines(original, earlier)
        if options.items is None:
            negations = full_negation(lines)
        else:
            negations = partial_negation(lines, options.items)
        by_id = {line.id: line for line in original.lines}
        remaining = {line.id: line.remaining for line in lines}
        rectificative = Invoice(
            account_id=account.id,
            lines=[],
            status="draft",
            is_rectificative=True,
            is_simplified=original.is_simplified,
            name=f"Rectificativa de {original.full_number}",
            date=account_today(account),
            currency=original.currency,
            exchange_rate=original.exchange_rate,
            lang=original.lang,
            date_format=original.date_format,
            money_format=original.money_format,
            template_id=original.template_id,
            template_options=dict(original.template_options),
            payment_method_id=original.payment_method_id,
            payment_method_text=original.payment_method_text,
            external_reference=original.external_reference,
            rectifies_invoice_id=original.id,
            rectification_cause=cause,
            rectification_kind="I",
            rectification_reason=reason,
            notes=reason,
        )
        copy_parties(rectificative, original)
        session.add(rectificative)
        await session.flush()
        write_lines(
            rectificative,
            [
                _negated(by_id[n.line_id], n, remaining[n.line_id], earlier.get(n.line_id, []))
                for n in negations
            ],
        )
        original.rectified_status = rectified_status(
            lines, {n.line_id: n.quantity for n in negations}
        )
        await session.flush()
        await record(session, account, EventType.INVOICE_CREATED, rectificative)
        await record(session, account, EventType.INVOICE_RECTIFIED, original)
        if options.issue is not None:
            rectificative = await issue_locked(session, account, rectificative, options.issue)
    return rectificative


async def refresh_rectified_status(
    session: AsyncSession, account: Account, original_id: int
) -> None:
    """Recompute the original's status after one of its rectificatives went away."""
    original = await load_invoice(session, account, original_id, for_update=True)
    earlier = await _earlier_rectifications(session, account, original)
    original.rectified_status = rectified_status(_original_lines(original, earlier), {})
    await session.flush()
