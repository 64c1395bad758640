"""One transaction for a whole write request, so that nothing is committed that cannot be
answered.

A write request (a REST POST/PATCH/PUT/DELETE, a GraphQL mutation) runs inside a
``UnitOfWork``: every session its handler or resolvers open is the one request session, and
every ``session.begin()`` the services make becomes a *step* of the request's transaction.
The face builds and encodes its answer, stores it with the Idempotency-Key when there is one,
and only then commits. An answer that fails to build rolls everything back; a commit whose
acknowledgement is lost leaves the stored answer for the retry to replay.

A step must be undone alone when it fails and the request goes on (a GraphQL mutation that
answers a payload error, a REST error kept as an Idempotency-Key's answer). A SAVEPOINT per
step does that, at two round trips each (SAVEPOINT, RELEASE) on every request, for the rare
failing one. So a request first runs with *flat* steps that join its transaction; a flat step
that fails having written something (or holding unflushed changes, or after a database
error) marks the unit of work spoiled, and the request is run again from the start, in a new
transaction, with a SAVEPOINT per step (``run_in_unit_of_work``). The spoiled run never
commits. A step that fails having only read (not found, bad input checked before any write)
has nothing to undo and spoils nothing.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar, cast

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from invoicegraph.db.engine import Database

T = TypeVar("T")


@dataclass(slots=True)
class _Activity:
    """What the request's statements did so far: writes sent and statements that failed."""

    writes: int = 0
    errors: int = 0


# the activity of the unit of work running in this task (statements run in SQLAlchemy's
# greenlet, which sees the task's context variables)
_activity: ContextVar[_Activity | None] = ContextVar("unit_of_work_activity", default=None)
_WATCHED_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
# statements that change nothing to undo (a CTE may hide an INSERT: counted as a write)
_READS = ("SELECT", "select", "BEGIN", "PRAGMA")


def _on_statement(
    _conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
) -> None:
    activity = _activity.get()
    if activity is not None and not statement.lstrip().startswith(_READS):
        activity.writes += 1


def _on_error(_context: Any) -> None:
    activity = _activity.get()
    if activity is not None:
        activity.errors += 1


def _watch(engine: Engine) -> None:
    if engine not in _WATCHED_ENGINES:
        event.listen(engine, "before_cursor_execute", _on_statement)
        event.listen(engine, "handle_error", _on_error)
        _WATCHED_ENGINES.add(engine)


class _Spoiled(Exception):
    """A flat step failed with something to undo: the run is rolled back and made again
    with a SAVEPOINT per step."""


class _FlatStep:
    """``async with session.begin()`` inside the request's transaction, without a SAVEPOINT:
    flushes on success like a released SAVEPOINT; on failure, marks the unit of work spoiled
    unless the step left nothing to undo."""

    def __init__(self, session: RequestSession, activity: _Activity) -> None:
        self._session = session
        self._activity = activity
        self._writes = 0
        self._errors = 0

    async def __aenter__(self) -> _FlatStep:
        self._writes, self._errors = self._activity.writes, self._activity.errors
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self._session
        if exc is None:
            try:
                await session.flush()
            except Exception as failed:
                session.spoiled_by = session.spoiled_by or failed
                raise
            return
        wrote = self._activity.writes > self._writes or self._activity.errors > self._errors
        if wrote or session.new or session.dirty or session.deleted:
            session.spoiled_by = session.spoiled_by or exc


class RequestSession(AsyncSession):
    """A session whose ``begin()`` inside an open transaction is a step of it: a SAVEPOINT
    (rolled back alone when the service fails) or, on a first run, a flat step."""

    flat: _Activity | None = None
    spoiled_by: BaseException | None = None

    def begin(self) -> AsyncSessionTransaction:
        if self.in_transaction():
            if self.flat is not None:
                # used only as ``async with session.begin()``, like the transaction it stands for
                return cast(AsyncSessionTransaction, _FlatStep(self, self.flat))
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

    @property
    def savepoints(self) -> bool:
        """Whether a failing step is undone alone (else the run is made again if need be)."""
        return self.session.flat is None

    @asynccontextmanager
    async def step(self) -> AsyncIterator[None]:
        """What fails inside is undone, the request's transaction goes on (so an expected
        error can still be stored as the key's answer)."""
        async with self.session.begin():
            yield


@asynccontextmanager
async def unit_of_work(database: Database, *, savepoints: bool = True) -> AsyncIterator[UnitOfWork]:
    """Open the request transaction; commit when the block ends normally, else roll back.
    Without ``savepoints`` the steps are flat, and a block that spoiled its transaction
    raises ``_Spoiled`` instead of committing (``run_in_unit_of_work`` runs it again)."""
    session = RequestSession(**database.sessions.kw)
    token = None
    if not savepoints:
        _watch(database.engine.sync_engine)
        session.flat = _Activity()
        token = _activity.set(session.flat)
    try:
        async with session.begin():
            try:
                yield UnitOfWork(database, session)
            except Exception as exc:
                # the step's own failure, come straight out or answered as another error
                # while handling it (an IntegrityError as a 422), is what a run with
                # savepoints would answer too; anything else may come of the spoiled state
                spoiler = session.spoiled_by
                if spoiler is not None and spoiler not in (exc, exc.__context__):
                    raise _Spoiled() from exc
                raise
            if session.spoiled_by is not None:
                raise _Spoiled()
    finally:
        if token is not None:
            _activity.reset(token)
        await session.close()


async def run_in_unit_of_work(database: Database, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """``work`` in one transaction: first with flat steps (no SAVEPOINTs), and only when a
    step failed with something to undo, once more from the start with a SAVEPOINT per step.
    ``work`` may therefore run twice; only its last run commits."""
    try:
        async with unit_of_work(database, savepoints=False) as uow:
            return await work(uow)
    except _Spoiled:
        pass
    async with unit_of_work(database, savepoints=True) as uow:
        return await work(uow)
