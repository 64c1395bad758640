"""Rows written by Core statements, not by the session's flush: new rows by one
``INSERT … RETURNING`` per table, a known row's changed columns by one ``UPDATE``.

A flush of a new invoice (the invoice, its lines, their taxes, the event) sorts the unit of
work, walks every relationship's cascade and dependency, and runs attribute events for each
column of each row: on create + issue it was a third of the request's CPU, for four INSERTs
that a Core statement sends just the same. ``insert_new`` takes transient ORM objects of one
mapper, completes each with its Python-side column defaults, refuses unstorable text as the
flush does (``text_guard``), inserts them all in one statement (``insertmanyvalues``) whose
RETURNING brings back what the server assigns (the identity, and any column with a server
default or trigger), and leaves them *detached* and clean: every column loaded, no pending
change, exactly as if read back, without being in the session (nothing flushes them again).
``update_row`` sends the columns of a persistent row that differ from what it holds (and its
``onupdate`` ones) and sets them on it as committed values: the row is not left dirty.
``new_row`` makes such a transient row without the constructor's attribute events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Column, Insert, Table, Update, bindparam, insert, inspect, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from invoicegraph.db.account_ids import COUNTED_TABLES, next_id
from invoicegraph.db.text_guard import refuse_unstorable

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class _Plan:
    """What an INSERT of one mapper's rows sends and gets back."""

    # (attribute key, column key, the Python default's maker or None)
    sent: tuple[tuple[str, str, Callable[[], Any] | None], ...]
    # (attribute key, column) of what the server assigns
    returned: tuple[tuple[str, Column[Any]], ...]
    statement: Insert
    # attribute key -> column key, and the ``onupdate`` makers by attribute key
    columns: dict[str, str]
    on_update: tuple[tuple[str, Callable[[], Any]], ...]


def _server_assigned(column: Column[Any]) -> bool:
    if column.default is not None:  # a Python-side default: we compute it
        return False
    if column.server_default is not None or column.identity is not None:
        return True
    return bool(column.primary_key and column.autoincrement is True)


def _default_maker(column: Column[Any], default: Any) -> Callable[[], Any] | None:
    if default is None:
        return None
    if default.is_scalar:
        value = default.arg
        return lambda: value
    if default.is_callable:
        made = default.arg  # SQLAlchemy wraps it to take a context
        return lambda: made(None)
    raise TypeError(f"{column}: a SQL-expression default cannot be computed before the INSERT")


@cache
def _plan(mapper: Mapper[Any]) -> _Plan:
    sent: list[tuple[str, str, Callable[[], Any] | None]] = []
    returned: list[tuple[str, Column[Any]]] = []
    columns: dict[str, str] = {}
    on_update: list[tuple[str, Callable[[], Any]]] = []
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        assert isinstance(column, Column)
        columns[attribute.key] = column.key
        if _server_assigned(column):
            returned.append((attribute.key, column))
        else:
            sent.append((attribute.key, column.key, _default_maker(column, column.default)))
        maker = _default_maker(column, column.onupdate)
        if maker is not None:
            on_update.append((attribute.key, maker))
    table = mapper.local_table
    assert isinstance(table, Table)
    statement = insert(table).returning(
        *(column for _key, column in returned), sort_by_parameter_order=True
    )
    return _Plan(tuple(sent), tuple(returned), statement, columns, tuple(on_update))


def new_row(model: type[R], **values: Any) -> R:
    """A transient ``model`` holding ``values``, for ``insert_new``: the declarative
    constructor sets each through its instrumented attribute (an event and its history per
    column, a backref per related row), ~0.1 ms for a line of 15 columns, which nothing reads
    of a row the session never flushes. A relationship's value is its collection, set as
    loaded (its rows' backrefs stay unset)."""
    columns, relationships, manager = _attributes(inspect(model))
    row: R = manager.new_instance()
    held = instance_state(row).dict
    for key, value in values.items():
        if key in columns:
            held[key] = value
        elif key in relationships:
            set_committed_value(row, key, value)
        else:
            raise TypeError(f"{model.__name__} has no column or relationship {key!r}")
    return row


