"""Public ids of the rows an invoice or quote points at (for faces that speak UUIDs).

Rows link each other by their internal integer ids; the Facturovia dialect speaks UUIDs, so
the client, series and original invoice of a page of documents are translated in one query
per kind (never one per document).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Client, Invoice, Quote, Series


@dataclass(slots=True)
class PublicIds:
    clients: dict[int, uuid.UUID] = field(default_factory=dict)
    invoices: dict[int, uuid.UUID] = field(default_factory=dict)
    series: dict[int, tuple[uuid.UUID, str]] = field(default_factory=dict)


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
    async with session.begin():
        found = PublicIds(
            clients=await _uuids(session, Client, account, _ids(i.client_id for i in invoices)),
            invoices=await _uuids(
                session, Invoice, account, _ids(i.rectifies_invoice_id for i in invoices)
            ),
        )
        series_ids = _ids(i.series_id for i in invoices)
        if series_ids:
            rows = await session.execute(
                select(Series.id, Series.uuid, Series.code).where(
                    Series.account_id == account.id, Series.id.in_(series_ids)
                )
            )
            found.series = {row_id: (row_uuid, code) for row_id, row_uuid, code in rows}
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
