"""The tax catalogue. A rate never changes in place: a new rate is a new version, and lines
issued earlier keep the version they were issued with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Tax, TaxVersion
from invoicegraph.domain.errors import FieldError, NotFound, ValidationFailed
from invoicegraph.domain.money import TAX_KINDS
from invoicegraph.domain.validation import check_decimal, check_text
from invoicegraph.services.catalog import clear_other_defaults, lock_for_new_default
from invoicegraph.services.pagination import Page, PageRequest, paginate
from invoicegraph.services.refs import Ref, fetch
from invoicegraph.services.unset import UNSET, Maybe, is_set

QUALIFICATIONS = ("S1", "S2", "N1", "N2")
UNTAXED_QUALIFICATIONS = ("S2", "N1", "N2")
EXEMPTIONS = ("E1", "E2", "E3", "E4", "E5", "E6")


@dataclass(slots=True)
class TaxInput:
    kind: Maybe[str] = UNSET
    name: Maybe[str] = UNSET
    percentage: Maybe[Decimal] = UNSET
    valid_from: Maybe[dt.date] = UNSET
    qualification: Maybe[str] = UNSET
    exemption_code: Maybe[str | None] = UNSET
    is_default: Maybe[bool] = UNSET
    active: Maybe[bool] = UNSET


@dataclass(frozen=True, slots=True)
class TaxWithRate:
    tax: Tax
    version: TaxVersion


def _check_rate(
    kind: str, percentage: Decimal, tax: Tax, data: TaxInput, errors: list[FieldError]
) -> None:
    """The sign follows the kind (IRPF is withheld, so negative), and an IVA that is exempt,
    not subject or reverse-charged carries no rate: VERI*FACTU refuses a rate on such lines."""
    if kind == "withholding" and percentage > 0:
        errors.append(FieldError("percentage", "a withholding (IRPF) rate is negative"))
    if kind in ("vat", "surcharge") and percentage < 0:
        errors.append(FieldError("percentage", f"a {kind} rate is not negative"))
    qualification = data.qualification if is_set(data.qualification) else tax.qualification
    exemption = data.exemption_code if is_set(data.exemption_code) else tax.exemption_code
    untaxed = exemption is not None or qualification in UNTAXED_QUALIFICATIONS
    if kind == "vat" and untaxed and percentage != 0:
        errors.append(
            FieldError("percentage", "an exempt, not-subject or reverse-charge IVA is 0%")
        )


def _check_codes(data: TaxInput, tax: Tax, errors: list[FieldError]) -> None:
    if is_set(data.qualification):
        if data.qualification not in QUALIFICATIONS:
            errors.append(FieldError("qualification", f"one of {', '.join(QUALIFICATIONS)}"))
        else:
            tax.qualification = data.qualification
    if is_set(data.exemption_code):
        if data.exemption_code is not None and data.exemption_code not in EXEMPTIONS:
            errors.append(FieldError("exemption_code", f"one of {', '.join(EXEMPTIONS)}"))
        else:
            tax.exemption_code = data.exemption_code
    for name in ("is_default", "active"):
        value = getattr(data, name)
        if is_set(value) and not isinstance(value, bool):
            errors.append(FieldError(name, "must be true or false"))
        elif is_set(value):
            setattr(tax, name, value)


def _valid_from(data: TaxInput, since: dt.date | None, errors: list[FieldError]) -> dt.date:
    """When a rate starts: today unless sent, and never before the rate it replaces."""
    if not is_set(data.valid_from):
        return max(dt.date.today(), since or dt.date.min)
    if not isinstance(data.valid_from, dt.date) or isinstance(data.valid_from, dt.datetime):
        errors.append(FieldError("valid_from", "must be a date"))
        return dt.date.today()
    if since is not None and data.valid_from < since:
        errors.append(
            FieldError("valid_from", f"cannot precede the current rate's ({since.isoformat()})")
        )
    return data.valid_from


def _check_kind(kind: object, errors: list[FieldError]) -> str:
    if isinstance(kind, str) and kind in TAX_KINDS:
        return kind
    errors.append(FieldError("kind", f"must be one of {', '.join(TAX_KINDS)}", "invalid_choice"))
    return ""


async def _make_default(session: AsyncSession, account: Account, tax: Tax) -> None:
    """One default per kind: the default IVA is what a line without taxes gets."""
    await clear_other_defaults(session, Tax, account, tax.id, Tax.kind == tax.kind)


async def create_tax(session: AsyncSession, account: Account, data: TaxInput) -> TaxWithRate:
    errors: list[FieldError] = []
    if is_set(data.kind):
        kind = _check_kind(data.kind, errors)
    else:
        kind = ""
        errors.append(FieldError("kind", "is required", "required"))
    name = check_text(data.name if is_set(data.name) else "", "name", 120, errors, required=True)
    tax = Tax(account_id=account.id, kind=kind, name=name, qualification="S1")
    _check_codes(data, tax, errors)
    percentage = Decimal(0)
    if is_set(data.percentage):
        before = len(errors)
        percentage = check_decimal(
            data.percentage, "percentage", errors, places=4, low=-100, high=100
        )
        if len(errors) == before:
            _check_rate(kind, percentage, tax, data, errors)
    else:
        errors.append(FieldError("percentage", "is required", "required"))
    valid_from = _valid_from(data, None, errors)
    if errors:
        raise ValidationFailed(errors)
    async with session.begin():
        if tax.is_default:
            await lock_for_new_default(session, Tax, account)
        session.add(tax)
        await session.flush()
        version = TaxVersion(
            account_id=account.id, tax_id=tax.id, percentage=percentage, valid_from=valid_from
        )
        session.add(version)
        await session.flush()
        tax.current_version_id = version.id
        if tax.is_default:
            await _make_default(session, account, tax)
    return TaxWithRate(tax, version)


async def update_tax(
    session: AsyncSession, account: Account, ref: Ref, data: TaxInput
) -> TaxWithRate:
    """Rename or recode a tax; a new ``percentage`` adds a version (the old one stays for the
    lines that used it)."""
    errors: list[FieldError] = []
    async with session.begin():
        if data.is_default is True:
            await lock_for_new_default(session, Tax, account)
        tax = await fetch(session, Tax, account, ref, entity="tax", for_update=True)
        version = await _current_version(session, tax)
        if is_set(data.kind) and data.kind != tax.kind:
            errors.append(FieldError("kind", "cannot change; create another tax", "immutable"))
        if is_set(data.name):
            tax.name = check_text(data.name, "name", 120, errors, required=True)
        percentage = version.percentage
        before = len(errors)
        if is_set(data.percentage):
            percentage = check_decimal(
                data.percentage, "percentage", errors, places=4, low=-100, high=100
            )
        if len(errors) > before:
            percentage = version.percentage
        else:
            _check_rate(tax.kind, percentage, tax, data, errors)
        _check_codes(data, tax, errors)
        if percentage != version.percentage:
            valid_from = _valid_from(data, version.valid_from, errors)
            if not errors:
                version = TaxVersion(
                    account_id=account.id,
                    tax_id=tax.id,
                    percentage=percentage,
                    valid_from=valid_from,
                )
                session.add(version)
                await session.flush()
                tax.current_version_id = version.id
        if errors:
            raise ValidationFailed(errors)
        await session.flush()
        if data.is_default is True:
            await _make_default(session, account, tax)
    return TaxWithRate(tax, version)


async def _current_version(session: AsyncSession, tax: Tax) -> TaxVersion:
    version = await session.scalar(
        select(TaxVersion).where(
            TaxVersion.account_id == tax.account_id, TaxVersion.id == tax.current_version_id
        )
    )
    if version is None:
        raise NotFound("tax version", tax.current_version_id)
    return version


async def get_tax(session: AsyncSession, account: Account, ref: Ref) -> TaxWithRate:
    async with session.begin():
        tax = await fetch(session, Tax, account, ref, entity="tax")
        return TaxWithRate(tax, await _current_version(session, tax))


async def list_taxes(
    session: AsyncSession, account: Account, page: PageRequest, *, kind: str | None = None
) -> Page[Tax]:
    conditions = [Tax.account_id == account.id]
    if kind is not None:
        errors: list[FieldError] = []
        conditions.append(Tax.kind == _check_kind(kind, errors))
        if errors:
            raise ValidationFailed(errors)
    async with session.begin():
        return await paginate(
            session, Tax, conditions, page, orderable={"id": Tax.id, "name": Tax.name}
        )


async def current_rates(
    session: AsyncSession, account: Account, tax_ids: list[int]
) -> dict[int, TaxWithRate]:
    """The current version of each tax (one query), keyed by tax id."""
    if not tax_ids:
        return {}
    rows = await session.execute(
        select(Tax, TaxVersion)
        .join(
            TaxVersion,
            (TaxVersion.account_id == Tax.account_id) & (TaxVersion.id == Tax.current_version_id),
        )
        .where(Tax.account_id == account.id, Tax.id.in_(tax_ids))
    )
    return {tax.id: TaxWithRate(tax, version) for tax, version in rows}


async def vat_by_rate(session: AsyncSession, account: Account, rate: Decimal) -> TaxWithRate | None:
    """The active IVA tax of this rate."""
    return (await vat_by_rates(session, account)).get(rate)


async def vat_by_rates(
    session: AsyncSession, account: Account, kind: str = "vat"
) -> dict[Decimal, TaxWithRate]:
    """The active tax of this kind (IVA by default) of every rate (the default one where two
    share a rate), in one query: the /api dialect sends a bare ``vat_rate`` (and
    ``withholding_rate``) per item, and the items of a document ask for all their rates at
    once."""
    found: dict[Decimal, TaxWithRate] = {}
    rows = await session.execute(
        select(Tax, TaxVersion)
        .join(
            TaxVersion,
            (TaxVersion.account_id == Tax.account_id) & (TaxVersion.id == Tax.current_version_id),
        )
        .where(Tax.account_id == account.id, Tax.kind == kind, Tax.active.is_(True))
        .order_by(Tax.is_default.desc(), Tax.id)
    )
    for tax, version in rows:
        found.setdefault(version.percentage, TaxWithRate(tax, version))
    return found


async def default_vat_id(session: AsyncSession, account: Account) -> int:
    async with session.begin():
        tax_id = await session.scalar(
            select(Tax.id)
            .where(Tax.account_id == account.id, Tax.kind == "vat", Tax.active.is_(True))
            .order_by(Tax.is_default.desc(), Tax.id)
            .limit(1)
        )
    if tax_id is None:
        raise NotFound("default VAT tax")
    return tax_id
