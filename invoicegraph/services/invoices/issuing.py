"""Issuing: the next number of the series, allocated inside the issuing transaction.

``SeriesNumberAllocator`` takes a row lock on the series (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite transactions here start with ``BEGIN IMMEDIATE``, which serialises writers
the same way), checks the issue date against the series' last one and advances the counter.
The invoice row is written in the same transaction, so a rolled-back issue gives its number
back and numbers stay gapless, unique and in issue order across any number of processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from invoicegraph.db.base import utcnow
from invoicegraph.db.core_writes import update_row
from invoicegraph.db.models import Account, Invoice, InvoiceLine, Series
from invoicegraph.domain.errors import (
    Conflict,
    FieldError,
    PlanLimit,
    ValidationFailed,
)
from invoicegraph.domain.fiscal_bounds import issue_date_problems
from invoicegraph.domain.numbering import check_issue_date, format_number
from invoicegraph.domain.parties import Party, party_problems
from invoicegraph.domain.plans import limits_for
from invoicegraph.domain.validation import check_date
from invoicegraph.domain.webhooks import EventType
from invoicegraph.services.events import record
from invoicegraph.services.invoices.loading import account_today, has_lines, load_invoice
from invoicegraph.services.invoices.snapshots import copy_parties, issuer_snapshot, write_lines
from invoicegraph.services.lines import AppliedTax, PricedLine, price_line
from invoicegraph.services.plan_limits import lock_account_for_limits
from invoicegraph.services.refs import Ref, is_row_id, ref_filter

SIMPLIFIED_MAX_TOTAL = 3000


@dataclass(frozen=True, slots=True)
class IssueOptions:
    """``series``/``date`` default to the draft's own (else the kind's default series) and
    date. ``as_new`` issues a new invoice from the draft (the /v1 proforma flow) instead of
    issuing it in place; a rectificative draft is always issued in place."""

    series: Ref | None = None
    date: dt.date | None = None
    as_new: bool = False
    delete_proforma: bool = False


# The kind's default series, locked; built once (the account and kind are bound per call).
# populate_existing: the counter as locked now, not as this session last saw it
_DEFAULT_SERIES = (
    select(Series)
    .where(
        Series.account_id == bindparam("account_id"),
        Series.kind == bindparam("kind"),
        Series.active.is_(True),
    )
    .order_by(Series.is_default.desc(), Series.id)
    .limit(1)
    .with_for_update()
    .execution_options(populate_existing=True)
)


_SERIES = cast(Table, Series.__table__)
# what a series' counter, advanced, comes back with
_ADVANCED = (
    _SERIES.c.id,
    _SERIES.c.code,
    _SERIES.c.number_format,
    _SERIES.c.last_number,
    _SERIES.c.last_issue_date,
    _SERIES.c.updated_at,
)


def _advance(*which: Any) -> Any:
    """The UPDATE that locks the series ``which`` names and advances its counter, when the
    series is of the kind, active, and the issue date does not precede its last one; the
    counter is read under the row lock it takes (``last_number + 1`` on the row as committed
    by the issue before), so numbers stay gapless, unique and in order."""
    return (
        update(_SERIES)
        .where(
            *which,
            _SERIES.c.kind == bindparam("of_kind"),
            _SERIES.c.active.is_(True),
            or_(
                _SERIES.c.last_issue_date.is_(None),
                _SERIES.c.last_issue_date <= bindparam("issue_date"),
            ),
        )
        .values(
            last_number=_SERIES.c.last_number + 1,
            last_issue_date=bindparam("issue_date"),
            updated_at=bindparam("now_at"),
        )
        .returning(*_ADVANCED)
    )


# the kind's default series, as ``_DEFAULT_SERIES`` finds it, advanced; built once
_ADVANCE_DEFAULT = _advance(
    _SERIES.c.account_id == bindparam("in_account"),
    _SERIES.c.id
    == (
        select(_SERIES.c.id)
        .where(
            _SERIES.c.account_id == bindparam("in_account"),
            _SERIES.c.kind == bindparam("of_kind"),
            _SERIES.c.active.is_(True),
        )
        .order_by(_SERIES.c.is_default.desc(), _SERIES.c.id)
        .limit(1)
        .with_for_update()
        .scalar_subquery()
    ),
)


class SeriesNumberAllocator:
    """Hands out the next number of one series under its row lock."""

    def __init__(self, session: AsyncSession, account: Account) -> None:
        self.session = session
        self.account = account

    async def next_number(self, ref: Ref | None, kind: str, date: dt.date) -> tuple[int, int, str]:
        """The series' id, the next number and its full form: the series locked and its
        counter advanced by one statement (``_advance``) when nothing is wrong; otherwise,
        or when the date is later than today, by ``lock`` and ``allocate``, which say what is
        wrong (an UPDATE that matched no row changed nothing)."""
        if date <= account_today(self.account) and not _never_an_id(ref):
            statement = (
                _ADVANCE_DEFAULT
                if ref is None
                else _advance(*ref_filter(Series, self.account, ref))
            )
            parameters = {
                "in_account": self.account.id,
                "of_kind": kind,
                "issue_date": date,
                "now_at": utcnow(),
            }
            row = (await self.session.execute(statement, parameters)).first()
            if row is not None:
                self._refresh(row)
                number = row.last_number
                return row.id, number, format_number(row.number_format, row.code, number, date)
        series = await self.lock(ref, kind)
        number, full_number = await self.allocate(series, date)
        return series.id, number, full_number

    def _refresh(self, row: Any) -> None:
        """A copy of the series this session holds takes the advanced counter, as ``allocate``
        keeps it on the locked row."""
        key = self.session.sync_session.identity_key(Series, (self.account.id, row.id))
        held = self.session.sync_session.identity_map.get(key)
        if held is not None:
            for name in ("last_number", "last_issue_date", "updated_at"):
                set_committed_value(held, name, getattr(row, name))

    async def lock(self, ref: Ref | None, kind: str) -> Series:
        if ref is None:
            series = await self.session.scalar(
                _DEFAULT_SERIES, {"account_id": self.account.id, "kind": kind}
            )
        elif _never_an_id(ref):
            raise ValidationFailed.single("serie_id", f"series {ref} not found", "not_found")
        else:
            statement = select(Series).where(*ref_filter(Series, self.account, ref))
            series = await self.session.scalar(
                statement.with_for_update().execution_options(populate_existing=True)
            )
        if series is None and ref is None:
            raise ValidationFailed.single(
                "serie_id", f"no {kind} series exists; create one or name one", "required"
            )
        if series is None:
            raise ValidationFailed.single("serie_id", f"series {ref} not found", "not_found")
        if series.kind != kind:
            raise ValidationFailed.single(
                "serie_id",
                f"series {series.code} is {series.kind}; this invoice needs a {kind} one",
            )
        if not series.active:
            raise ValidationFailed.single("serie_id", f"series {series.code} is not active")
        return series

    async def allocate(self, series: Series, date: dt.date) -> tuple[int, str]:
        """The next number, its counter advanced in the database (one UPDATE) and on
        ``series``."""
        check_issue_date(
            date, last_issue_date=series.last_issue_date, today=account_today(self.account)
        )
        number = series.last_number + 1
        await update_row(self.session, series, {"last_number": number, "last_issue_date": date})
        return number, format_number(series.number_format, series.code, number, date)


def _never_an_id(ref: Ref | None) -> bool:
    """An integer ref that no row can have (``refs.is_row_id``): not found without asking."""
    return isinstance(ref, int) and not is_row_id(ref)


def series_kind(invoice: Invoice) -> str:
    if invoice.is_rectificative:
        return "rectificative"
    return "simplified" if invoice.is_simplified else "ordinary"


async def _check_plan(session: AsyncSession, account: Account, date: dt.date) -> None:
    limit = limits_for(account.plan).issued_invoices_per_month
    if limit is None:
        return
    await lock_account_for_limits(session, account)  # counted and issued under one lock
    start = date.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    issued = await session.scalar(
        select(func.count())
        .select_from(Invoice)
        .where(
            Invoice.account_id == account.id,
            Invoice.status != "draft",
            Invoice.date >= start,
            Invoice.date < end,
        )
    )
    if (issued or 0) >= limit:
        raise PlanLimit(
            f"the {account.plan} plan issues {limit} invoices a month; upgrade to professional"
        )


async def _check_issue_date(
    session: AsyncSession, account: Account, invoice: Invoice, date: dt.date
) -> None:
    """The general date rule, and a rectificative never dated before its original."""
    original_date = None
    if invoice.rectifies_invoice_id is not None:
        original_date = await session.scalar(
            select(Invoice.date).where(
                Invoice.account_id == account.id, Invoice.id == invoice.rectifies_invoice_id
            )
        )
    errors: list[FieldError] = []
    check_date(
        date,
        "date",
        errors,
        not_before=original_date,
        not_before_what="the original's date",
        not_before_code="before_original",
    )
    if not errors:
        errors = issue_date_problems(
            date, account_today(account), verifactu=account.verifactu_enabled
        )
    if errors:
        raise ValidationFailed(errors)


def _issuer(invoice: Invoice, account: Account) -> Party:
    """The issuer the invoice will state: the account as it is now (issuing snapshots it),
    or, on a rectificative, the original's issuer it copied."""
    if invoice.is_rectificative:
        return Party(
            invoice.issuer_name,
            invoice.issuer_tax_id,
            invoice.issuer_address,
            invoice.issuer_postal_code,
            invoice.issuer_city,
            invoice.issuer_country,
        )
    return Party(
        account.name,
        account.tax_id,
        account.address,
        account.postal_code,
        account.city,
        account.country,
    )


