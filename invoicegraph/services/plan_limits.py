"""Counting against a plan's limits safely under concurrency.

A count followed by an insert is a race: 60 concurrent issues on a free account at 49 of 50
each count 49 and all issue. The count is therefore taken under a row lock on the account
(PostgreSQL: ``FOR NO KEY UPDATE``, which does not block the foreign-key checks of rows
inserted for the account; SQLite: its single writer already serialises), held until the
transaction that does the work commits. Only limited plans take it, so unlimited accounts
issue in parallel as before.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account


async def lock_account_for_limits(session: AsyncSession, account: Account) -> None:
    """Serialise every limited count-then-write of ``account`` until the transaction ends."""
    await session.execute(
        select(Account.id).where(Account.id == account.id).with_for_update(key_share=True)
    )
