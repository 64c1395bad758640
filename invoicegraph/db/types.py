"""Column types that keep money exact and time zones honest on both databases.

SQLite has no exact decimal type (SQLAlchemy would round-trip NUMERIC through float), so on
SQLite a ``Decimal`` is stored as an integer scaled by ``10**scale``: exact, and it still sorts
and sums correctly in SQL. PostgreSQL gets a real ``NUMERIC(precision, scale)``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactDecimal(TypeDecorator[Decimal]):
    """``Decimal`` with a fixed scale: NUMERIC on PostgreSQL, a scaled BIGINT on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2) -> None:
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)
        self._factor = Decimal(10) ** scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            if isinstance(value, float):
                raise TypeError("money and quantities must be Decimal, never float")
            value = Decimal(value)
        exact = value.quantize(self._quantum)
        if exact != value:
            raise ValueError(f"{value} has more than {self.scale} decimals")
        if dialect.name == "sqlite":
            return int(exact * self._factor)
        return exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / self._factor).quantize(self._quantum)
        if isinstance(value, Decimal):
            return value  # asyncpg already decodes NUMERIC(p, s) with exactly s places
        return Decimal(value).quantize(self._quantum)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal

    def __repr__(self) -> str:
        # Alembic renders a user type with repr(); keep precision and scale in migrations.
        return f"ExactDecimal({self.precision}, {self.scale})"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes stored in UTC; SQLite would otherwise silently drop the offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError("datetimes must be timezone-aware")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    @property
    def python_type(self) -> type[dt.datetime]:
        return dt.datetime


Money = ExactDecimal(18, 2)
Quantity = ExactDecimal(18, 4)
UnitPrice = ExactDecimal(18, 6)
Percentage = ExactDecimal(9, 4)
Rate = ExactDecimal(18, 6)
