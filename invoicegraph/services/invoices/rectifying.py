"""Rectificative invoices, as RD 1619/2012 art. 15 and VERI*FACTU allow them.

By differences (``I``): full (negate what every line still has), partial (the items the client
names, capped by what earlier rectifications of the same original left) or corrected lines (a
line's new price, discount or quantity: what remained of it is taken back and the line is
stated again as it should have been). By substitution (``S``): the rectificative states the
whole invoice as it should have been and replaces the original, which no rectificative may
have touched before. A rectificative can itself be rectified: its lines are the "original"
then, negative ones included.
"""

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
    CorrectedLine,
    LineCorrection,
    Negation,
    OriginalLine,
    RectificationItem,
    check_cause,
    check_kind,
    corrected_lines,
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
from invoicegraph.services.lines import AppliedTax, PricedLine, price_line
from invoicegraph.services.refs import Ref


@dataclass(frozen=True, slots=True)
class RectifyOptions:
    """``items`` None = full rectification; ``corrections`` = the lines to state again with new
    figures (by differences only those, by substitution the whole invoice with them).
    ``kind`` is ``I`` (differences) or ``S`` (substitution). ``issue`` set = issue at once
    (the /v1 form); otherwise the rectificative is a draft to issue later (the /api form)."""

    items: Sequence[RectificationItem] | None = None
    corrections: Sequence[LineCorrection] | None = None
    kind: str = "I"
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


async def _substituted(session: AsyncSession, account: Account, original: Invoice) -> bool:
    """Whether a live substitution (``S``) replaces ``original``: nothing of it remains."""
    found = await session.scalar(
        select(Invoice.id)
        .where(
            Invoice.account_id == account.id,
            Invoice.rectifies_invoice_id == original.id,
            Invoice.status != "annulled",
            Invoice.rectification_kind == "S",
        )
        .limit(1)
    )
    return found is not None


def _original_lines(
    original: Invoice, earlier: dict[int, list[InvoiceLine]], *, substituted: bool = False
) -> list[OriginalLine]:
    return [
        OriginalLine(
            id=line.id,
            description=line.description,
            reference=line.reference,
            quantity=line.quantity,
            # rectificative lines are negative: what they took back is the opposite
            already_rectified=line.quantity
            if substituted
            else -sum((r.quantity for r in earlier.get(line.id, [])), Decimal(0)),
            price=line.price,
            discount=line.discount,
        )
        for line in original.lines
    ]


def _restated(line: InvoiceLine, corrected: CorrectedLine) -> PricedLine:
    """The line as it should have been, with the original line's own tax snapshot."""
    return price_line(
        description=line.description,
        quantity=corrected.quantity,
        price=corrected.price,
        discount=corrected.discount,
        taxes=tuple(AppliedTax.snapshot(t) for t in line.taxes),
        product_id=line.product_id,
        sku=line.sku,
        reference=line.reference,
    )


def _check_combination(options: RectifyOptions, kind: str) -> None:
    if kind == "S" and options.items is not None:
        raise ValidationFailed.single(
            "items", "a substitution states corrected lines, not items to take back"
        )
    if kind == "S" and not options.corrections:
        raise ValidationFailed.single(
            "corrections", "a substitution states at least one corrected line", "required"
        )
    if options.items is not None and options.corrections is not None:
        raise ValidationFailed.single(
            "corrections", "send items to take back or lines to correct, not both"
        )


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
        reason_errors: list[FieldError] = []
        reason = check_text(options.reason, "reason", 5000, reason_errors) or None
        if reason_errors:
            raise ValidationFailed(reason_errors)
        cause = check_cause(
            options.cause or ("R5" if original.is_simplified else "R1"),
            original_is_simplified=original.is_simplified,
            field="causa_rectificacion",
        )
        kind = check_kind(options.kind)
        _check_combination(options, kind)
        earlier = await _earlier_rectifications(session, account, original)
        substituted = await _substituted(session, account, original)
        lines = _original_lines(original, earlier, substituted=substituted)
        by_id = {line.id: line for line in original.lines}
        remaining = {line.id: line.remaining for line in lines}
        negations: list[Negation] = []
        priced: list[PricedLine] = []
        if kind == "S":
            if substituted or any(line.already_rectified != 0 for line in lines):
                raise Conflict(
                    "a substitution replaces an invoice no rectificative has corrected yet; "
                    "correct it by differences, or rectify its latest rectificative",
                    ["rectification_type"],
                )
            for corrected in corrected_lines(lines, options.corrections or [], whole=True):
                if corrected.quantity != 0:
                    priced.append(_restated(by_id[corrected.line_id], corrected))
            if not priced:
                raise ValidationFailed.single(
                    "corrections", "a substitution keeps at least one line; annul instead"
                )
            status = "full"
        else:
            if options.corrections is not None:
                for corrected in corrected_lines(lines, options.corrections):
                    negation = Negation(corrected.line_id, corrected.taken)
                    negations.append(negation)
                    line = by_id[corrected.line_id]
                    priced.append(
                        _negated(line, negation, remaining[line.id], earlier.get(line.id, []))
                    )
                    if corrected.quantity != 0:
                        priced.append(_restated(line, corrected))
            else:
                if options.items is None:
                    negations = full_negation(lines)
                else:
                    negations = partial_negation(lines, options.items)
                priced = [
                    _negated(by_id[n.line_id], n, remaining[n.line_id], earlier.get(n.line_id, []))
                    for n in negations
                ]
            status = rectified_status(lines, {n.line_id: n.quantity for n in negations})
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
            rectification_kind=kind,
            rectification_reason=reason,
            notes=reason,
        )
        copy_parties(rectificative, original)
        session.add(rectificative)
        await session.flush()
        write_lines(rectificative, priced)
        original.rectified_status = status
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
    substituted = await _substituted(session, account, original)
    lines = _original_lines(original, earlier, substituted=substituted)
    original.rectified_status = rectified_status(lines, {})
    await session.flush()
