"""JSON errors for every HTTP face: never a traceback, never SQL, always a clear message."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from invoicegraph.domain.errors import ServiceUnavailable
from invoicegraph.http.request_info import current_request_id

log = logging.getLogger("invoicegraph.http")

DATABASE_DOWN_MESSAGE = "the database is unreachable; retry shortly"
# SQLSTATEs that say "the server cannot take us now", not "the statement is wrong": class 08
# (connection exception), a shutdown or start-up in progress (57P01 admin shutdown, 57P02
# crash shutdown, 57P03 cannot connect now) and a full server (53300 too many connections)
UNAVAILABLE_SQLSTATES = ("57P01", "57P02", "57P03", "53300")
# what the exception middleware answers 503 for (see install_error_handlers)
CONNECTION_ERRORS: tuple[type[Exception], ...] = (ServiceUnavailable, DBAPIError, OSError)


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


def _sqlstate(exc: BaseException) -> str:
    """The SQLSTATE of a database error, wrapped by SQLAlchemy (``orig``) or not."""
    state = getattr(getattr(exc, "orig", None), "sqlstate", None) or getattr(exc, "sqlstate", None)
    return state if isinstance(state, str) else ""


def is_connection_error(exc: BaseException) -> bool:
    """True when the database could not be reached (as opposed to a bad statement)."""
    if isinstance(exc, ServiceUnavailable | OperationalError | InterfaceError | ConnectionError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state.startswith("08") or state in UNAVAILABLE_SQLSTATES:
        return True
    return isinstance(exc, OSError)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
        exc.status_code, "http_error"
    )
    return JSONResponse(
        error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    if is_connection_error(exc):
        log.warning("database unreachable during %s %s", request.method, request.url.path)
        return JSONResponse(
            error_body("service_unavailable", DATABASE_DOWN_MESSAGE),
            status_code=503,
            headers={"Retry-After": "5"},
        )
    # once, with the traceback and the request id (the edge observer does not log it again)
    log.exception(
        "unexpected error during %s %s",
        request.method,
        request.url.path,
        extra={"fields": {"request_id": current_request_id()}},
    )
    return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)


def install_error_handlers(app: Starlette) -> None:
    app.add_exception_handler(HTTPException, _http_exception)
    # Database failures go to the exception middleware too: a handler for plain ``Exception``
    # runs in the server-error middleware, which re-raises after answering, so uvicorn logs a
    # traceback and closes the client's keep-alive connection on every request of an outage.
    for kind in CONNECTION_ERRORS:
        app.add_exception_handler(kind, _unexpected)
    app.add_exception_handler(Exception, _unexpected)
