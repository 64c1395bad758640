"""One taxpayer, one numbering, one chain: a live account's tax id is unique on the
installation (issue 14 point 2: a second ``accounts create --tax-id B86561412`` succeeded and
the taxpayer ended with several VERI*FACTU chains)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import Conflict
from invoicegraph.services.accounts import create_account, sandbox_of
from invoicegraph.services.demo import create_demo
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id


async def test_a_second_live_account_with_the_same_tax_id_is_refused(database: Database) -> None:
    tax_id = new_tax_id()
    async with database.sessions() as session:
        first = await create_account(
            session, **ISSUER_ADDRESS, name="Primera S.L.", tax_id=tax_id, verifactu=True
        )

    async with database.sessions() as session:
        with pytest.raises(Conflict) as refused:
            await create_account(
                session, **ISSUER_ADDRESS, name="Segunda S.L.", tax_id=f"ES{tax_id}"
            )

    assert refused.value.fields == ["tax_id"]
    assert tax_id in refused.value.message and "one VERI*FACTU chain" in refused.value.message
    async with database.sessions() as session, session.begin():
        live = await session.scalars(
            select(Account.name).where(Account.tax_id == tax_id, Account.is_sandbox.is_(False))
        )
        assert list(live) == ["Primera S.L."]
    async with database.sessions() as session:
        sandbox = await sandbox_of(session, first)
    assert sandbox.tax_id == tax_id  # the sandbox twin shares it and stays apart


async def test_the_database_refuses_a_second_live_account_of_a_tax_id(database: Database) -> None:
    """Also against a writer that skips the service (or races it)."""
    tax_id = new_tax_id()
    async with database.sessions() as session:
        await create_account(session, **ISSUER_ADDRESS, name="Primera S.L.", tax_id=tax_id)

    async with database.sessions() as session:
        with pytest.raises(IntegrityError):
            async with session.begin():
                await session.execute(
                    insert(Account).values(
                        name="Gemela S.L.", tax_id=tax_id, country="ES", is_sandbox=False
                    )
                )


async def test_the_demo_account_is_made_once_and_each_run_gives_a_new_key(
    database: Database,
) -> None:
    first = await create_demo(database)
    second = await create_demo(database)

    assert first != second and second.startswith("fv_live_")
