"""Clients (the seeds' *contacts*): create, update, search, and race-safe find-or-create."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.account_ids import next_id
from invoicegraph.db.models import Account, Client
from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.tax_ids import normalise_tax_id
from invoicegraph.domain.validation import text_problem
from invoicegraph.domain.webhooks import EventType
from invoicegraph.services.events import record
from invoicegraph.services.pagination import Page, PageRequest, paginate
from invoicegraph.services.refs import Ref, fetch
from invoicegraph.services.unset import UNSET, Maybe, is_set

LIMITS = {
    "name": 255,
    "email": 255,
    "phone": 40,
    "address": 255,
    "city": 120,
    "province": 120,
    "postal_code": 20,
    "notes": 5000,
}


@dataclass(slots=True)
class ClientInput:
    """Fields of a client; ``UNSET`` means "leave as is" (updates) or "not given"."""

    name: Maybe[str] = UNSET
    tax_id: Maybe[str | None] = UNSET
    email: Maybe[str | None] = UNSET
    phone: Maybe[str | None] = UNSET
    address: Maybe[str | None] = UNSET
    city: Maybe[str | None] = UNSET
    province: Maybe[str | None] = UNSET
    postal_code: Maybe[str | None] = UNSET
    country: Maybe[str] = UNSET
    notes: Maybe[str | None] = UNSET


def _clean(
    data: ClientInput,
    *,
    creating: bool,
    current_country: str = "ES",
    current_tax_id: str | None = None,
) -> dict[str, object]:
    """Validate every field at once so the caller hears about all offending fields.

    A tax id is checked against the client's country, so a new country re-checks the stored
    tax id too: a Spanish NIF is no longer a valid id once the client is French.
    """
    errors: list[FieldError] = []
    values: dict[str, object] = {}
    for f in fields(data):
        value = getattr(data, f.name)
        if not is_set(value):
            continue
        if isinstance(value, str):
            value = value.strip()
            problem = text_problem(value)
            if problem is not None:
                errors.append(FieldError(f.name, problem, "invalid_characters"))
                continue
            limit = LIMITS.get(f.name)
            if limit is not None and len(value) > limit:
                errors.append(FieldError(f.name, f"at most {limit} characters", "too_long"))
                continue
        values[f.name] = value if value != "" or f.name == "name" else None
    reported = {e.field for e in errors}
    if creating and not values.get("name") and "name" not in reported:
        errors.append(FieldError("name", "is required", "required"))
    elif "name" in values and not values["name"]:
        errors.append(FieldError("name", "must not be empty", "required"))
    country = values.get("country", current_country)
    country_ok = isinstance(country, str) and len(country) == 2 and country.isalpha()
    if not isinstance(country, str) or not country_ok:
        # a tax id cannot be checked against an unknown country: report the country alone
        errors.append(FieldError("country", "must be an ISO 3166-1 alpha-2 code such as ES"))
    else:
        country = country.upper()
        if "country" in values:
            values["country"] = country
    tax_id = values.get("tax_id")
    if "tax_id" not in values and "country" in values and current_tax_id is not None:
        tax_id = current_tax_id
    if isinstance(tax_id, str) and isinstance(country, str) and country_ok:
        try:
            values["tax_id"] = normalise_tax_id(tax_id, country)
        except ValidationFailed as exc:
            errors.extend(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    return values


def _duplicate_tax_id() -> ValidationFailed:
    return ValidationFailed.single("tax_id", "another client has this tax id", "duplicate")


async def create_client(session: AsyncSession, account: Account, data: ClientInput) -> Client:
    """Create a client. A tax id names one client per account; the unique index settles a
    race that the read-before-insert cannot."""
    values = _clean(data, creating=True)
    try:
        async with session.begin():
            if values.get("tax_id") and await _tax_id_taken(session, account, values["tax_id"]):
                raise _duplicate_tax_id()
            client = Client(account_id=account.id, **values)
            session.add(client)
            await session.flush()
            await record(session, account, EventType.CLIENT_CREATED, client)
    except IntegrityError:
        raise _duplicate_tax_id() from None
    return client


async def update_client(
    session: AsyncSession, account: Account, ref: Ref, data: ClientInput
) -> Client:
    """Change what ``data`` sends; ``UNSET`` keeps a field and ``None`` clears it."""
    try:
        async with session.begin():
            client = await fetch(session, Client, account, ref, entity="client", for_update=True)
            values = _clean(
                data,
                creating=False,
                current_country=client.country,
                current_tax_id=client.tax_id,
            )
            tax_id = values.get("tax_id")
            if tax_id and await _tax_id_taken(session, account, tax_id, besides=client.id):
                raise _duplicate_tax_id()
            for name, value in values.items():
                setattr(client, name, value)
            await session.flush()
    except IntegrityError:
        raise _duplicate_tax_id() from None
    return client


async def _tax_id_taken(
    session: AsyncSession, account: Account, tax_id: object, *, besides: int | None = None
) -> bool:
    statement = select(Client.id).where(Client.account_id == account.id, Client.tax_id == tax_id)
    if besides is not None:
        statement = statement.where(Client.id != besides)
    return await session.scalar(statement.limit(1)) is not None


async def get_client(session: AsyncSession, account: Account, ref: Ref) -> Client:
    async with session.begin():
        return await fetch(session, Client, account, ref, entity="client")


async def list_clients(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    *,
    search: str | None = None,
    tax_id: str | None = None,
) -> Page[Client]:
    conditions = client_conditions(account, search=search, tax_id=tax_id)
    async with session.begin():
        return await paginate(session, Client, conditions, page, orderable=ORDERABLE)


def client_conditions(
    account: Account, *, search: str | None = None, tax_id: str | None = None
) -> list[Any]:
    """The list's conditions, shared with the SQL-built answers (``invoicegraph.sqlread``)."""
    conditions: list[Any] = [Client.account_id == account.id]
    if search is not None:
        term = search.strip()
        if len(term) < 3:
            raise ValidationFailed.single("search", "at least 3 characters", "too_short")
        term = term.lower()
        conditions.append(
            or_(
                func.lower(Client.name).contains(term, autoescape=True),
                func.lower(Client.tax_id).contains(term, autoescape=True),
                func.lower(Client.email).contains(term, autoescape=True),
            )
        )
    if tax_id is not None:
        conditions.append(Client.tax_id == tax_id.strip().upper().replace(" ", ""))
    return conditions