def _recipient(invoice: Invoice) -> Party | None:
    if invoice.recipient_name is None:
        return None
    return Party(
        invoice.recipient_name,
        invoice.recipient_tax_id,
        invoice.recipient_address,
        invoice.recipient_postal_code,
        invoice.recipient_city,
        invoice.recipient_country,
    )


def check_issuable(invoice: Invoice, account: Account) -> None:
    """Everything the invoice must state before it gets a number, reported at once."""
    errors: list[FieldError] = []
    if not has_lines(invoice):
        errors.append(
            FieldError("lines", "an invoice needs at least one line to be issued", "required")
        )
    if invoice.recipient_name is None and not invoice.is_simplified:
        errors.append(
            FieldError("client_id", "an invoice needs a recipient to be issued", "required")
        )
    if invoice.is_simplified and invoice.total_with_taxes > SIMPLIFIED_MAX_TOTAL:
        errors.append(
            FieldError("lines", f"a simplified invoice may not exceed {SIMPLIFIED_MAX_TOTAL}")
        )
    errors += party_problems(
        _issuer(invoice, account), _recipient(invoice), simplified=invoice.is_simplified
    )
    if errors:
        raise ValidationFailed(errors)


async def issue_locked(
    session: AsyncSession, account: Account, invoice: Invoice, options: IssueOptions
) -> Invoice:
    """Issue ``invoice`` (already loaded FOR UPDATE) inside the caller's transaction."""
    if invoice.status != "draft":
        raise Conflict(f"the invoice is already {invoice.status}", ["status"])
    check_issuable(invoice, account)
    date = options.date or invoice.date
    await _check_issue_date(session, account, invoice, date)
    await _check_plan(session, account, date)
    allocator = SeriesNumberAllocator(session, account)
    series_id, number, full_number = await allocator.next_number(
        options.series or invoice.series_id, series_kind(invoice), date
    )
    issued_at = utcnow()

    def issued(target: Invoice) -> dict[str, Any]:
        """The columns issuing sets."""
        values: dict[str, Any] = {}
        if not target.is_rectificative:  # a rectificative names the original's parties
            values.update(issuer_snapshot(account))  # the issuer as it is today, kept from now on
        values.update(
            status="issued",
            series_id=series_id,
            number=number,
            full_number=full_number,
            date=date,
            issued_at=issued_at,
        )
        if target.due_date is not None and target.date != date:
            values["due_date"] = target.due_date + (date - target.date)
        return values

    def mark_issued(target: Invoice) -> None:
        for name, value in issued(target).items():
            setattr(target, name, value)

    # A rectificative draft kept next to its issued copy would take the original's
    # quantities twice: it is always issued in place.
    if options.as_new and not invoice.is_rectificative:
        # the copy is inserted issued: no UPDATE after its INSERT
        target = await _copy_as_new(session, account, invoice, mark_issued)
        if options.delete_proforma:
            target.issued_from_id = None
            await session.delete(invoice)
        await session.flush()
    else:
        # one UPDATE of the columns that change, the loaded invoice kept as committed
        target = invoice
        await update_row(session, invoice, issued(invoice))
    await record(session, account, EventType.INVOICE_ISSUED, target)
    if account.verifactu_enabled:
        from invoicegraph.services.verifactu.registration import register_issued

        await register_issued(session, account, target)
    return target


