"""The outermost layer: a request id for every request, one access line, the metrics, and
answers that leave the connection usable.

- ``X-Request-Id``: the client's (when short and plain) or a new one; echoed on every answer
  and written into every JSON error body (``request_id``; GraphQL: ``extensions.requestId``).
- One access line per request: method, path or GraphQL operation, status, duration, account
  and key id (never the key), request id.
- A 5xx says ``Connection: close``; an exception that escaped after the error handler
  answered (Starlette re-raises it) ends here, logged once by that handler, so the server
  does not drop a connection the client believes is kept alive.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoicegraph.http import metrics
from invoicegraph.http.logs import ACCESS_LOGGER
from invoicegraph.http.request_info import RequestInfo, begin, end, request_id_from

access_log = logging.getLogger(ACCESS_LOGGER)
log = logging.getLogger("invoicegraph.http")

INTERNAL_ERROR = orjson.dumps(
    {"error": {"code": "internal_error", "message": "internal server error"}}
)
# error bodies larger than this are passed on as they are (harden caps error lists far below)
MAX_REWRITTEN_ERROR_BYTES = 1_000_000


def face_of(path: str) -> str:
    for prefix, face in (("/graphql", "graphql"), ("/api/", "api"), ("/v1/", "v1")):
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return face
    return "other"


def route_template(scope: Scope, root_path: str) -> str:
    """The matched route as declared (``/v1/invoices/{id}``): a bounded label, no ids."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    path = str(getattr(route, "path", ""))
    if isinstance(route, Mount):
        return path + "/…"
    return str(scope.get("root_path", ""))[len(root_path) :] + path


def with_request_id(body: bytes, request_id: str) -> bytes | None:
    """The JSON error ``body`` naming the request, or None when it is not a JSON object."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, dict):
        return None
    errors = document.get("errors")
    if isinstance(errors, list):  # GraphQL
        for error in errors:
            if isinstance(error, dict):
                extensions = error.setdefault("extensions", {})
                if isinstance(extensions, dict):
                    extensions.setdefault("requestId", request_id)
    elif isinstance(document.get("error"), dict):  # the Facturovia dialect, the edge's own
        document["error"].setdefault("request_id", request_id)
    else:  # the Orzame dialect
        document.setdefault("request_id", request_id)
    return orjson.dumps(document)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value  # type: ignore[no-any-return]
    return None


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    for key, value in headers:
        if key.lower() == b"content-type":
            return b"json" in value.lower()
    return False


class EdgeObserver:
    def __init__(
        self, app: ASGIApp, *, metrics_enabled: bool = True, public_base_url: str = ""
    ) -> None:
        self.app = app
        self.metrics_enabled = metrics_enabled
        self.public_base_url = public_base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            token = begin(RequestInfo(request_id_from(_header(scope, b"x-request-id"))))
            try:
                await self.app(scope, receive, send)
            finally:
                end(token)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await _Exchange(self, scope, receive, send).run()


class _Exchange:
    """One HTTP request and its answer, as the observer sees them."""

    __slots__ = (
        "body",
        "held",
        "info",
        "observer",
        "receive",
        "root",
        "scope",
        "send",
        "started",
        "status",
    )

    def __init__(self, observer: EdgeObserver, scope: Scope, receive: Receive, send: Send) -> None:
        self.observer, self.scope, self.receive, self.send = observer, scope, receive, send
        self.info = RequestInfo(request_id_from(_header(scope, b"x-request-id")))
        self.root = str(scope.get("root_path", ""))
        self.status = 0  # 0: no answer started yet
        self.held: Message | None = None  # an error's start, held until its body is rewritten
        self.body: list[bytes] = []
        self.started = time.perf_counter()

    async def run(self) -> None:
        token = begin(self.info)
        try:
            await self.observer.app(self.scope, self.receive, self._send)
        except Exception:
            if self.status == 0:  # nothing answered: nobody logged it either
                log.exception(
                    "unexpected error during %s %s", self.scope["method"], self.scope["path"]
                )
                await self._answer_internal_error()
            # else: the error handler answered (and logged) before Starlette re-raised
        finally:
            self._finish()
            end(token)

    async def _answer_internal_error(self) -> None:
        await self._send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await self._send({"type": "http.response.body", "body": INTERNAL_ERROR})

    async def _send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            headers = [
                *message.get("headers", ()),
                (b"x-request-id", self.info.request_id.encode()),
            ]
            if self.status >= 500:
                headers.append((b"connection", b"close"))
            if 300 <= self.status < 400:
                headers = [self._location(k, v) for k, v in headers]
            message = {**message, "headers": headers}
            if self.status >= 400 and _is_json(headers):
                self.held = message
                return
        elif kind == "http.response.body" and self.held is not None:
            self.body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send_rewritten_error()
            return
        await self.send(message)

    def _location(self, name: bytes, value: bytes) -> tuple[bytes, bytes]:
        """A redirect (Starlette's trailing-slash one builds it from ``Host``) points at
        ``PUBLIC_BASE_URL``, else at a path on this server: the Host header is never echoed."""
        if name.lower() != b"location":
            return name, value
        parts = urlsplit(value.decode("latin-1"))
        if not parts.netloc:
            return name, value
        relative = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
        return name, (self.observer.public_base_url + relative).encode("latin-1")

    async def _send_rewritten_error(self) -> None:
        assert self.held is not None
        body = b"".join(self.body)
        rewritten = (
            with_request_id(body, self.info.request_id)
            if len(body) <= MAX_REWRITTEN_ERROR_BYTES
            else None
        )
        headers: list[tuple[bytes, bytes]] = self.held["headers"]
        if rewritten is not None:
            body = rewritten
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
        start, self.held = {**self.held, "headers": headers}, None
        await self.send(start)
        await self.send({"type": "http.response.body", "body": body})

    def _finish(self) -> None:
        info, scope = self.info, self.scope
        seconds = time.perf_counter() - self.started
        status = self.status or 500
        face = face_of(scope["path"])
        route = (
            info.operation or "unknown" if face == "graphql" else route_template(scope, self.root)
        )
        if self.observer.metrics_enabled:
            metrics.observe_request(face, route, status, seconds)
        fields: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "face": face,
            "request_id": info.request_id,
        }
        if info.operation is not None:
            fields["operation"] = info.operation
        if info.account_id is not None:
            fields["account_id"], fields["key_id"] = info.account_id, info.key_id
        if info.error_codes:
            fields["errors"] = ",".join(info.error_codes)
        what = info.operation if info.operation is not None else scope["path"]
        access_log.info("%s %s %s", scope["method"], what, status, extra={"fields": fields})
