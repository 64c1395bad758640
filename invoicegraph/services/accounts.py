"""Accounts: creation with a ready-to-invoice catalogue, and its sandbox twin."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import (
    Account,
    DueDateTerm,
    PaymentMethod,
    Series,
    Tax,
    TaxVersion,
)
from invoicegraph.domain.catalog_defaults import (
    DEFAULT_DUE_DATE_TERM,
    DEFAULT_PAYMENT_METHOD,
    DEFAULT_SERIES,
    DEFAULT_TAXES,
)
from invoicegraph.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from invoicegraph.domain.plans import PLANS
from invoicegraph.domain.tax_ids import normalise_tax_id

_IDENTITY_FIELDS = (
    "name",
    "trade_name",
    "tax_id",
    "address",
    "city",
    "province",
    "postal_code",
    "country",
    "email",
    "phone",
    "iban",
    "brand_color",
    "plan",
    "verifactu_enabled",
    "timezone",
    "default_lang",
    "default_currency",
    "default_date_format",
    "default_money_format",
)


async def create_account(
    session: AsyncSession,
    *,
    name: str,
    tax_id: str,
    plan: str = "free",
    verifactu: bool = False,
    address: str | None = None,
    city: str | None = None,
    province: str | None = None,
    postal_code: str | None = None,
    country: str = "ES",
    email: str | None = None,
) -> Account:
    """Create a live account and its sandbox, each with the standard Spanish catalogue."""
    errors: list[FieldError] = []
    if not name.strip():
        errors.append(FieldError("name", "must not be empty", "required"))
    if plan not in PLANS:
        errors.append(FieldError("plan", f"must be one of {', '.join(PLANS)}"))
    try:
        tax_id = normalise_tax_id(tax_id, country)
    except ValidationFailed as exc:
        errors.extend(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    async with session.begin():
        await ensure_tax_id_free(session, tax_id)
        live = Account(
            name=name.strip(),
            tax_id=tax_id,
            plan=plan,
            verifactu_enabled=verifactu,
            address=address,
            city=city,
            province=province,
            postal_code=postal_code,
            country=country.upper(),
            email=email,
        )
        session.add(live)
        await flush_unique_tax_id(session, tax_id)
        sandbox = Account(is_sandbox=True, live_account_id=live.id)
        for field in _IDENTITY_FIELDS:
            setattr(sandbox, field, getattr(live, field))
        session.add(sandbox)
        await session.flush()
        for account in (live, sandbox):
            await _seed_catalogue(session, account)
    return live


def tax_id_taken(tax_id: str) -> Conflict:
    return Conflict(
        f"tax id {tax_id} already belongs to a live account on this installation: one "
        "taxpayer has one numbering and one VERI*FACTU chain (add series to that account, "
        "or create one account per company of a group)",
        ["tax_id"],
    )


async def ensure_tax_id_free(
    session: AsyncSession, tax_id: str, *, except_account_id: int | None = None
) -> None:
    """Refuse a live account's tax id that another live account has (sandboxes are apart)."""
    query = select(Account.id).where(Account.tax_id == tax_id, Account.is_sandbox.is_(False))
    if except_account_id is not None:
        query = query.where(Account.id != except_account_id)
    if await session.scalar(query.limit(1)) is not None:
        raise tax_id_taken(tax_id)


async def flush_unique_tax_id(session: AsyncSession, tax_id: str) -> None:
    """Flush, turning the unique index's refusal (a concurrent twin won) into the same error."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if "tax_id" in str(exc.orig) or "uq_accounts_live_tax_id" in str(exc.orig):
            raise tax_id_taken(tax_id) from None
        raise


async def _seed_catalogue(session: AsyncSession, account: Account) -> None:
    today = dt.date.today()
    for default in DEFAULT_TAXES:
        tax = Tax(
            account_id=account.id,
            kind=default.kind,
            name=default.name,
            is_default=default.is_default,
            qualification=default.qualification,
        )
        session.add(tax)
        await session.flush()
        version = TaxVersion(
            account_id=account.id,
            tax_id=tax.id,
            percentage=default.percentage,
            valid_from=today,
        )
        session.add(version)
        await session.flush()
        tax.current_version_id = version.id
    for series in DEFAULT_SERIES:
        session.add(
            Series(
                account_id=account.id,
                code=series.code,
                kind=series.kind,
                name=series.name,
                is_default=True,
            )
        )
    pm_name, pm_kind, pm_description = DEFAULT_PAYMENT_METHOD
    session.add(
        PaymentMethod(
            account_id=account.id,
            name=pm_name,
            kind=pm_kind,
            description=pm_description,
            is_default=True,
        )
    )
    term_name, term_days = DEFAULT_DUE_DATE_TERM
    session.add(DueDateTerm(account_id=account.id, name=term_name, days=term_days, is_default=True))
    await session.flush()


async def get_account(session: AsyncSession, account_uuid: uuid.UUID) -> Account:
    async with session.begin():
        account = await session.scalar(
            select(Account).where(Account.uuid == account_uuid, Account.is_sandbox.is_(False))
        )
    if account is None:
        raise NotFound("account", account_uuid)
    return account


async def sandbox_of(session: AsyncSession, live: Account) -> Account:
    async with session.begin():
        sandbox = await session.scalar(select(Account).where(Account.live_account_id == live.id))
    if sandbox is None:
        raise NotFound("sandbox account")
    return sandbox