ORDERABLE = {"id": Client.id, "name": Client.name, "created_at": Client.created_at}


async def find_or_create_client(
    session: AsyncSession, account: Account, data: ClientInput
) -> tuple[Client, bool]:
    """Return the client with this tax id, creating it from ``data`` when there is none.

    Race-safe: the insert is ``ON CONFLICT DO NOTHING`` against the (account, tax id) unique
    index, so of any number of concurrent calls exactly one creates the row and the others
    read it. Returns ``(client, created)``.
    """
    missing = not is_set(data.tax_id) or not (data.tax_id or "").strip()
    required = (
        [FieldError("tax_id", "is required to find or create", "required")] if missing else []
    )
    try:
        values = _clean(data, creating=True)
    except ValidationFailed as exc:
        raise ValidationFailed([*exc.fields, *required]) from None
    if required:
        raise ValidationFailed(required)
    by_tax_id = (
        select(Client)
        .where(Client.account_id == account.id, Client.tax_id == values["tax_id"])
        .execution_options(populate_existing=True)
    )
    async with session.begin():
        # the usual case, a client already there, reads it and takes no id from the counter
        client = await session.scalar(by_tax_id)
        if client is not None:
            return client, False
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":  # no trigger gives the id there (invoicegraph.db.account_ids)
            values["id"] = next_id("clients", account.id)
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(Client)
            .values(account_id=account.id, **values)
            .on_conflict_do_nothing(
                index_elements=["account_id", "tax_id"],
                index_where=Client.tax_id.is_not(None),
            )
            .returning(Client.id)
        )
        # a concurrent request may have created it since: then this inserts nothing
        new_id = await session.scalar(statement)
        client = await session.scalar(by_tax_id)
        assert client is not None
        if new_id is not None:
            await record(session, account, EventType.CLIENT_CREATED, client)
    return client, new_id is not None
