"""What every REST route shares: authentication, access level, rate limit, bounded JSON body,
idempotency, and the mapping of domain errors to each dialect's status codes and shapes.

A route is a plain ``async def handler(call: Call) -> Response``; the route table
(``operation.py``) wraps it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from invoicegraph.db.engine import Database
from invoicegraph.db.unit_of_work import UnitOfWork, run_in_unit_of_work
from invoicegraph.domain.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    PlanLimit,
    ServiceUnavailable,
    Unauthenticated,
    ValidationFailed,
)
from invoicegraph.domain.validation import parse_id, text_problem
from invoicegraph.http.jsonio import (
    JSONBody,
    MalformedBody,
    PayloadTooLarge,
    UnsupportedMediaType,
    parse_json,
    read_body,
)
from invoicegraph.http.ratelimit import RateLimiter
from invoicegraph.http.request_info import note_caller
from invoicegraph.http_errors import DATABASE_DOWN_MESSAGE, is_connection_error
from invoicegraph.services import idempotency, public_ids
from invoicegraph.services.api_keys import AuthContext, authenticate
from invoicegraph.services.refs import Ref
from invoicegraph.settings import Settings

log = logging.getLogger("invoicegraph.rest")


class PreconditionFailed(DomainError):
    """``If-Match`` names another version than the current one (412)."""

    code = "precondition_failed"


STATUS = {
    Unauthenticated: 401,
    PlanLimit: 402,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    ValidationFailed: 422,
    PreconditionFailed: 412,
    MalformedBody: 400,
    ServiceUnavailable: 503,
}


def status_of(exc: DomainError) -> int:
    for kind, status in STATUS.items():
        if isinstance(exc, kind):
            return status
    return 400


@dataclass(slots=True)
class Call:
    """One authenticated REST request, as a handler sees it."""

    request: Request
    auth: AuthContext
    database: Database
    body: Any
    dialect: Dialect
    params: Any = None  # the query string, parsed by the operation's model

    @property
    def sql_reads(self) -> bool:
        """Reads answer JSON the database writes (``invoicegraph.sqlread``)."""
        settings: Settings = self.request.app.state.settings
        return settings.sql_reads

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.database.sessions() as session:
            yield session

    def path_ref(self, name: str = "id") -> Ref:
        return self.dialect.parse_ref(self.request.path_params[name], name)

    def json(
        self, content: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        return JSONBody(content, status_code=status, headers=headers)


Handler = Callable[[Call], Awaitable[Response]]


class Dialect:
    """A REST face: how it names ids and how it shapes errors."""

    name = "rest"
    id_kind = "uuid"
    operations: list[Any]  # the route table (rest/operation.py), for OpenAPI and tests
    # what OpenAPI says of it: its tag, and the models of its error answers and of its 422s
    description: str
    error_model: type[BaseModel]
    invalid_model: type[BaseModel]

    def query(self, request: Request) -> dict[str, str]:
        return dict(request.query_params)

    def parse_ref(self, raw: str, name: str) -> Ref:
        if self.id_kind == "int":
            number = parse_id(raw)
            if number is not None:
                return number
            raise NotFound("resource", raw)
        try:
            return uuid.UUID(raw)
        except ValueError:
            raise NotFound("resource", raw) from None

    def field_name(self, name: str) -> str:
        """The dialect's name of a field a service reported."""
        return name

    def error_body(self, exc: DomainError) -> dict[str, Any]:
        body: dict[str, Any] = {"code": exc.code, "message": exc.message}
        if isinstance(exc, ValidationFailed):
            body["fields"] = [
                {"field": f.field, "message": f.message, "code": f.code} for f in exc.reported
            ]
            if exc.unreported:
                body["field_count"] = exc.total  # only the first ones are listed
        if isinstance(exc, Conflict) and exc.fields:
            body["fields"] = [
                {"field": f, "message": exc.message, "code": "conflict"} for f in exc.fields
            ]
        return {"error": body}

    def error(self, exc: DomainError, headers: dict[str, str] | None = None) -> Response:
        return JSONBody(self.error_body(exc), status_code=status_of(exc), headers=headers)

    async def run(
        self, request: Request, handler: Handler, *, write: bool, admin: bool = False
    ) -> Response:
        database: Database = request.app.state.database
        settings: Settings = request.app.state.settings
        limiter: RateLimiter = request.app.state.rate_limiter
        rate_headers: dict[str, str] = {}
        try:
            async with database.sessions() as session:
                auth = await authenticate(session, request.headers.get("authorization"))
            note_caller(auth.account.id, auth.key.id)
            decision = await limiter.check(str(auth.key.id))
            rate_headers = decision.headers()
            if not decision.allowed:
                too_many = _TooMany("too many requests; retry after Retry-After seconds")
                return JSONBody(self.error_body(too_many), status_code=429, headers=rate_headers)
            _check_url_texts(request)
            if admin:
                auth.require_admin()
            elif write:
                auth.require_write()
            body: Any = None
            raw = b""
            if request.method in ("POST", "PATCH", "PUT"):
                raw = await read_body(request, settings.max_body_bytes)
                body = parse_json(raw, request.headers.get("content-type"))
            call = Call(request, auth, database, body, self)
            # the answer names the rows the handler's transactions loaded without re-reading
            # them (``services.public_ids``)
            with public_ids.remembering():
                if request.method in WRITE_METHODS:
                    response = await self._in_one_transaction(call, handler, raw)
                else:
                    response = await handler(call)
        except DomainError as exc:
            response = self.error(exc)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            log.warning("database unreachable during %s %s", request.method, request.url.path)
            response = self.error(ServiceUnavailable(DATABASE_DOWN_MESSAGE), {"Retry-After": "5"})
        response.headers.update(rate_headers)
        return response

    async def _in_one_transaction(self, call: Call, handler: Handler, raw: bytes) -> Response:
        """Run a write so that nothing commits that cannot be answered: the handler's sessions
        are one transaction, its answer is encoded before the commit, and an Idempotency-Key
        is claimed and answered in that same transaction (``db.unit_of_work``). It runs again
        with SAVEPOINTs should a step fail with something to undo (``run_in_unit_of_work``),
        each run from the request as it came (the handler replaces ``call``'s body and query
        with their parsed models)."""

        async def attempt(uow: UnitOfWork) -> Response:
            with public_ids.remembering():  # nothing seen by a run rolled back
                return await self._write_once(
                    replace(call, database=uow.database), uow, handler, raw
                )

        try:
            return await run_in_unit_of_work(call.database, attempt)
        except _RolledBack as failed:
            return failed.response

    async def _write_once(
        self, call: Call, uow: UnitOfWork, handler: Handler, raw: bytes
    ) -> Response:
        request, auth = call.request, call.auth
        key = request.headers.get("idempotency-key")
        if key is None or request.method not in ("POST", "PATCH"):
            response = await handler(call)
            _check_encoded(response)
            return response
        fingerprint = idempotency.request_fingerprint(request.method, request.url.path, raw)
        stored = await idempotency.claim(uow.session, auth.account, self.name, key, fingerprint)
        if stored is not None:
            headers = {**stored.headers, "Idempotent-Replayed": "true"}
            return Response(stored.body, status_code=stored.status, headers=headers)
        try:
            async with uow.step():
                response = await handler(call)
                _check_encoded(response)
        except DomainError as exc:  # undone, and kept as the key's answer
            response = self.error(exc)
        media = response.headers.get("content-type", "application/json")
        answer = idempotency.StoredAnswer(
            status=response.status_code,
            headers={"content-type": media},
            body=bytes(response.body),
        )
        await idempotency.record(uow.session, auth.account, self.name, key, answer)
        return response


WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


def _check_url_texts(request: Request) -> None:
    """The text rule on the query string (``?search=a%00b``): a NUL cannot reach a database
    parameter, whatever route reads it. (A path id that is no id is simply not found.)"""
    errors = []
    for name, value in request.query_params.multi_items():
        problem = text_problem(name) or text_problem(str(value))
        if problem is not None:
            errors.append(FieldError(name if not text_problem(name) else "query", problem))
    if errors:
        raise ValidationFailed(errors)


class _RolledBack(Exception):
    """A write answered 5xx: its transaction is rolled back, the answer still sent."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _check_encoded(response: Response) -> None:
    if not isinstance(getattr(response, "body", None), bytes):
        raise TypeError("a write's answer must be encoded before its transaction commits")
    if response.status_code >= 500:
        raise _RolledBack(response)


class _TooMany(DomainError):
    code = "rate_limited"


def file_response(content: bytes, media_type: str, name: str, *, save: bool = False) -> Response:
    """A document to show (``inline``) or, with ``save``, to download as ``name``."""
    disposition = f'{"attachment" if save else "inline"}; filename="{name}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
