"""The route table: each REST operation declared once — method, path, the models in and out,
the handler — so the router, the body and query parsing, the ETag and the OpenAPI document all
read the same declaration.

One Starlette route per path serves all of its methods, so a 405 (and OPTIONS) answers the
complete ``Allow`` header.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.rest.endpoint import Call, Dialect, Handler, PreconditionFailed
from invoicegraph.rest.fields import parse, problems
from invoicegraph.rest.partial import partial_body, together


@dataclass(frozen=True)
class Operation:
    """``answer``: the model of the JSON answered with ``status``, the media types of a file,
    or None for an empty answer. ``etag``: GET answers an ETag; a PATCH on the same path
    honours ``If-Match`` against it (412 when stale). ``links``: where the answered id is
    (a JSON pointer) and the path prefix of the operations it feeds (the stateful links).
    ``admin``: only an admin key may call it (a write or read key is 403)."""

    method: str
    path: str
    handler: Handler
    answer: type[BaseModel] | tuple[str, ...] | None
    status: int = 200
    also: int | None = None  # another success status with the same answer (200 found, 201 made)
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    admin: bool = False
    etag: bool = False
    links: tuple[str, str] | None = None

    @property
    def write(self) -> bool:
        """Every method but GET changes something: a read-only key is refused it."""
        return self.method != "GET"

    @property
    def name(self) -> str:
        return self.handler.__name__.removesuffix("_route")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def routes(dialect: Dialect, operations: Sequence[Operation]) -> list[Route]:
    by_path: dict[str, dict[str, Operation]] = {}
    for op in operations:
        by_path.setdefault(op.path, {})[op.method] = op
    dialect.operations = list(operations)
    return [_route(dialect, path, methods) for path, methods in by_path.items()]


def _route(dialect: Dialect, path: str, methods: dict[str, Operation]) -> Route:
    allowed = sorted({*methods, "OPTIONS", *(["HEAD"] if "GET" in methods else [])})
    allow = {"Allow": ", ".join(allowed)}

    async def endpoint(request: Request) -> Response:
        op = methods.get("GET" if request.method == "HEAD" else request.method)
        if op is None:
            status = 204 if request.method == "OPTIONS" else 405
            return Response(status_code=status, headers=allow)
        handler = _parsed(op, methods.get("GET"))
        return await dialect.run(request, handler, write=op.write, admin=op.admin)

    endpoint.__name__ = f"{dialect.name}_{path}"
    route = Route(path, endpoint, methods=allowed)
    route.operations = methods  # type: ignore[attr-defined]  # for the security tests' matrix
    return route


def _parsed(op: Operation, current: Operation | None) -> Handler:
    """The handler, called with the body and query parsed by the operation's models."""

    async def handler(call: Call) -> Response:
        if "{id}" in op.path:
            call.path_ref()  # an id that cannot be one is not found, whatever the body says
        if op.query is not None:
            call.params = parse(op.query, call.dialect.query(call.request))
        if op.body is not None:
            try:
                call.body = op.body.model_validate({} if call.body is None else call.body)
            except ValidationError as exc:
                raise await _with_rules(op, call, exc) from None
        wanted = call.request.headers.get("if-match")
        if wanted is not None and op.method == "PATCH" and current is not None and current.etag:
            now = etag_of(bytes((await current.handler(call)).body))
            if wanted.strip() != "*" and now not in [tag.strip() for tag in wanted.split(",")]:
                raise PreconditionFailed("it changed since If-Match's ETag was read")
        response = await op.handler(call)
        if op.etag and response.status_code == 200:
            response.headers["ETag"] = etag_of(bytes(response.body))
        return response

    handler.__name__ = op.handler.__name__
    return handler


async def _with_rules(op: Operation, call: Call, refused: ValidationError) -> ValidationFailed:
    """The model's problems together with the services' rules on the rest of the body: the
    route runs on what is left (``rest.partial``), in the request's transaction, which the
    422 rolls back. Any other outcome of that run (a 404, a 409, a body it cannot use without
    the refused values) leaves the model's problems alone."""
    failure = problems(refused)
    rest = partial_body(op.body, call.body, refused) if op.body is not None else None
    if rest is None:
        return failure
    call.body = rest
    try:
        await op.handler(call)
    except ValidationFailed as rules:
        return together(failure, rules, call.dialect.field_name)
    except Exception:  # only the model's problems are certain
        return failure
    return failure
