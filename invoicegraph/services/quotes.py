"""Quotes: priced like invoices, never numbered; an accepted quote converts into a draft
invoice (at the tax rates in force when it becomes an invoice)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from invoicegraph.db.models import Account, Client, Quote, QuoteLine, QuoteLineTax
from invoicegraph.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from invoicegraph.domain.money import summarise
from invoicegraph.domain.validation import check_date
from invoicegraph.domain.webhooks import EventType
from invoicegraph.services.events import record
from invoicegraph.services.invoices.drafts import create_draft_in_transaction
from invoicegraph.services.invoices.inputs import InvoiceData, TextData, clean_simple_fields
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.services.lines import (
    LineData,
    PricedLine,
    line_columns,
    price_lines,
    tax_columns,
)
from invoicegraph.services.pagination import Page, PageRequest, paginate
from invoicegraph.services.refs import Ref, fetch, ref_filter
from invoicegraph.services.unset import UNSET, Maybe, is_set

STATUSES = ("draft", "sent", "accepted", "rejected", "converted")
WITH_LINES = selectinload(Quote.lines).selectinload(QuoteLine.taxes)


@dataclass(slots=True)
class QuoteData:
    name: Maybe[str | None] = UNSET
    client: Maybe[Ref | None] = UNSET
    date: Maybe[dt.date] = UNSET
    valid_until: Maybe[dt.date | None] = UNSET
    currency: Maybe[str] = UNSET
    exchange_rate: Maybe[Decimal] = UNSET
    lang: Maybe[str] = UNSET
    notes: Maybe[str | None] = UNSET
    external_reference: Maybe[str | None] = UNSET
    intro_texts: Maybe[list[TextData]] = UNSET
    close_texts: Maybe[list[TextData]] = UNSET
    status: Maybe[str] = UNSET
    lines: Maybe[list[LineData]] = UNSET


def _write_lines(quote: Quote, priced: list[PricedLine]) -> None:
    quote.lines.clear()
    for position, line in enumerate(priced, start=1):
        row = QuoteLine(
            account_id=quote.account_id,
            quote_id=quote.id,
            position=position,
            taxes=[],
            **line_columns(line),
        )
        for columns in tax_columns(line):
            row.taxes.append(
                QuoteLineTax(account_id=quote.account_id, quote_id=quote.id, **columns)
            )
        quote.lines.append(row)
    totals = summarise([line.figures for line in priced])
    quote.subtotal = totals.subtotal
    quote.total_discount = totals.total_discount
    quote.total_before_taxes = totals.total_before_taxes
    quote.total_taxes = totals.total_taxes
    quote.total_with_taxes = totals.total_with_taxes


async def _apply(
    session: AsyncSession, account: Account, quote: Quote, data: QuoteData, creating: bool
) -> None:
    errors: list[FieldError] = []
    values = clean_simple_fields(
        InvoiceData(
            name=data.name,
            currency=data.currency,
            exchange_rate=data.exchange_rate,
            lang=data.lang,
            notes=data.notes,
            external_reference=data.external_reference,
            intro_texts=data.intro_texts,
            close_texts=data.close_texts,
        ),
        errors,
    )
    if is_set(data.client):
        if data.client is None:
            quote.client_id = None
        else:
            try:
                client = await fetch(session, Client, account, data.client, entity="client")
                quote.client_id = client.id
            except NotFound:
                errors.append(
                    FieldError("client_id", f"client {data.client} not found", "not_found")
                )
    if is_set(data.date):
        quote.date = check_date(data.date, "date", errors) or quote.date
    elif creating:
        quote.date = account_today(account)
    if is_set(data.valid_until):
        quote.valid_until = data.valid_until
    check_date(
        quote.valid_until,
        "valid_until",
        errors,
        not_before=quote.date,
        not_before_what="the quote's date",
        not_before_code="invalid",
    )
    if is_set(data.status):
        if data.status not in STATUSES or data.status == "converted":
            errors.append(
                FieldError("status", "one of draft, sent, accepted, rejected", "invalid_choice")
            )
        else:
            quote.status = data.status
    priced: list[PricedLine] | None = None
    if is_set(data.lines):
        try:
            priced = await price_lines(session, account, data.lines)
        except ValidationFailed as exc:
            errors.extend(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    for name, value in values.items():
        setattr(quote, name, value)
    if creating:
        quote.currency = values.get("currency", account.default_currency)
        quote.lang = values.get("lang", account.default_lang)
        session.add(quote)
        await session.flush()
    if priced is not None:
        _write_lines(quote, priced)
    await session.flush()


async def _load(session: AsyncSession, account: Account, ref: Ref, *, for_update: bool) -> Quote:
    from sqlalchemy import select

    if isinstance(ref, bool) or (isinstance(ref, int) and not 0 < ref < 2**63):
        raise NotFound("quote", ref)
    statement = select(Quote).where(*ref_filter(Quote, account, ref)).options(WITH_LINES)
    if for_update:
        statement = statement.with_for_update(of=Quote)
    quote = await session.scalar(statement.execution_options(populate_existing=True))
    if quote is None:
        raise NotFound("quote", ref)
    return quote


async def create_quote(session: AsyncSession, account: Account, data: QuoteData) -> Quote:
    async with session.begin():
        quote = Quote(account_id=account.id, status="draft", lines=[])
        await _apply(session, account, quote, data, creating=True)
        await record(session, account, EventType.QUOTE_CREATED, quote)
    return quote


async def update_quote(session: AsyncSession, account: Account, ref: Ref, data: QuoteData) -> Quote:
    async with session.begin():
        quote = await _load(session, account, ref, for_update=True)
        if quote.status == "converted":
            raise Conflict("a converted quote cannot change; edit its invoice", ["status"])
        await _apply(session, account, quote, data, creating=False)
    return quote


async def get_quote(session: AsyncSession, account: Account, ref: Ref) -> Quote:
    async with session.begin():
        return await _load(session, account, ref, for_update=False)


async def delete_quote(session: AsyncSession, account: Account, ref: Ref) -> None:
    async with session.begin():
        quote = await _load(session, account, ref, for_update=True)
        await session.delete(quote)


ORDERABLE = {
    "id": Quote.id,
    "name": Quote.name,
    "date": Quote.date,
    "total_with_taxes": Quote.total_with_taxes,
}


async def list_quotes(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    *,
    external_reference: str | None = None,
    status: str | None = None,
    client: Ref | None = None,
    with_lines: bool = False,
) -> Page[Quote]:
    conditions = quote_conditions(
        account, external_reference=external_reference, status=status, client=client
    )
    async with session.begin():
        return await paginate(
            session,
            Quote,
            conditions,
            page,
            orderable=ORDERABLE,
            options=[WITH_LINES] if with_lines else [],
        )


def quote_conditions(
    account: Account,
    *,
    external_reference: str | None = None,
    status: str | None = None,
    client: Ref | None = None,
) -> list[Any]:
    """The list's conditions, shared with the SQL-built answers (``invoicegraph.sqlread``)."""
    from sqlalchemy import select

    conditions: list[Any] = [Quote.account_id == account.id]
    if external_reference is not None:
        conditions.append(Quote.external_reference == external_reference)
    if status is not None:
        if status not in STATUSES:
            raise ValidationFailed.single("status", f"one of {', '.join(STATUSES)}")
        conditions.append(Quote.status == status)
    if client is not None:
        conditions.append(
            Quote.client_id.in_(select(Client.id).where(*ref_filter(Client, account, client)))
        )
    return conditions


