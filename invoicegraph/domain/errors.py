"""Domain exceptions. Each face (GraphQL, REST) maps them once to its own error shapes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One offending input field: a dotted path (``items.1.quantity``), a message and a code."""

    field: str
    message: str
    code: str = "invalid"


class DomainError(Exception):
    """Base of every expected failure. ``code`` is stable and machine-readable."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(DomainError):
    """No API key, or one that does not resolve to an active key (401)."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The key is valid but its access level does not allow the operation (403)."""

    code = "forbidden"


class NotFound(DomainError):
    """Unknown id, or an id of another account: never distinguishable (404)."""

    code = "not_found"

    def __init__(self, entity: str, identifier: object | None = None) -> None:
        label = entity if identifier is None else f"{entity} {identifier}"
        super().__init__(f"{label} not found")
        self.entity = entity
        self.identifier = identifier


class PlanLimit(DomainError):
    """The account's plan does not allow this (402)."""

    code = "plan_limit"


class Conflict(DomainError):
    """The operation does not fit the object's state (409); ``fields`` names what was refused."""

    code = "conflict"

    def __init__(self, message: str, fields: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.fields = list(fields)


MAX_REPORTED_FIELDS = 50


class ValidationFailed(DomainError):
    """Invalid input (422), with every offending field. Answers list the first
    ``MAX_REPORTED_FIELDS`` (``reported``) and count the rest, so that 100,000 empty items
    cost a small answer."""

    code = "validation_failed"

    def __init__(self, fields: Iterable[FieldError], message: str = "Invalid data") -> None:
        self.fields = list(fields)
        detail = "; ".join(f"{f.field}: {f.message}" for f in self.reported)
        if self.unreported:
            detail += f"; and {self.unreported} more"
        super().__init__(f"{message}: {detail}" if detail else message)

    @property
    def reported(self) -> list[FieldError]:
        return self.fields[:MAX_REPORTED_FIELDS]

    @property
    def total(self) -> int:
        return len(self.fields)

    @property
    def unreported(self) -> int:
        """How many offending fields the answer leaves out."""
        return max(0, self.total - MAX_REPORTED_FIELDS)

    @classmethod
    def single(cls, field: str, message: str, code: str = "invalid") -> ValidationFailed:
        return cls([FieldError(field, message, code)])


class ServiceUnavailable(DomainError):
    """A dependency (the database) is unreachable (503)."""

    code = "unavailable"
