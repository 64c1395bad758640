"""New rows written by one Core ``INSERT … RETURNING`` per table, not by the session's flush.

A flush of a new invoice (the invoice, its lines, their taxes, the event) sorts the unit of
work, walks every relationship's cascade and dependency, and runs attribute events for each
column of each row: on create + issue it was a third of the request's CPU, for four INSERTs
that a Core statement sends just the same. ``insert_new`` takes transient ORM objects of one
mapper, completes each with its Python-side column defaults, refuses unstorable text as the
flush does (``text_guard``), inserts them all in one statement (``insertmanyvalues``) whose
RETURNING brings back what the server assigns (the identity, and any column with a server
default or trigger), and leaves them *detached* and clean: every column loaded, no pending
change, exactly as if read back, without being in the session (nothing flushes them again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Column, Insert, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state

from invoicegraph.db.text_guard import refuse_unstorable


@dataclass(frozen=True, slots=True)
class _Plan:
    """What an INSERT of one mapper's rows sends and gets back."""

    # (attribute key, column key, the Python default's maker or None)
    sent: tuple[tuple[str, str, Callable[[], Any] | None], ...]
    # (attribute key, column) of what the server assigns
    returned: tuple[tuple[str, Column[Any]], ...]
    statement: Insert


def _server_assigned(column: Column[Any]) -> bool:
    if column.default is not None:  # a Python-side default: we compute it
        return False
    if column.server_default is not None or column.identity is not None:
        return True
    return bool(column.primary_key and column.autoincrement is True)


def _default_maker(column: Column[Any]) -> Callable[[], Any] | None:
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        value = default.arg  # type: ignore[attr-defined]
        return lambda: value
    if default.is_callable:
        made = default.arg  # type: ignore[attr-defined]  # SQLAlchemy wraps it to take a context
        return lambda: made(None)
    raise TypeError(f"{column}: a SQL-expression default cannot be computed before the INSERT")


@cache
def _plan(mapper: Mapper[Any]) -> _Plan:
    sent: list[tuple[str, str, Callable[[], Any] | None]] = []
    returned: list[tuple[str, Column[Any]]] = []
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        assert isinstance(column, Column)
        if _server_assigned(column):
            returned.append((attribute.key, column))
        else:
            sent.append((attribute.key, column.key, _default_maker(column)))
    table = mapper.local_table
    assert isinstance(table, Table)
    statement = insert(table).returning(
        *(column for _key, column in returned), sort_by_parameter_order=True
    )
    return _Plan(tuple(sent), tuple(returned), statement)


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
    result = await session.execute(plan.statement, values if len(values) > 1 else values[0])
    assigned = result.all()
    if len(assigned) != len(states):
        name = mapper.class_.__name__
        raise RuntimeError(f"{name}: {len(assigned)} rows came back of {len(states)}")
    for state, got in zip(states, assigned, strict=True):
        held = state.dict
        for position, (key, _column) in enumerate(plan.returned):
            held[key] = got[position]
        make_transient_to_detached(state.obj())
