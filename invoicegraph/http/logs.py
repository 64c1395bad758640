"""Log lines: one structured access line per request, and the request id on every line.

``LOG_FORMAT=json`` writes one JSON object per line (for a log pipeline); ``text`` writes
the message followed by ``key=value`` pairs. Both carry the request id of the request that
was running when the line was written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson
from graphql import GraphQLError

from invoicegraph.http.request_info import current_request_id

ACCESS_LOGGER = "invoicegraph.access"
STRAWBERRY_LOGGER = "strawberry.execution"
_BASE_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request in flight (``request_id``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, "fields", None)
    extra = dict(fields) if isinstance(fields, dict) else {}
    request_id = getattr(record, "request_id", None)
    if request_id and "request_id" not in extra:
        extra["request_id"] = request_id
    return extra


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        pairs = " ".join(f"{k}={v}" for k, v in _fields(record).items() if v is not None)
        if not pairs:
            return line
        head, newline, rest = line.partition("\n")  # the traceback stays below the line
        return f"{head} {pairs}{newline}{rest}"


class ExpectedGraphQLErrors(logging.Filter):
    """Strawberry logs every GraphQL error with its traceback; the ones the client caused (a
    code, or no original exception: syntax, validation, a bad literal) are already in the
    answer and in the access line, so only the unexpected ones are logged (once, with the
    traceback and the request id)."""

    def __init__(self, expected: Callable[[GraphQLError], bool]) -> None:
        super().__init__()
        self.expected = expected

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        return not (isinstance(error, GraphQLError) and self.expected(error))


def quiet_expected_graphql_errors(expected: Callable[[GraphQLError], bool]) -> None:
    logger = logging.getLogger(STRAWBERRY_LOGGER)
    if not any(isinstance(f, ExpectedGraphQLErrors) for f in logger.filters):
        logger.addFilter(ExpectedGraphQLErrors(expected))


def logging_config(log_format: str) -> dict[str, Any]:
    """``logging.config.dictConfig`` for the server (uvicorn applies it in every worker)."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"()": TextFormatter},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "invoicegraph": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "strawberry": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            # our access line replaces uvicorn's
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