@cache
def _attributes(mapper: Mapper[Any]) -> tuple[frozenset[str], frozenset[str], Any]:
    columns = frozenset(attribute.key for attribute in mapper.column_attrs)
    return columns, frozenset(mapper.relationships.keys()), mapper.class_manager


@cache
def _counted_on_sqlite(statement: Insert) -> Insert:
    """``statement`` with the id each row's place in it gives (``account_ids.next_id``)."""
    name = statement.table.name
    place: Any = bindparam("counted_place")
    return statement.values(id=next_id(name, bindparam("counted_account"), place))


async def insert_new(session: AsyncSession, rows: Sequence[Any]) -> None:
    """INSERT ``rows`` (transient objects of one mapper, relationships already set) in one
    statement; afterwards each has every column (its defaults, the server's values) and is
    detached and clean. Related objects are inserted by their own call, parents first."""
    if not rows:
        return
    states = [instance_state(row) for row in rows]
    mapper = states[0].mapper
    plan = _plan(mapper)
    values: list[dict[str, Any]] = []
    for state in states:
        if state.mapper is not mapper or state.key is not None or state.session_id is not None:
            raise ValueError(f"insert_new takes transient {mapper.class_.__name__} rows only")
        held = state.dict
        row: dict[str, Any] = {}
        for key, column_key, default in plan.sent:
            if key in held:
                value = held[key]
            else:
                value = held[key] = default() if default is not None else None
            row[column_key] = value
        values.append(row)
    refuse_unstorable(mapper, (state.dict for state in states))
    statement = plan.statement
    if statement.table.name in COUNTED_TABLES and session.get_bind().dialect.name == "sqlite":
        # no BEFORE trigger can give these ids on SQLite: the INSERT computes them
        statement = _counted_on_sqlite(statement)
        for place, row in enumerate(values, 1):
            row["counted_account"], row["counted_place"] = row["account_id"], place
    result = await session.execute(statement, values if len(values) > 1 else values[0])
    assigned = result.all()
    if len(assigned) != len(states):
        name = mapper.class_.__name__
        raise RuntimeError(f"{name}: {len(assigned)} rows came back of {len(states)}")
    for state, got in zip(states, assigned, strict=True):
        held = state.dict
        for position, (key, _column) in enumerate(plan.returned):
            held[key] = got[position]
        make_transient_to_detached(state.obj())


@cache
def _update_statement(mapper: Mapper[Any], columns: tuple[str, ...]) -> Update:
    """The UPDATE of these columns of one row by its primary key, built once per set of
    columns: a request binds its values only (a statement built per call with its values
    took ~0.3 ms of coercions and a cache key walk before its cached compiled form was found)."""
    table = mapper.local_table
    assert isinstance(table, Table)
    return (
        update(table)
        .where(*(column == bindparam(f"key_{column.key}") for column in mapper.primary_key))
        .values({name: bindparam(f"set_{name}") for name in columns})
    )


async def update_row(session: AsyncSession, row: Any, values: dict[str, Any]) -> None:
    """UPDATE the persistent ``row``'s columns in ``values`` (by attribute key) that differ
    from what it holds, with its ``onupdate`` columns, by its primary key; ``row`` then holds
    them as committed values. What the session holds unflushed is flushed first, so the
    database sees the changes in the order they were made."""
    state = instance_state(row)
    if state.key is None:
        raise ValueError("update_row takes a row that is in the database")
    held = state.dict
    changed = {key: value for key, value in values.items() if key not in held or held[key] != value}
    if not changed:
        return
    await session.flush()
    mapper = state.mapper
    plan = _plan(mapper)
    for key, maker in plan.on_update:
        if key not in changed:
            changed[key] = maker()
    refuse_unstorable(mapper, [changed])
    identity = mapper.primary_key_from_instance(row)
    sent = tuple(sorted(plan.columns[key] for key in changed))
    statement = _update_statement(mapper, sent)
    parameters = {f"set_{plan.columns[key]}": value for key, value in changed.items()}
    for column, value in zip(mapper.primary_key, identity, strict=True):
        parameters[f"key_{column.key}"] = value
    result = await session.execute(statement, parameters)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDataError(f"{mapper.class_.__name__} {identity}: the row is gone")
    for key, value in changed.items():
        set_committed_value(row, key, value)