async def convert_quote(session: AsyncSession, account: Account, ref: Ref) -> tuple[Quote, int]:
    """Turn an accepted quote into a draft invoice; returns the quote and the invoice id."""
    async with session.begin():
        quote = await _load(session, account, ref, for_update=True)
        if quote.status == "converted":
            raise Conflict("the quote has already been converted", ["status"])
        if quote.status != "accepted":
            raise Conflict(
                f"only an accepted quote converts; this one is {quote.status}", ["status"]
            )
        invoice = await create_draft_in_transaction(
            session,
            account,
            InvoiceData(
                name=quote.name,
                client=quote.client_id,
                currency=quote.currency,
                exchange_rate=quote.exchange_rate,
                lang=quote.lang,
                notes=quote.notes,
                external_reference=quote.external_reference,
                intro_texts=[TextData(**t) for t in quote.intro_texts],
                close_texts=[TextData(**t) for t in quote.close_texts],
                lines=[
                    LineData(
                        product=line.product_id,
                        description=line.description,
                        quantity=line.quantity,
                        price=line.price,
                        discount=line.discount,
                        taxes=[t.tax_id for t in line.taxes if t.tax_id is not None],
                        reference=line.reference,
                        sku=line.sku,
                    )
                    for line in quote.lines
                ],
            ),
        )
        quote.status = "converted"
        quote.converted_invoice_id = invoice.id
        await session.flush()
        await record(session, account, EventType.QUOTE_CONVERTED, quote)
        invoice_id = invoice.id
    return quote, invoice_id