async def issue_invoice(
    session: AsyncSession,
    account: Account,
    ref: Ref,
    options: IssueOptions | None = None,
    *,
    with_lines: bool = True,
) -> Invoice:
    """Issue the draft ``ref``. Without ``with_lines`` the issued invoice comes back with its
    lines unloaded (the caller loads them if it shows them) unless issuing read them anyway:
    a copy (``as_new``) copies them and a VERI*FACTU record states them."""
    options = options or IssueOptions()
    lines = with_lines or options.as_new or account.verifactu_enabled
    async with session.begin():
        invoice = await load_invoice(session, account, ref, for_update=True, lines=lines)
        issued = await issue_locked(session, account, invoice, options)
    return issued


async def _copy_as_new(
    session: AsyncSession, account: Account, draft: Invoice, mark_issued: Callable[[Invoice], None]
) -> Invoice:
    """The /v1 flow: a new invoice from the proforma, which stays a proforma."""
    copy = Invoice(account_id=account.id, lines=[])
    for column in Invoice.__table__.columns:
        if column.key not in ("id", "uuid", "account_id", "created_at", "updated_at"):
            setattr(copy, column.key, getattr(draft, column.key))
    copy_parties(copy, draft)
    copy.issued_from_id = draft.id
    mark_issued(copy)
    session.add(copy)
    await session.flush()
    write_lines(copy, [reprice(line) for line in draft.lines])
    await session.flush()
    return copy


def reprice(line: InvoiceLine, *, negate: Decimal | None = None) -> PricedLine:
    """A stored line priced again with its own tax snapshot; ``negate`` takes back that
    quantity of it instead (rectification)."""
    quantity = -negate if negate is not None else line.quantity
    return price_line(
        description=line.description,
        quantity=quantity,
        price=line.price,
        discount=line.discount,
        taxes=tuple(AppliedTax.snapshot(t) for t in line.taxes),
        product_id=line.product_id,
        sku=line.sku,
        reference=line.reference,
        rectifies_line_id=line.id if negate is not None else line.rectifies_line_id,
    )
