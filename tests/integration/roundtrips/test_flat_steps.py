"""A request's steps join its transaction without SAVEPOINTs; a step that fails having
written something has the request run again from the start with a SAVEPOINT per step, so
what it wrote is undone and what the other steps did is kept (``db/unit_of_work.py``)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Client
from invoicegraph.db.unit_of_work import UnitOfWork, run_in_unit_of_work
from invoicegraph.domain.errors import Conflict, NotFound, ValidationFailed
from invoicegraph.services.clients import ClientInput, create_client, get_client
from tests.integration.roundtrips.test_write_statements import count_statements


def _client(name: str, tax_id: str | None = None) -> ClientInput:
    return ClientInput(
        name=name, tax_id=tax_id, address="Calle Mayor 2", city="Madrid", postal_code="28001"
    )


async def _names(database: Database, account: Account) -> list[str]:
    async with database.sessions() as session:
        rows = await session.scalars(
            select(Client.name).where(Client.account_id == account.id).order_by(Client.id)
        )
        return list(rows)


async def test_a_step_that_fails_after_writing_is_undone_alone(
    database: Database, account: Account
) -> None:
    runs: list[bool] = []

    async def work(uow: UnitOfWork) -> None:
        runs.append(uow.savepoints)
        async with uow.database.sessions() as session:
            await create_client(session, account, _client("Kept"))
            try:
                async with session.begin():
                    await create_client(session, account, _client("Undone"))
                    raise Conflict("a rule found broken after the write")
            except Conflict:
                pass  # the request goes on, as a mutation answering a payload error does
            await create_client(session, account, _client("Also kept"))

    with count_statements(database) as statements:
        await run_in_unit_of_work(database, work)
    assert runs == [False, True]  # flat first, spoiled; then with SAVEPOINTs
    assert await _names(database, account) == ["Kept", "Also kept"]
    assert statements.count("COMMIT") == 1
    assert any(s.startswith("ROLLBACK TO SAVEPOINT") for s in statements)


async def test_a_step_that_fails_having_only_read_spoils_nothing(
    database: Database, account: Account
) -> None:
    runs: list[bool] = []

    async def work(uow: UnitOfWork) -> None:
        runs.append(uow.savepoints)
        async with uow.database.sessions() as session:
            await create_client(session, account, _client("Kept"))
            with pytest.raises(NotFound):
                await get_client(session, account, uuid.uuid4())
            await create_client(session, account, _client("Also kept"))

    with count_statements(database) as statements:
        await run_in_unit_of_work(database, work)
    assert runs == [False]
    assert await _names(database, account) == ["Kept", "Also kept"]
    assert not [s for s in statements if "SAVEPOINT" in s], statements


async def test_a_failure_that_ends_the_request_rolls_it_back_once(
    database: Database, account: Account
) -> None:
    runs: list[bool] = []

    async def work(uow: UnitOfWork) -> None:
        runs.append(uow.savepoints)
        async with uow.database.sessions() as session:
            await create_client(session, account, _client("Undone too"))
            async with session.begin():
                await create_client(session, account, _client("Undone"))
                raise Conflict("a rule found broken after the write")

    with pytest.raises(Conflict):
        await run_in_unit_of_work(database, work)
    assert runs == [False]  # the answer is the step's own error: nothing to run again for
    assert await _names(database, account) == []


async def test_a_database_error_turned_into_a_domain_error_is_answered_without_a_rerun(
    database: Database, account: Account
) -> None:
    """The unique index settles a duplicate tax id the read before the insert missed: the
    service answers the IntegrityError as a 422 while handling it."""
    runs: list[bool] = []
    async with database.sessions() as session:
        await create_client(session, account, _client("First", "B27346063"))

    async def work(uow: UnitOfWork) -> None:
        runs.append(uow.savepoints)
        async with uow.database.sessions() as session, session.begin():
            session.add(Client(account_id=account.id, name="Second", tax_id="B27346063"))
            await session.flush()

    with pytest.raises(Exception) as raised:
        await run_in_unit_of_work(database, work)
    assert "unique" in str(raised.value).lower() or "duplicate" in str(raised.value).lower()
    assert runs == [False]

    async def translated(uow: UnitOfWork) -> None:
        runs.append(uow.savepoints)
        async with uow.database.sessions() as session:
            try:
                async with session.begin():
                    session.add(Client(account_id=account.id, name="Second", tax_id="B27346063"))
                    await session.flush()
            except Exception:
                raise ValidationFailed.single("tax_id", "taken", "duplicate") from None

    runs.clear()
    with pytest.raises(ValidationFailed):
        await run_in_unit_of_work(database, translated)
    assert runs == [False]
    assert await _names(database, account) == ["First"]


async def test_work_that_goes_on_after_a_database_error_is_run_again_with_savepoints(
    database: Database, account: Account
) -> None:
    """On PostgreSQL a failed statement aborts the transaction: only a SAVEPOINT lets the
    request go on, so the flat run is given up and made again."""
    runs: list[bool] = []
    async with database.sessions() as session:
        await create_client(session, account, _client("First", "B27346063"))

    async def work(uow: UnitOfWork) -> None:
        runs.append(uow.savepoints)
        async with uow.database.sessions() as session:
            try:
                async with session.begin():
                    session.add(Client(account_id=account.id, name="Second", tax_id="B27346063"))
                    await session.flush()
            except Exception:
                pass
            await create_client(session, account, _client("Third"))

    await run_in_unit_of_work(database, work)
    assert runs == [False, True]
    assert await _names(database, account) == ["First", "Third"]


async def test_a_request_whose_steps_succeed_sends_no_savepoint(
    database: Database, account: Account
) -> None:
    async def work(uow: UnitOfWork) -> None:
        async with uow.database.sessions() as session:
            await create_client(session, account, _client("Counted"))

    with count_statements(database) as statements:
        await run_in_unit_of_work(database, work)
    assert not [s for s in statements if "SAVEPOINT" in s], statements
    assert statements.count("COMMIT") == 1
    assert await _names(database, account) == ["Counted"]
