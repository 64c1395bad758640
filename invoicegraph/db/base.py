"""Declarative base and the tenant row every table shares.

Every tenant table's primary key is ``(account_id, id)``: the account leads every key and
index so the data distributes by account (Citus) without changing the model, and composite
foreign keys make a cross-tenant reference impossible at the database level. ``id`` is the
stable integer id the ``/v1`` dialect speaks (counted per account for the rows it shows:
``AccountCountedRow``); ``uuid`` is the public id of GraphQL and ``/api``.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod

from sqlalchemy import BigInteger, FetchedValue, ForeignKey, Identity, MetaData, Uuid, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from invoicegraph.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantRow:
    """Columns shared by every tenant table: ``(account_id, id)`` key, public ``uuid``, times."""

    @declared_attr
    @classmethod
    def account_id(cls) -> Mapped[int]:
        return mapped_column(
            BigInteger,
            ForeignKey("accounts.id", ondelete="CASCADE"),
            primary_key=True,
            sort_order=-10,
        )

    id: Mapped[int] = mapped_column(
        BigInteger, Identity(), primary_key=True, autoincrement=True, sort_order=-9
    )
    uuid: Mapped[uuid_mod.UUID] = mapped_column(Uuid, default=uuid_mod.uuid4, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp(), nullable=False
    )


class AccountCountedRow(TenantRow):
    """A tenant row whose ``id`` is counted per account (``invoicegraph.db.account_ids``): the
    database (PostgreSQL's trigger) or the insert (SQLite) assigns it, never a shared identity."""

    id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        server_default=FetchedValue(),
        sort_order=-9,
    )
    # the id comes from the database, so a many-row INSERT … RETURNING matches its rows to
    # the objects by their uuid (made here, unique) and stays one statement
    uuid: Mapped[uuid_mod.UUID] = mapped_column(
        Uuid, default=uuid_mod.uuid4, nullable=False, insert_sentinel=True
    )
