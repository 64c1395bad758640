"""Drafts: create, change, delete. Issued invoices only take changes without fiscal meaning."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import (
    Account,
    Client,
    DueDateTerm,
    Invoice,
    PaymentMethod,
    Series,
)
from invoicegraph.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from invoicegraph.services.events import publish
from invoicegraph.services.invoices.inputs import (
    FISCAL_FIELDS,
    InvoiceData,
    clean_simple_fields,
)
from invoicegraph.services.invoices.loading import account_today, load_invoice
from invoicegraph.services.invoices.payments import check_payment_date
from invoicegraph.services.invoices.rendered import forget_rendered
from invoicegraph.services.invoices.snapshots import (
    snapshot_issuer,
    snapshot_recipient,
    write_lines,
)
from invoicegraph.services.lines import price_lines
from invoicegraph.services.refs import Ref, fetch
from invoicegraph.services.unset import is_set

# What a rectificative keeps from its original even as a draft.
RECTIFICATIVE_FIELDS = ("client", "currency", "exchange_rate", "is_simplified", "lines")
# What an issued invoice's stored documents print and may still change.
PRINT_FIELDS = (
    "name",
    "external_reference",
    "lang",
    "date_format",
    "money_format",
    "template_id",
    "template_options",
    "intro_texts",
    "close_texts",
)
PRINTED_LINKS = ("payment_method", "due_date", "due_date_term", "payed_at")


async def get_invoice(session: AsyncSession, account: Account, ref: Ref) -> Invoice:
    async with session.begin():
        return await load_invoice(session, account, ref)


async def _resolve(
    session: AsyncSession,
    account: Account,
    model: Any,
    ref: Ref | None,
    field: str,
    errors: list[FieldError],
) -> Any:
    if ref is None:
        return None
    try:
        return await fetch(session, model, account, ref, entity=field)
    except NotFound:  # reported on the field, with the other offending fields
        errors.append(FieldError(field, f"{field.replace('_', ' ')} {ref} not found", "not_found"))
        return None


async def _apply_links(
    session: AsyncSession,
    account: Account,
    invoice: Invoice,
    data: InvoiceData,
    errors: list[FieldError],
    *,
    creating: bool,
) -> None:
    """Client, payment method, due-date term and series: resolve refs, snapshot their data."""
    if is_set(data.client):
        client = await _resolve(session, account, Client, data.client, "client_id", errors)
        if client is not None or data.client is None:
            snapshot_recipient(invoice, client)
    if is_set(data.payment_method):
        method = await _resolve(
            session, account, PaymentMethod, data.payment_method, "payment_method_id", errors
        )
        invoice.payment_method_id = method.id if method else None
        invoice.payment_method_text = (method.description or method.name) if method else None
    elif creating:
        method = await session.scalar(
            select(PaymentMethod)
            .where(PaymentMethod.account_id == account.id, PaymentMethod.is_default.is_(True))
            .limit(1)
        )
        if method is not None:
            invoice.payment_method_id = method.id
            invoice.payment_method_text = method.description or method.name
    term: DueDateTerm | None = None
    if is_set(data.due_date_term):
        term = await _resolve(
            session, account, DueDateTerm, data.due_date_term, "due_date_id", errors
        )
        invoice.due_date_term_id = term.id if term else None
    elif creating:
        # like the payment method: an invoice sent without a term still gets a due date
        term = await session.scalar(
            select(DueDateTerm)
            .where(
                DueDateTerm.account_id == account.id,
                DueDateTerm.is_default.is_(True),
                DueDateTerm.active.is_(True),
            )
            .limit(1)
        )
        invoice.due_date_term_id = term.id if term else None
    elif invoice.due_date_term_id is not None:
        term = await session.scalar(
            select(DueDateTerm).where(
                DueDateTerm.account_id == account.id, DueDateTerm.id == invoice.due_date_term_id
            )
        )
    if is_set(data.due_date):
        invoice.due_date = data.due_date
    elif term is not None and (creating or is_set(data.due_date_term) or is_set(data.date)):
        invoice.due_date = invoice.date + dt.timedelta(days=term.days)
    elif is_set(data.due_date_term) and term is None:
        invoice.due_date = None
    if is_set(data.series):
        series = await _resolve(session, account, Series, data.series, "serie_id", errors)
        invoice.series_id = series.id if series else None


async def create_draft(session: AsyncSession, account: Account, data: InvoiceData) -> Invoice:
    """A draft (proforma): numbered only when issued."""
    async with session.begin():
        return await create_draft_in_transaction(session, account, data)


async def create_draft_in_transaction(
    session: AsyncSession, account: Account, data: InvoiceData
) -> Invoice:
    """``create_draft`` for callers that already hold a transaction (quote conversion)."""
    errors: list[FieldError] = []
    values = clean_simple_fields(data, errors)
    invoice = Invoice(account_id=account.id, status="draft", lines=[], **values)
    invoice.currency = values.get("currency", account.default_currency)
    invoice.lang = values.get("lang", account.default_lang)
    invoice.date = data.date if is_set(data.date) else account_today(account)
    snapshot_issuer(invoice, account)
    await _apply_links(session, account, invoice, data, errors, creating=True)
    priced = []
    if is_set(data.lines):
        try:
            priced = await price_lines(session, account, data.lines)
        except ValidationFailed as exc:
            errors.extend(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    session.add(invoice)
    await session.flush()
    write_lines(invoice, priced)
    await session.flush()
    await publish(session, account, "created", invoice)
    return invoice


def _fiscal_changes(invoice: Invoice, data: InvoiceData) -> list[str]:
    """Names of the fiscal fields ``data`` would change (sending the same value is no change)."""
    changed: list[str] = []
    for name in FISCAL_FIELDS:
        value = getattr(data, name)
        if not is_set(value):
            continue
        if name == "lines" or name == "client" or name == "series":
            changed.append(name)
        elif name == "currency":
            if str(value).strip().upper() != invoice.currency:
                changed.append(name)
        elif getattr(invoice, name) != value:
            changed.append(name)
    if data.reload_issued_by:
        changed.append("reload_issued_by")
    return changed


async def update_invoice(
    session: AsyncSession, account: Account, ref: Ref, data: InvoiceData
) -> Invoice:
    errors: list[FieldError] = []
    values = clean_simple_fields(data, errors)
    async with session.begin():
        invoice = await load_invoice(session, account, ref, for_update=True)
        if invoice.status == "draft" and invoice.is_rectificative:
            # its lines are what it takes back from the original, for the original's parties
            fixed = [n for n in _fiscal_changes(invoice, data) if n in RECTIFICATIVE_FIELDS]
            if fixed:
                raise Conflict(
                    f"a rectificative invoice cannot change {', '.join(fixed)}; "
                    "delete it and rectify the original again",
                    fixed,
                )
        if invoice.status != "draft":
            refused = _fiscal_changes(invoice, data)
            if refused:
                raise Conflict(
                    f"an {invoice.status} invoice cannot change {', '.join(refused)}; "
                    "correct it with a rectificative invoice",
                    refused,
                )
        elif is_set(data.payed_at) and data.payed_at is not None:
            errors.append(FieldError("payed_at", "a draft cannot be paid; issue it first"))
        if is_set(data.payed_at) and data.payed_at is not None and invoice.status == "issued":
            check_payment_date(account, data.payed_at, errors)
        if is_set(data.payed_at) and invoice.status == "annulled" and data.payed_at is not None:
            raise Conflict("an annulled invoice cannot be paid", ["payed_at"])
        if invoice.status == "draft":
            if is_set(data.date):
                invoice.date = data.date
            if data.reload_issued_by:
                snapshot_issuer(invoice, account)
            await _apply_links(session, account, invoice, data, errors, creating=False)
            if is_set(data.lines):
                try:
                    priced = await price_lines(session, account, data.lines)
                    write_lines(invoice, priced)
                except ValidationFailed as exc:
                    errors.extend(exc.fields)
        else:
            await _apply_links(
                session,
                account,
                invoice,
                InvoiceData(
                    payment_method=data.payment_method,
                    due_date_term=data.due_date_term,
                    due_date=data.due_date,
                ),
                errors,
                creating=False,
            )
        if errors:
            raise ValidationFailed(errors)
        for name, value in values.items():
            setattr(invoice, name, value)
        if is_set(data.payed_at) and invoice.status == "issued":
            invoice.payed_at = data.payed_at
        if invoice.status != "draft" and (
            any(name in values for name in PRINT_FIELDS)
            or any(is_set(getattr(data, name)) for name in PRINTED_LINKS)
        ):
            await forget_rendered(session, account, invoice.id)
        invoice.updated_at = dt.datetime.now(dt.UTC)
        await session.flush()
    return invoice


async def delete_invoice(session: AsyncSession, account: Account, ref: Ref) -> None:
    """Drafts always; an issued invoice only when it is the last of its series, nothing
    rectifies it, and VERI*FACTU is off (its record is already in the chain)."""
    async with session.begin():
        invoice = await load_invoice(session, account, ref, for_update=True)
        if invoice.is_rectificative and invoice.rectifies_invoice_id is not None:
            # the original before the series, the order rectifying takes them in: the
            # other order deadlocks with a rectification issued at the same time
            await session.execute(
                select(Invoice.id)
                .where(
                    Invoice.account_id == account.id,
                    Invoice.id == invoice.rectifies_invoice_id,
                )
                .with_for_update()
            )
        if invoice.status == "issued":
            await _release_last_number(session, account, invoice)
        elif invoice.status == "annulled":
            raise Conflict("an annulled invoice cannot be deleted", ["status"])
        if invoice.is_rectificative and invoice.rectifies_invoice_id is not None:
            original_id = invoice.rectifies_invoice_id
            await session.delete(invoice)
            await session.flush()
            from invoicegraph.services.invoices.rectifying import refresh_rectified_status

            await refresh_rectified_status(session, account, original_id)
        else:
            await session.delete(invoice)
            await session.flush()


async def _release_last_number(session: AsyncSession, account: Account, invoice: Invoice) -> None:
    if account.verifactu_enabled:
        raise Conflict(
            "issued invoices cannot be deleted while VERI*FACTU is on; annul or rectify it",
            ["status"],
        )
    series = await session.scalar(
        select(Series)
        .where(Series.account_id == account.id, Series.id == invoice.series_id)
        .with_for_update()
        # the counter as locked now, not as this session last saw it
        .execution_options(populate_existing=True)
    )
    if series is None or series.last_number != invoice.number:
        raise Conflict("only the last issued invoice of a series can be deleted", ["number"])
    rectified_by = await session.scalar(
        select(func.count())
        .select_from(Invoice)
        .where(Invoice.account_id == account.id, Invoice.rectifies_invoice_id == invoice.id)
    )
    if rectified_by:
        raise Conflict("this invoice has rectificative invoices; delete them first", ["id"])
    series.last_number -= 1
    series.last_issue_date = await session.scalar(
        select(func.max(Invoice.date)).where(
            Invoice.account_id == account.id,
            Invoice.series_id == series.id,
            Invoice.status != "draft",
            Invoice.id != invoice.id,
        )
    )
