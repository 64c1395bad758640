"""Defence in depth for the text rule (``domain.validation.text_problem``): whatever service
writes a row, no text with a NUL byte or a lone surrogate reaches the database. PostgreSQL
cannot store the first; the second would be stored and then fail every answer that reads it.
The faces refuse such text first, naming their own field; this refuses it at flush, naming
the column, for any path that forgot."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, Session, UOWTransaction

from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.validation import text_problem


def _problem_in(value: Any) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, dict):
        for key, item in value.items():
            found = _problem_in(key) or _problem_in(item)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = _problem_in(item)
            if found:
                return found
    return None


# column types whose values hold no text: not looked at (a flush checks every row it writes)
_NO_TEXT = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time, uuid.UUID, bytes)


@cache
def _text_columns(mapper: Mapper[Any]) -> tuple[str, ...]:
    """The attributes of ``mapper`` that may hold text (strings, JSON, unknown types)."""
    keys = []
    for attribute in mapper.column_attrs:
        try:
            python_type = attribute.columns[0].type.python_type
        except NotImplementedError:
            python_type = object
        if not (isinstance(python_type, type) and issubclass(python_type, _NO_TEXT)):
            keys.append(attribute.key)
    return tuple(keys)


def _problems(mapper: Mapper[Any], values: dict[str, Any], errors: list[FieldError]) -> None:
    for key in _text_columns(mapper):
        value = values.get(key)
        problem = _problem_in(value) if value is not None else None
        if problem is not None:
            errors.append(FieldError(key, problem, "invalid_characters"))


def refuse_unstorable(mapper: Mapper[Any], rows: Iterable[dict[str, Any]]) -> None:
    """The rule for rows written without a flush (``db/core_writes.py``): each a dict of
    ``mapper``'s attribute values."""
    errors: list[FieldError] = []
    for values in rows:
        _problems(mapper, values, errors)
    if errors:
        raise ValidationFailed(errors)


@event.listens_for(Session, "before_flush")
def _refuse_unstorable_text(session: Session, _flush: UOWTransaction, _objects: Any) -> None:
    errors: list[FieldError] = []
    for row in [*session.new, *session.dirty]:
        state = inspect(row)
        _problems(state.mapper, state.dict, errors)
    if errors:
        raise ValidationFailed(errors)
