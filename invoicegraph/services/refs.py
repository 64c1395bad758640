"""Fetching an account's row by either of its ids: the UUID (GraphQL, /api) or the integer
(/v1). Another account's id is simply not found."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account

Ref = uuid.UUID | int
M = TypeVar("M")


def is_row_id(ref: object) -> bool:
    """An integer that can be a row id (BIGINT): larger ones would overflow the database."""
    return isinstance(ref, int) and not isinstance(ref, bool) and 0 < ref < 2**63


def ref_filter(model: Any, account: Account, ref: Ref) -> list[Any]:
    column = model.uuid if isinstance(ref, uuid.UUID) else model.id
    return [model.account_id == account.id, column == ref]


async def fetch(
    session: AsyncSession,
    model: type[M],
    account: Account,
    ref: Ref,
    *,
    entity: str,
    for_update: bool = False,
) -> M:
    from invoicegraph.domain.errors import NotFound

    if isinstance(ref, bool) or (isinstance(ref, int) and not 0 < ref < 2**63):
        raise NotFound(entity, ref)
    statement = select(model).where(*ref_filter(model, account, ref))
    if for_update:
        statement = statement.with_for_update()
    row = await session.scalar(statement)
    if row is None:
        raise NotFound(entity, ref)
    return row
