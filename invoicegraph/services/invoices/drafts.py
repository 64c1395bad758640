"""Drafts: create, change, delete. Issued invoices only take changes without fiscal meaning."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, join, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from invoicegraph.db.models import (
    Account,
    Client,
    DueDateTerm,
    Invoice,
    PaymentMethod,
    Series,
    Tax,
    TaxVersion,
)
from invoicegraph.domain.errors import Conflict, FieldError, ValidationFailed
from invoicegraph.domain.webhooks import EventType
from invoicegraph.services.events import record
from invoicegraph.services.invoices.inputs import (
    FISCAL_FIELDS,
    InvoiceData,
    clean_simple_fields,
)
from invoicegraph.services.invoices.loading import account_today, load_invoice
from invoicegraph.services.invoices.payments import check_payment_date
from invoicegraph.services.invoices.rendered import forget_rendered
from invoicegraph.services.invoices.snapshots import (
    insert_invoice,
    snapshot_issuer,
    snapshot_recipient,
    write_lines,
)
from invoicegraph.services.lines import KnownRates, price_lines, rates_wanted
from invoicegraph.services.refs import Ref
from invoicegraph.services.taxes import TaxWithRate
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


_NOT_LOOKED_UP = object()


@cache
def _link_row(model: Any, name: str) -> Any:
    """The alias a link is joined as: built once (an alias proxies every column)."""
    return aliased(model, name=f"link_{name}")


# how a wanted row is found: by uuid, by row id, or the account's default (plus flags)
_Wanted = tuple[str, Any, str, tuple[str, ...]]


@cache
def _links_statement(wanted: tuple[_Wanted, ...], rates: tuple[bool, bool] | None) -> Any:
    """The one statement for links of this shape, with the values as bound parameters:
    built once per shape, so a request only binds its ids (and the compiled form is reused)."""
    account_id: Any = bindparam("account_id")
    entities: list[Any] = []
    joins: list[tuple[Any, Any]] = []
    for name, model, how, flags in wanted:
        row = _link_row(model, name)
        conditions: list[Any] = [row.account_id == account_id]
        if how == "default":
            conditions.append(row.is_default.is_(True))
            conditions += [getattr(row, flag).is_(True) for flag in flags]
        else:
            column = row.uuid if how == "uuid" else row.id
            conditions.append(column == bindparam(f"ref_{name}"))
        entities.append(row)
        joins.append((row, and_(*conditions)))
    if rates is not None:
        asked, vat = rates
        tax = _link_row(Tax, "tax")
        version = _link_row(TaxVersion, "tax_version")
        which: list[ColumnElement[bool]] = []
        if asked:
            which.append(tax.id.in_(bindparam("tax_ids", expanding=True)))
        if vat:
            which.append(and_(tax.kind == "vat", tax.active.is_(True)))
        rated = join(
            tax,
            version,
            and_(version.account_id == tax.account_id, version.id == tax.current_version_id),
        )
        entities += [tax, version]
        joins.append((rated, and_(tax.account_id == account_id, or_(*which))))
    statement = select(*entities).select_from(select(literal(1).label("one")).subquery())
    for target, condition in joins:
        statement = statement.outerjoin(target, condition)
    return statement if rates is not None else statement.limit(1)


class _Links:
    """The rows an invoice links to (client, payment method, due-date term, series), found
    by ONE statement: a one-row select outer-joined to each wanted row, so a missing row
    reads as ``None`` and the others still come back."""

    def __init__(self, account: Account) -> None:
        self._wanted: list[_Wanted] = []
        self._params: dict[str, Any] = {"account_id": account.id}
        self._found: dict[str, Any] = {}
        self._rates: tuple[bool, bool] | None = None
        self.known_rates = KnownRates()

    def rates(self, tax_ids: list[int], vat: bool) -> None:
        """The lines' taxes too: those ids and (for bare IVA rates) every active IVA tax.
        They are many rows, joined last: the single rows repeat on each."""
        if not tax_ids and not vat:
            return
        self._rates = (bool(tax_ids), vat)
        if tax_ids:
            self._params["tax_ids"] = list(tax_ids)
        self.known_rates = KnownRates(asked=set(tax_ids), vat={} if vat else None)

    def by_ref(self, name: str, model: Any, ref: Ref) -> None:
        if isinstance(ref, bool) or (isinstance(ref, int) and not 0 < ref < 2**63):
            self._found[name] = None  # cannot be a row id: not found, without asking
            return
        how = "uuid" if isinstance(ref, uuid.UUID) else "id"
        self._wanted.append((name, model, how, ()))
        self._params[f"ref_{name}"] = ref

    def default(self, name: str, model: Any, *flags: str) -> None:
        self._wanted.append((name, model, "default", flags))

    async def load(self, session: AsyncSession) -> None:
        if not self._wanted and self._rates is None:
            return
        statement = _links_statement(tuple(self._wanted), self._rates)
        rows = list(await session.execute(statement, self._params))
        first = rows[0] if rows else None
        for position, (name, *_) in enumerate(self._wanted):
            self._found[name] = first[position] if first is not None else None
        if self._rates is not None:
            self._keep_rates([(row[-2], row[-1]) for row in rows if row[-2] is not None])

    def _keep_rates(self, pairs: list[tuple[Tax, TaxVersion]]) -> None:
        known = self.known_rates
        # the default IVA tax of a rate first, as ``vat_by_rates`` orders them
        for tax, version in sorted(pairs, key=lambda p: (not p[0].is_default, p[0].id)):
            if tax.id in known.asked:
                known.by_id[tax.id] = TaxWithRate(tax, version)
            if known.vat is not None and tax.kind == "vat" and tax.active:
                known.vat.setdefault(version.percentage, TaxWithRate(tax, version))

    def get(self, name: str) -> Any:
        return self._found.get(name, _NOT_LOOKED_UP)


def _missing(field: str, ref: Ref | None, errors: list[FieldError]) -> None:
    errors.append(FieldError(field, f"{field.replace('_', ' ')} {ref} not found", "not_found"))


async def _apply_links(
    session: AsyncSession,
    account: Account,
    invoice: Invoice,
    data: InvoiceData,
    errors: list[FieldError],
    *,
    creating: bool,
) -> KnownRates:
    """Client, payment method, due-date term and series: resolve refs, snapshot their data.
    The rates the lines need come in the same statement: they are returned for pricing."""
    links = _Links(account)
    if is_set(data.lines):
        links.rates(*rates_wanted(data.lines))
    if is_set(data.client) and data.client is not None:
        links.by_ref("client", Client, data.client)
    if is_set(data.payment_method):
        if data.payment_method is not None:
            links.by_ref("payment_method", PaymentMethod, data.payment_method)
    elif creating:
        links.default("payment_method", PaymentMethod)
    if is_set(data.due_date_term):
        if data.due_date_term is not None:
            links.by_ref("due_date_term", DueDateTerm, data.due_date_term)
    elif creating:
        # like the payment method: an invoice sent without a term still gets a due date
        links.default("due_date_term", DueDateTerm, "active")
    elif invoice.due_date_term_id is not None:
        links.by_ref("due_date_term", DueDateTerm, invoice.due_date_term_id)
    if is_set(data.series) and data.series is not None:
        links.by_ref("series", Series, data.series)
    await links.load(session)

    if is_set(data.client):
        client = links.get("client") if data.client is not None else None
        if data.client is not None and client is None:
            _missing("client_id", data.client, errors)
        if client is not None or data.client is None:
            snapshot_recipient(invoice, client)
    if is_set(data.payment_method) or creating:
        method = links.get("payment_method")
        method = None if method is _NOT_LOOKED_UP else method
        if is_set(data.payment_method) and data.payment_method is not None and method is None:
            _missing("payment_method_id", data.payment_method, errors)
        if is_set(data.payment_method) or method is not None:
            invoice.payment_method_id = method.id if method else None
            invoice.payment_method_text = (method.description or method.name) if method else None
    term = links.get("due_date_term")
    term = None if term is _NOT_LOOKED_UP else term
    if is_set(data.due_date_term):
        if data.due_date_term is not None and term is None:
            _missing("due_date_id", data.due_date_term, errors)
        invoice.due_date_term_id = term.id if term else None
    elif creating:
        invoice.due_date_term_id = term.id if term else None
    if is_set(data.due_date):
        invoice.due_date = data.due_date
    elif term is not None and (creating or is_set(data.due_date_term) or is_set(data.date)):
        invoice.due_date = invoice.date + dt.timedelta(days=term.days)
    elif is_set(data.due_date_term) and term is None:
        invoice.due_date = None
    if is_set(data.series):
        series = links.get("series") if data.series is not None else None
        if data.series is not None and series is None:
            _missing("serie_id", data.series, errors)
        invoice.series_id = series.id if series else None
    return links.known_rates


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
    invoice.date_format = values.get("date_format", account.default_date_format)
    invoice.money_format = values.get("money_format", account.default_money_format)
    invoice.date = data.date if is_set(data.date) else account_today(account)
    snapshot_issuer(invoice, account)
    rates = await _apply_links(session, account, invoice, data, errors, creating=True)
    priced = []
    if is_set(data.lines):
        try:
            priced = await price_lines(session, account, data.lines, known=rates)
        except ValidationFailed as exc:
            errors.extend(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    write_lines(invoice, priced)
    await insert_invoice(session, invoice)
    await record(session, account, EventType.INVOICE_CREATED, invoice)
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
            rates = await _apply_links(session, account, invoice, data, errors, creating=False)
            if is_set(data.lines):
                try:
                    priced = await price_lines(session, account, data.lines, known=rates)
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
        await record(session, account, EventType.INVOICE_UPDATED, invoice)
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
        await record(session, account, EventType.INVOICE_DELETED, invoice, _deleted(invoice))
        if invoice.is_rectificative and invoice.rectifies_invoice_id is not None:
            original_id = invoice.rectifies_invoice_id
            await session.delete(invoice)
            await session.flush()
            from invoicegraph.services.invoices.rectifying import refresh_rectified_status

            await refresh_rectified_status(session, account, original_id)
        else:
            await session.delete(invoice)
            await session.flush()


def _deleted(invoice: Invoice) -> dict[str, object]:
    """What a deleted invoice's event carries, the object being gone by delivery time."""
    return {
        "object": {
            "id": str(invoice.uuid),
            "deleted": True,
            "status": invoice.status,
            "full_number": invoice.full_number,
            "external_reference": invoice.external_reference,
        }
    }


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
