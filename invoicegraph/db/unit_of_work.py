"""One transaction for a whole write request, so that nothing is committed that cannot be
answered.

A write request (a REST POST/PATCH/PUT/DELETE, a GraphQL mutation) runs inside a
``UnitOfWork``: every session its handler or resolvers open is the one request session, and
every ``session.begin()`` the services make becomes a SAVEPOINT inside the request's
transaction. The face builds and encodes its answer, stores it with the Idempotency-Key when
there is one, and only then commits. An answer that fails to build rolls everything back; a
commit whose acknowledgement is lost leaves the stored answer for the retry to replay.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from invoicegraph.db.engine import Database


class RequestSession(AsyncSession):
    """A session whose ``begin()`` inside an open transaction is a SAVEPOINT: a service's
    transaction becomes a step of the request's, rolled back alone when the service fails."""

    def begin(self) -> AsyncSessionTransaction:
        if self.in_transaction():
            return self.begin_nested()
        return super().begin()


class _Borrowed:
    """``async with uow.sessions() as session``: the request session, one task at a time
    (DataLoader batches run concurrently; an ``AsyncSession`` must never be shared by two)."""

    def __init__(self, shared: _SharedSessions) -> None:
        self._shared = shared
        self._owned = False

    async def __aenter__(self) -> AsyncSession:
        task = asyncio.current_task()
        if self._shared.owner is not task:  # re-entrant within one task
            await self._shared.lock.acquire()
            self._shared.owner = task
            self._owned = True
        return self._shared.session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._owned:
            self._shared.owner = None
            self._shared.lock.release()


class _SharedSessions(async_sessionmaker[AsyncSession]):
    """Stands in for the database's session factory while a unit of work is open."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self.session = session
        self.lock = asyncio.Lock()
        self.owner: asyncio.Task[Any] | None = None

    def __call__(self, **local_kw: Any) -> AsyncSession:
        return _Borrowed(self)  # type: ignore[return-value]  # used only as ``async with``


class UnitOfWork:
    """The request's session and transaction, and a ``Database`` handing out that session."""

    def __init__(self, database: Database, session: RequestSession) -> None:
        self.session = session
        self.database = Database(engine=database.engine, sessions=_SharedSessions(session))

    @asynccontextmanager
    async def step(self) -> AsyncIterator[None]:
        """A SAVEPOINT: what fails inside is undone, the request's transaction goes on (so an
        expected error can still be stored as the key's answer)."""
        async with self.session.begin_nested():
            yield


@asynccontextmanager
async def unit_of_work(database: Database) -> AsyncIterator[UnitOfWork]:
    """Open the request transaction; commit when the block ends normally, else roll back."""
    session = RequestSession(**database.sessions.kw)
    try:
        async with session.begin():
            yield UnitOfWork(database, session)
    finally:
        await session.close()
