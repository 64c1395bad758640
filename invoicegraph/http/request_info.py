"""What the edge knows about the request in flight: its id, who called, what it ran.

The faces fill it in (the caller once authenticated, GraphQL its operation); the edge
middleware reads it for the access line and the metrics. It lives in a context variable set
for the request's task, so any code (and any log line) running for the request reaches it.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token
from dataclasses import dataclass, field

HEADER = "x-request-id"
# a client's id is kept when it is short and plain (it goes into headers and log lines)
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


@dataclass(slots=True)
class RequestInfo:
    request_id: str
    account_id: str | None = None
    key_id: str | None = None
    operation: str | None = None  # GraphQL: the operation's name (or "anonymous")
    error_codes: list[str] = field(default_factory=list)


_current: ContextVar[RequestInfo | None] = ContextVar("invoicegraph_request", default=None)


def request_id_from(header: bytes | None) -> str:
    """The client's ``X-Request-Id`` when it is acceptable, else a new one."""
    if header is not None:
        text = header.decode("latin-1")
        if _ACCEPTED_ID.fullmatch(text):
            return text
    return uuid.uuid4().hex


def begin(info: RequestInfo) -> Token[RequestInfo | None]:
    return _current.set(info)


def end(token: Token[RequestInfo | None]) -> None:
    _current.reset(token)


def current() -> RequestInfo | None:
    return _current.get()


def current_request_id() -> str | None:
    info = _current.get()
    return info.request_id if info else None


def note_caller(account_id: object, key_id: object) -> None:
    """Who called, for the access line: the account and the key's id (never the key)."""
    info = _current.get()
    if info is not None:
        info.account_id, info.key_id = str(account_id), str(key_id)


def note_operation(name: str) -> None:
    info = _current.get()
    if info is not None:
        info.operation = name


def note_error_codes(codes: list[str]) -> None:
    info = _current.get()
    if info is not None:
        info.error_codes.extend(codes)
