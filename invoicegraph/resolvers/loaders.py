"""DataLoaders: one query per batch, each batch on its own short-lived session (an
``AsyncSession`` must never be shared by the concurrent tasks a GraphQL response spawns)."""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from strawberry.dataloader import DataLoader

from invoicegraph.db.engine import Database
from invoicegraph.db.models import (
    Account,
    Client,
    Invoice,
    InvoiceLine,
    Quote,
    QuoteLine,
    Series,
)

K = TypeVar("K")
V = TypeVar("V")


class Loaders:
    """The loaders of one request, all scoped to the caller's account.

    Each loader is made on first use: a DataLoader and its batch function refer to each other
    and to this object, a cycle only the garbage collector frees, and most requests (a
    compiled page, a mutation) use none of them; the ones never made are never collected."""

    def __init__(self, database: Database, account: Account | None) -> None:
        self.database = database
        self.account = account
        # lines prefetched for the invoices of a page, by the invoice object (id → object, lines)
        self._page_lines: dict[int, tuple[object, list[Any]]] = {}

    @cached_property
    def clients_by_id(self) -> DataLoader[int, Client | None]:
        return self._by_id(Client)

    @cached_property
    def series_by_id(self) -> DataLoader[int, Series | None]:
        return self._by_id(Series)

    @cached_property
    def invoices_by_id(self) -> DataLoader[int, Invoice | None]:
        return self._by_id(Invoice)

    @cached_property
    def lines_by_invoice_id(self) -> DataLoader[int, list[InvoiceLine]]:
        return DataLoader(self._batch(self._lines_by_invoice))

    @cached_property
    def quote_lines_by_quote_id(self) -> DataLoader[int, list[QuoteLine]]:
        return DataLoader(self._batch(self._lines_by_quote))

    @cached_property
    def rectifications_by_invoice_id(self) -> DataLoader[int, list[Invoice]]:
        return DataLoader(self._batch(self._rectifications))

    @cached_property
    def e_invoicing_by_invoice_id(self) -> DataLoader[int, Any]:
        return DataLoader(self._batch(self._e_invoicing))

    def keep_page_lines(self, invoice: object, lines: list[Any]) -> None:
        self._page_lines[id(invoice)] = (invoice, lines)

    def page_lines(self, invoice: object) -> list[Any] | None:
        """The lines prefetched for this very invoice object, if any."""
        kept = self._page_lines.get(id(invoice))
        return kept[1] if kept is not None and kept[0] is invoice else None

    def _batch(
        self, work: Callable[[AsyncSession, Account, Sequence[K]], Awaitable[list[V]]]
    ) -> Callable[[list[K]], Awaitable[list[V]]]:
        async def load(keys: list[K]) -> list[V]:
            assert self.account is not None, "loaders need an authenticated account"
            async with self.database.sessions() as session, session.begin():
                return await work(session, self.account, keys)

        return load

    def _by_id(self, model: Any) -> DataLoader[int, Any]:
        async def work(session: AsyncSession, account: Account, keys: Sequence[int]) -> list[Any]:
            rows = await session.scalars(
                select(model).where(model.account_id == account.id, model.id.in_(keys))
            )
            found = {row.id: row for row in rows}
            return [found.get(key) for key in keys]

        return DataLoader(self._batch(work))

    @staticmethod
    async def _lines_by_invoice(
        session: AsyncSession, account: Account, keys: Sequence[int]
    ) -> list[list[InvoiceLine]]:
        rows = await session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.account_id == account.id, InvoiceLine.invoice_id.in_(keys))
            .options(selectinload(InvoiceLine.taxes))
            .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
        )
        grouped: dict[int, list[InvoiceLine]] = defaultdict(list)
        for row in rows:
            grouped[row.invoice_id].append(row)
        return [grouped.get(key, []) for key in keys]

    @staticmethod
    async def _lines_by_quote(
        session: AsyncSession, account: Account, keys: Sequence[int]
    ) -> list[list[QuoteLine]]:
        rows = await session.scalars(
            select(QuoteLine)
            .where(QuoteLine.account_id == account.id, QuoteLine.quote_id.in_(keys))
            .options(selectinload(QuoteLine.taxes))
            .order_by(QuoteLine.quote_id, QuoteLine.position)
        )
        grouped: dict[int, list[QuoteLine]] = defaultdict(list)
        for row in rows:
            grouped[row.quote_id].append(row)
        return [grouped.get(key, []) for key in keys]

    @staticmethod
    async def _rectifications(
        session: AsyncSession, account: Account, keys: Sequence[int]
    ) -> list[list[Invoice]]:
        rows = await session.scalars(
            select(Invoice)
            .where(Invoice.account_id == account.id, Invoice.rectifies_invoice_id.in_(keys))
            .order_by(Invoice.id)
        )
        grouped: dict[int, list[Invoice]] = defaultdict(list)
        for row in rows:
            assert row.rectifies_invoice_id is not None
            grouped[row.rectifies_invoice_id].append(row)
        return [grouped.get(key, []) for key in keys]

    @staticmethod
    async def _e_invoicing(
        session: AsyncSession, account: Account, keys: Sequence[int]
    ) -> list[Any]:
        if not account.verifactu_enabled:
            return [None for _ in keys]
        from invoicegraph.services.verifactu.state import e_invoicing_states

        states = await e_invoicing_states(session, account, list(keys))
        return [states.get(key) for key in keys]


class LineRecord:
    """An invoice line read for display only (``resolvers/prefetch.py``): a named tuple of the
    selected columns and its taxes (``record_class``); no ORM state to build."""

    __slots__ = ()


class LineTaxRecord:
    """A line's tax read for display only: a named tuple of the selected columns."""

    __slots__ = ()


@lru_cache(maxsize=256)
def record_class(base: type, names: tuple[str, ...]) -> Any:
    """A named tuple of ``names`` that is also a ``base`` (what the GraphQL types accept)."""
    row = namedtuple(base.__name__ + "Row", names)  # type: ignore[misc]
    return type(base.__name__, (row, base), {"__slots__": ()})


def loaded_relationship(obj: object, name: str) -> Any | None:
    """The already-loaded value of a relationship, or None when it would need a query.

    SQLAlchemy keeps a loaded attribute in the instance's ``__dict__`` (an unloaded one is
    absent), which is much cheaper to ask than ``inspect(obj).attrs[name]``."""
    return obj.__dict__.get(name)


__all__ = ["LineRecord", "LineTaxRecord", "Loaders", "Quote", "loaded_relationship", "record_class"]
