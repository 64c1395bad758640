"""Public ids of the rows an invoice or quote points at (for faces that speak UUIDs).

Rows link each other by their internal integer ids; the Facturovia dialect speaks UUIDs, so
the client, series and original invoice of a page of documents are translated in one query
per kind (never one per document).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Client, Invoice, Quote, Series


@dataclass(slots=True)
class PublicIds:
    clients: dict[int, uuid.UUID] = field(default_factory=dict)
    invoices: dict[int, uuid.UUID] = field(default_factory=dict)
    series: dict[int, tuple[uuid.UUID, str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Seen:
    series: dict[tuple[int, int], tuple[uuid.UUID, str]] = field(default_factory=dict)


# The series a request's own transactions loaded (the series an invoice was just numbered
# in), by (account id, row id): the answer names it without asking the database again. A
# series' code may change, so this is scoped to one request by ``remembering``: a value is
# never older than the request.
_seen: ContextVar[_Seen | None] = ContextVar("public_ids_seen", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    """Within the block, the public ids of loaded series are kept for the answer."""
    token = _seen.set(_Seen())
    try:
        yield
    finally:
        _seen.reset(token)


# A client's uuid never changes and its id is never reused, so what any request has loaded
# stays true: kept for the whole process (bounded).
_CLIENT_UUIDS: dict[tuple[int, int], uuid.UUID] = {}
CLIENT_UUIDS_KEPT = 50_000


@event.listens_for(Client, "load")
@event.listens_for(Client, "refresh")
def _seen_client(client: Client, *_args: Any) -> None:
    if len(_CLIENT_UUIDS) >= CLIENT_UUIDS_KEPT:
        _CLIENT_UUIDS.clear()
    _CLIENT_UUIDS[client.account_id, client.id] = client.uuid


@event.listens_for(Series, "load")
@event.listens_for(Series, "refresh")
def _seen_series(series: Series, *_args: Any) -> None:
    seen = _seen.get()
    if seen is not None:
        seen.series[series.account_id, series.id] = (series.uuid, series.code)


async def _uuids(
    session: AsyncSession, model: type[Client] | type[Invoice], account: Account, ids: set[int]
) -> dict[int, uuid.UUID]:
    if not ids:
        return {}
    rows = await session.execute(
        select(model.id, model.uuid).where(model.account_id == account.id, model.id.in_(ids))
    )
    return {row_id: row_uuid for row_id, row_uuid in rows}


def _ids(values: Iterable[int | None]) -> set[int]:
    return {value for value in values if value is not None}


async def invoice_public_ids(
    session: AsyncSession, account: Account, invoices: Sequence[Invoice]
) -> PublicIds:
    seen = _seen.get() or _Seen()
    clients: dict[int, uuid.UUID] = {}
    client_ids: set[int] = set()
    for client_id in _ids(i.client_id for i in invoices):
        known = _CLIENT_UUIDS.get((account.id, client_id))
        if known is None:
            client_ids.add(client_id)
        else:
            clients[client_id] = known
    series: dict[int, tuple[uuid.UUID, str]] = {}
    series_ids: set[int] = set()
    for series_id in _ids(i.series_id for i in invoices):
        named = seen.series.get((account.id, series_id))
        if named is None:
            series_ids.add(series_id)
        else:
            series[series_id] = named
    async with session.begin():
        clients.update(await _uuids(session, Client, account, client_ids))
        found = PublicIds(
            clients=clients,
            invoices=await _uuids(
                session, Invoice, account, _ids(i.rectifies_invoice_id for i in invoices)
            ),
            series=series,
        )
        if series_ids:
            rows = await session.execute(
                select(Series.id, Series.uuid, Series.code).where(
                    Series.account_id == account.id, Series.id.in_(series_ids)
                )
            )
            found.series.update({row_id: (row_uuid, code) for row_id, row_uuid, code in rows})
    return found


async def quote_public_ids(
    session: AsyncSession, account: Account, quotes: Sequence[Quote]
) -> PublicIds:
    async with session.begin():
        return PublicIds(
            clients=await _uuids(session, Client, account, _ids(q.client_id for q in quotes)),
            invoices=await _uuids(
                session, Invoice, account, _ids(q.converted_invoice_id for q in quotes)
            ),
        )
