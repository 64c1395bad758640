"""The issuer's own data, changed by admin keys and the CLI.

An account is one taxpayer: its legal name, tax id and address are printed on every invoice it
issues (RD 1619/2012 art. 6.1), so they are set here and snapshotted on each invoice when it is
issued; an issued invoice keeps what it was issued with. The sandbox twin repeats the live
account's identity, so both change together.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from invoicegraph.db.models import Account, Invoice
from invoicegraph.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from invoicegraph.domain.tax_ids import normalise_tax_id
from invoicegraph.domain.validation import check_text
from invoicegraph.pdf.formatting import DATE_FORMATS, MONEY_FORMATS
from invoicegraph.pdf.labels import LANGUAGES
from invoicegraph.services.accounts import ensure_tax_id_free, flush_unique_tax_id
from invoicegraph.services.unset import UNSET, Maybe, is_set

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


@functools.cache
def _time_zones() -> frozenset[str]:
    """The IANA names, looked up by membership: ``ZoneInfo(name)`` opens a file of that name,
    so a directory ("Europe") or an over-long name failed with an OS error, not a refusal."""
    return frozenset(zoneinfo.available_timezones())


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_COUNTRY = re.compile(r"[A-Z]{2}")
# (field, column length, required): free texts of the issuer's identity
_TEXTS = (
    ("name", 255, True),
    ("trade_name", 255, False),
    ("address", 255, False),
    ("city", 120, False),
    ("province", 120, False),
    ("postal_code", 20, False),
    ("phone", 40, False),
)


@dataclass(slots=True)
class AccountSettings:
    """What an update sends; UNSET leaves a setting as it is, None clears an optional one."""

    name: Maybe[str] = UNSET
    trade_name: Maybe[str | None] = UNSET
    tax_id: Maybe[str] = UNSET
    address: Maybe[str | None] = UNSET
    city: Maybe[str | None] = UNSET
    province: Maybe[str | None] = UNSET
    postal_code: Maybe[str | None] = UNSET
    country: Maybe[str] = UNSET
    email: Maybe[str | None] = UNSET
    phone: Maybe[str | None] = UNSET
    iban: Maybe[str | None] = UNSET
    default_lang: Maybe[str] = UNSET
    default_date_format: Maybe[str] = UNSET
    default_money_format: Maybe[str] = UNSET
    default_currency: Maybe[str] = UNSET
    brand_color: Maybe[str | None] = UNSET
    timezone: Maybe[str] = UNSET
    verifactu_enabled: Maybe[bool] = UNSET


def _clean(account: Account, data: AccountSettings) -> dict[str, object]:
    """The validated new values, every offending field reported at once."""
    errors: list[FieldError] = []
    values: dict[str, object] = {}
    for name, limit, required in _TEXTS:
        value = getattr(data, name)
        if not is_set(value):
            continue
        if value is None and required:
            errors.append(FieldError(name, "must not be null", "required"))
            continue
        text = check_text(value, name, limit, errors, required=required)
        values[name] = text if required else (text or None)
    country = data.country if is_set(data.country) else account.country
    if is_set(data.country):
        country = (data.country or "").strip().upper()
        if not _COUNTRY.fullmatch(country):
            errors.append(FieldError("country", "an ISO 3166 alpha-2 code such as ES"))
        values["country"] = country
    if is_set(data.tax_id):
        try:
            values["tax_id"] = normalise_tax_id(data.tax_id or "", country)
        except ValidationFailed as exc:
            errors.extend(exc.fields)
    if is_set(data.email):
        email = (data.email or "").strip() or None
        if email is not None and (len(email) > 255 or not _EMAIL.fullmatch(email)):
            errors.append(FieldError("email", "not an e-mail address"))
        values["email"] = email
    if is_set(data.iban):
        iban = (data.iban or "").strip() or None
        if iban is not None:
            try:
                iban = str(stdnum_iban.validate(iban))
            except StdnumError as exc:
                errors.append(FieldError("iban", f"not a valid IBAN: {exc}"))
        values["iban"] = iban
    _choice(data.default_lang, "default_lang", LANGUAGES, values, errors)
    _choice(data.default_date_format, "default_date_format", DATE_FORMATS, values, errors)
    _choice(data.default_money_format, "default_money_format", MONEY_FORMATS, values, errors)
    if is_set(data.default_currency):
        currency = (data.default_currency or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            errors.append(FieldError("default_currency", "an ISO 4217 code such as EUR"))
        values["default_currency"] = currency
    if is_set(data.brand_color):
        colour = (data.brand_color or "").strip() or None
        if colour is not None and not _COLOUR.fullmatch(colour):
            errors.append(FieldError("brand_color", "a colour as #RRGGBB"))
        values["brand_color"] = colour.upper() if colour else None
    if is_set(data.timezone):
        if data.timezone is None:
            errors.append(FieldError("timezone", "must not be null", "required"))
        else:
            if data.timezone not in _time_zones():
                errors.append(FieldError("timezone", "an IANA time zone such as Europe/Madrid"))
            values["timezone"] = data.timezone
    if is_set(data.verifactu_enabled):
        if data.verifactu_enabled is None:  # null is not "off": VERI*FACTU is turned off by false
            errors.append(FieldError("verifactu_enabled", "must not be null", "required"))
        else:
            values["verifactu_enabled"] = data.verifactu_enabled
    if errors:
        raise ValidationFailed(errors)
    return values


def _choice(
    value: Maybe[str],
    name: str,
    allowed: tuple[str, ...],
    values: dict[str, object],
    errors: list[FieldError],
) -> None:
    if not is_set(value):
        return
    if value not in allowed:
        errors.append(FieldError(name, f"must be one of {', '.join(allowed)}", "invalid_choice"))
    values[name] = value


async def update_account(session: AsyncSession, account: Account, data: AccountSettings) -> Account:
    """Change the live ``account`` and its sandbox twin; returns the live account."""
    if account.is_sandbox:
        raise Conflict("account settings are changed on the live account", ["account"])
    values = _clean(account, data)
    async with session.begin():
        live = await session.scalar(
            select(Account).where(Account.id == account.id).with_for_update()
        )
        if live is None:
            raise NotFound("account", account.uuid)
        new_tax_id = values.get("tax_id")
        if new_tax_id is not None and new_tax_id != live.tax_id:
            issued = await session.scalar(
                select(Invoice.id)
                .where(Invoice.account_id == live.id, Invoice.status != "draft")
                .limit(1)
            )
            if issued is not None:
                # the tax id names the taxpayer of the series and of the VERI*FACTU chain
                raise Conflict(
                    "the tax id cannot change once the account has issued invoices: "
                    "another taxpayer is another account",
                    ["tax_id"],
                )
            await ensure_tax_id_free(session, str(new_tax_id), except_account_id=live.id)
        sandbox = await session.scalar(select(Account).where(Account.live_account_id == live.id))
        for target in (live, sandbox):
            if target is None:
                continue
            for name, value in values.items():
                setattr(target, name, value)
        await flush_unique_tax_id(session, str(values.get("tax_id", live.tax_id)))
    return live


async def list_accounts(session: AsyncSession) -> list[Account]:
    """Every live account of the installation (for operators), oldest first."""
    async with session.begin():
        rows = await session.scalars(
            select(Account).where(Account.is_sandbox.is_(False)).order_by(Account.id)
        )
        return list(rows)


SETTINGS_FIELDS = tuple(f.name for f in fields(AccountSettings))
