"""Which document SQL a request needs, compiled once per engine and account flavour.

An invoice's SQL depends on the engine and on two facts of the account that decide its
``e_invoicing`` block (VERI*FACTU on or off, live or sandbox host); nothing of the request's
values goes into it (those are bound parameters of the statement around it), so the texts are
cached and SQLAlchemy's statement cache sees the same text again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account
from invoicegraph.sqlread.jsontext import JsonSql, for_engine


@dataclass(frozen=True, slots=True)
class Flavour:
    """What of the account changes a document's SQL."""

    verifactu: bool  # VERI*FACTU on: issued invoices carry an e_invoicing block
    sandbox: bool  # its QR links point at the agency's test host


Compiler = Callable[[JsonSql, Flavour], str]


def engine_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


@cache
def _compiled(compiler: Compiler, engine: str, verifactu: bool, sandbox: bool) -> str:
    return compiler(for_engine(engine), Flavour(verifactu, sandbox))


def document_sql(compiler: Compiler, session: AsyncSession, account: Account) -> str:
    return _compiled(
        compiler, engine_of(session), bool(account.verifactu_enabled), bool(account.is_sandbox)
    )
