"""Integer ids counted per account, for the rows whose ``id`` the ``/v1`` dialect and GraphQL's
``legacyId`` show: clients, taxes, products, series, payment methods, due-date terms, invoices
and quotes, and invoice lines (a rectificative line names the line it negates by its id).

One sequence shared by every tenant would let a tenant count the others' activity from the
gaps between its own ids (hardening finding 14). These tables' key is ``(account_id, id)``
already, with composite foreign keys, so ``id`` only needs to be unique within its account:
``account_counters`` holds the last id given per account and table, and a new row takes the
next one in its own transaction. The counter's row lock serialises an account's creations of
one kind (only until that transaction ends) and nobody else's; a rolled-back creation leaves a
gap in its own account's ids, never another account's. An id is never given twice, even after
its row is deleted.

PostgreSQL assigns it in a ``BEFORE INSERT`` trigger (the INSERT's ``RETURNING id`` brings it
back, so an insert costs no extra statement). SQLite cannot change a row in a BEFORE trigger:
there the INSERT computes the id itself (``next_id``: the counter + the row's place in the
statement, which the ORM's ``before_insert`` event and ``core_writes.insert_new`` put in) and an
``AFTER INSERT`` trigger moves the counter — no extra statement either, and safe because SQLite
writes one transaction at a time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, column, event, func, literal, select, table
from sqlalchemy.engine import Connection

COUNTERS = "account_counters"
COUNTED_TABLES = (
    "clients",
    "taxes",
    "products",
    "series",
    "payment_methods",
    "due_date_terms",
    "invoices",
    "quotes",
    # GraphQL shows a rectificative line's ``rectifiesLineId``
    "invoice_lines",
)

_counters = table(COUNTERS, column("account_id"), column("table_name"), column("last_id"))


def next_id(name: str, account: Any, offset: Any = 1) -> ColumnElement[Any]:
    """SQLite: the id an INSERT gives its row — the account's counter, plus the row's place
    among the rows of one statement (SQLite reads the counter once per statement; its AFTER
    INSERT trigger moves it past every id inserted)."""
    last = select(_counters.c.last_id).where(
        _counters.c.account_id == account, _counters.c.table_name == literal(name)
    )
    counted: ColumnElement[Any] = func.coalesce(last.scalar_subquery(), 0) + offset
    return counted


def _before_insert(_mapper: Any, connection: Connection, target: Any) -> None:
    if connection.dialect.name == "sqlite" and target.id is None:
        target.id = next_id(target.__tablename__, target.account_id)


def count_per_account(model: type[Any]) -> type[Any]:
    """Class decorator: the model's ``id`` comes from its account's counter."""
    assert model.__tablename__ in COUNTED_TABLES
    event.listen(model, "before_insert", _before_insert)
    return model


PG_FUNCTION = f"""
CREATE FUNCTION account_counted_id() RETURNS trigger AS $$
BEGIN
    IF NEW.id IS NULL THEN
        INSERT INTO {COUNTERS} (account_id, table_name, last_id)
        VALUES (NEW.account_id, TG_TABLE_NAME, 1)
        ON CONFLICT (account_id, table_name)
        DO UPDATE SET last_id = {COUNTERS}.last_id + 1
        RETURNING last_id INTO NEW.id;
    ELSE
        -- an id given explicitly still moves the counter past it
        INSERT INTO {COUNTERS} (account_id, table_name, last_id)
        VALUES (NEW.account_id, TG_TABLE_NAME, NEW.id)
        ON CONFLICT (account_id, table_name)
        DO UPDATE SET last_id = GREATEST({COUNTERS}.last_id, NEW.id);
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql
"""  # noqa: S608 -- constants only


def pg_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_account_counted_id BEFORE INSERT ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION account_counted_id()"
    )


def sqlite_trigger(name: str) -> str:
    return (
        f"CREATE TRIGGER {name}_account_counted_id AFTER INSERT ON {name} FOR EACH ROW BEGIN "  # noqa: S608
        f"INSERT INTO {COUNTERS} (account_id, table_name, last_id) "
        f"VALUES (NEW.account_id, '{name}', NEW.id) ON CONFLICT (account_id, table_name) "
        f"DO UPDATE SET last_id = MAX(last_id, excluded.last_id); END"
    )
