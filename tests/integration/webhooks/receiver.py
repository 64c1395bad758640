"""A real webhook receiver on loopback: uvicorn serving a small Starlette app in the test's
event loop. It checks each request's signature the way the docs tell receivers to
(``domain.webhooks.verify_signature``: a ``v1`` must match and ``t`` be recent), keeps what
it received, and answers as each path's script says (a status per request, 200 once the
script runs out), optionally holding requests until released."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from invoicegraph.domain.webhooks import SIGNATURE_HEADER, verify_signature


@dataclass
class Received:
    path: str
    at: float  # time.monotonic()
    body: bytes
    signature: str
    host: str
    verified: bool

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def event_id(self) -> str:
        return str(self.event["id"])


@dataclass
class Receiver:
    port: int = 0
    secrets: dict[str, str] = field(default_factory=dict)  # path -> the secret it verifies with
    scripts: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    received: list[Received] = field(default_factory=list)
    hold: asyncio.Event | None = None  # while set to an unset Event, requests wait for it
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    def counts(self, path: str | None = None) -> Counter[str]:
        return Counter(r.event_id for r in self.received if path is None or r.path == path)

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        header = request.headers.get(SIGNATURE_HEADER, "")
        secret = self.secrets.get(path, "")
        verified = bool(secret) and verify_signature(header, body, secret, now=int(time.time()))
        self.received.append(
            Received(
                path, time.monotonic(), body, header, request.headers.get("host", ""), verified
            )
        )
        self.arrived.set()
        if self.hold is not None:
            await self.hold.wait()
        script = self.scripts[path]
        status = script.popleft() if script else 200
        return PlainTextResponse("ok" if status < 300 else "receiver says no", status_code=status)


async def wait_for(condition: Any, what: str, seconds: float = 30.0) -> None:
    """Poll ``condition()`` (sync or async) until true, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


class _InLoopServer(uvicorn.Server):
    """Served in the test's own loop: the test process's signals stay the test runner's."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serve_asgi(app: Any, *, lifespan: str = "off") -> AsyncIterator[int]:
    """Serve ``app`` with uvicorn on a free loopback port in this loop; yield the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = _InLoopServer(uvicorn.Config(app, log_level="warning", lifespan=lifespan))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await wait_for(lambda: server.started or task.done(), "the server to start", 30)
        assert not task.done(), "the server did not start"
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await task
        sock.close()


@contextlib.asynccontextmanager
async def serve_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = Starlette(routes=[Route("/{path:path}", receiver.endpoint, methods=["POST"])])
    try:
        async with serve_asgi(app) as port:
            receiver.port = port
            yield receiver
            if receiver.hold is not None:
                receiver.hold.set()
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
