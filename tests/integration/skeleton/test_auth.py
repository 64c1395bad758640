"""API keys: hashed at rest, resolved in one place, refused when bad, revoked or mis-shaped."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, ApiKey
from invoicegraph.domain.api_keys import generate_key, parse_key
from invoicegraph.domain.errors import Forbidden, PlanLimit, Unauthenticated
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import authenticate, create_key, revoke_key
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id


async def test_a_new_key_is_stored_only_as_a_hash(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        created = await create_key(session, account, access="write")
    assert created.text.startswith("fv_live_")
    async with database.sessions() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.account_id == account.id))
    assert row is not None
    secret = created.text.rsplit("_", 1)[1]
    assert secret not in row.secret_hash and created.text not in row.secret_hash
    assert len(row.secret_hash) == 64


async def test_a_good_key_resolves_to_account_key_and_mode(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        created = await create_key(session, account, access="read")
    async with database.sessions() as session:
        auth = await authenticate(session, f"Bearer {created.text}")
    assert auth.account.id == account.id and auth.owner.id == account.id
    assert auth.mode == "live" and auth.access == "read"
    assert auth.key.last_used_at is not None
    with pytest.raises(Forbidden):
        auth.require_write()


async def test_a_test_key_works_on_the_sandbox(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        created = await create_key(session, account, access="admin", mode="test")
    assert created.text.startswith("fv_test_")
    async with database.sessions() as session:
        auth = await authenticate(session, f"Bearer {created.text}")
    assert auth.account.is_sandbox and auth.account.live_account_id == account.id
    assert auth.owner.id == account.id and auth.test_mode
    auth.require_admin()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic abc",
        "Bearer sk_live_abc",
        "Bearer fv_live_notakey",
        "Bearer fv_prod_" + "0" * 32 + "_" + "a" * 40,
    ],
)
async def test_missing_or_malformed_keys_are_unauthenticated(
    database: Database, header: str | None
) -> None:
    async with database.sessions() as session:
        with pytest.raises(Unauthenticated):
            await authenticate(session, header)


async def test_a_wrong_secret_or_unknown_account_is_refused(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        created = await create_key(session, account, access="write")
    wrong_secret = created.text[:-1] + ("a" if created.text[-1] != "a" else "b")
    unknown_account = generate_key("live", __import__("uuid").uuid4()).text
    for text in (wrong_secret, unknown_account):
        async with database.sessions() as session:
            with pytest.raises(Unauthenticated, match="invalid API key"):
                await authenticate(session, f"Bearer {text}")


async def test_the_mode_in_the_text_must_match_the_key(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        created = await create_key(session, account, access="write", mode="test")
    forged = created.text.replace("fv_test_", "fv_live_", 1)
    async with database.sessions() as session:
        with pytest.raises(Unauthenticated):
            await authenticate(session, f"Bearer {forged}")


async def test_a_revoked_key_is_refused(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        created = await create_key(session, account, access="write")
    async with database.sessions() as session:
        await revoke_key(session, account, created.key.uuid)
    async with database.sessions() as session:
        with pytest.raises(Unauthenticated, match="revoked"):
            await authenticate(session, f"Bearer {created.text}")


async def test_the_free_plan_caps_the_number_of_keys(database: Database) -> None:
    async with database.sessions() as session:
        free = await create_account(
            session, **ISSUER_ADDRESS, name="Free S.L.", tax_id=new_tax_id()
        )
    for _ in range(3):
        async with database.sessions() as session:
            await create_key(session, free, access="read")
    async with database.sessions() as session:
        with pytest.raises(PlanLimit):
            await create_key(session, free, access="read")


def test_key_text_round_trips() -> None:
    import uuid

    account_uuid = uuid.uuid4()
    new = generate_key("live", account_uuid)
    parsed = parse_key(new.text)
    assert parsed is not None
    assert parsed.account_uuid == account_uuid and parsed.secret_hash == new.secret_hash
    assert parse_key(new.text + "x") is None
