"""JSON in and out for the HTTP faces (REST and GraphQL): bounded bodies, exact decimals.

Money goes out as JSON numbers written from the ``Decimal`` itself (``3937.5``, ``-270``), as
the seeds show, never through a float; it comes in parsed as ``Decimal`` for the same reason.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from invoicegraph.domain.errors import DomainError
from invoicegraph.domain.validation import ascii_digits


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class MalformedBody(DomainError):
    code = "malformed_json"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value != 0 else "0"
        return orjson.Fragment(text)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(payload: Any) -> bytes:
    return orjson.dumps(payload, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


class JSONBody(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and ascii_digits(declared) and int(declared) > max_bytes:
        raise PayloadTooLarge(f"the request body exceeds {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"the request body exceeds {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


MAX_DEPTH = 32
TOO_MANY_DIGITS = "the request body holds a number with too many digits"


def parse_json(raw: bytes, media_type: str | None = "application/json") -> Any:
    """Parse a JSON body with decimals kept exact; refuse a body sent as another media type
    (415), and what is not JSON or nests absurdly (400). An empty body is no body."""
    if not raw.strip():
        return None
    media = (media_type or "").split(";")[0].strip().lower()
    if media != "application/json" and not (
        media.startswith("application/") and media.endswith("+json")
    ):
        raise UnsupportedMediaType("send the body as Content-Type: application/json")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("the request body is not UTF-8") from None
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:
        raise MalformedBody("the request body nests too deeply") from None
    except json.JSONDecodeError as exc:
        raise MalformedBody(f"the request body is not valid JSON: {exc}") from None
    except ValueError:  # Python's own limit on integer digits, whose message names internals
        raise MalformedBody(TOO_MANY_DIGITS) from None
    if _depth(value) > MAX_DEPTH:
        raise MalformedBody(f"the request body nests deeper than {MAX_DEPTH} levels")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _depth(value: Any, level: int = 1) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level
