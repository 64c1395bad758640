"""``UNSET``: the difference between "not sent" and "sent as null" in update inputs."""

from __future__ import annotations

import enum
from typing import TypeAlias, TypeGuard, TypeVar

T = TypeVar("T")


class _Unset(enum.Enum):
    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset.UNSET
Unset: TypeAlias = _Unset
Maybe: TypeAlias = T | _Unset


def is_set(value: T | _Unset) -> TypeGuard[T]:
    return value is not UNSET
