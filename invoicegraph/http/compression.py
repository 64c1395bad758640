"""Brotli or gzip for JSON (and HTML, CSS, JavaScript, text) answers above a size threshold.

Never for PDFs or other binary documents, never for a streamed answer (it is passed on as
it comes), never for WebSocket frames (only HTTP answers pass through here). Brotli when the
client accepts it (smaller at the same speed), else gzip.
"""

from __future__ import annotations

import gzip

import brotli
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSIBLE = (b"application/json", b"text/", b"application/javascript", b"+json")
BROTLI_QUALITY = 4  # answers are compressed on the fly: fast levels, most of the gain
GZIP_LEVEL = 5


def chosen_encoding(accept_encoding: bytes) -> bytes | None:
    offered = set()
    for part in accept_encoding.lower().split(b","):
        name, _, params = part.strip().partition(b";")
        quality = params.strip()
        if quality.startswith(b"q=") and quality[2:].strip(b" ") in (
            b"0",
            b"0.0",
            b"0.00",
            b"0.000",
        ):
            continue
        offered.add(name.strip())
    if b"br" in offered:
        return b"br"
    if b"gzip" in offered:
        return b"gzip"
    return None


def _compressible(headers: list[tuple[bytes, bytes]]) -> bool:
    media = b""
    for key, value in headers:
        name = key.lower()
        if name == b"content-encoding":
            return False
        if name == b"content-type":
            media = value.lower().split(b";")[0]
    return any(kind in media for kind in COMPRESSIBLE)


def compress(body: bytes, encoding: bytes) -> bytes:
    if encoding == b"br":
        return bytes(brotli.compress(body, quality=BROTLI_QUALITY))
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


class Compression:
    def __init__(self, app: ASGIApp, *, minimum_size: int) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        encoding = None
        for key, value in scope["headers"]:
            if key == b"accept-encoding":
                encoding = chosen_encoding(value)
                break
        if encoding is None:
            await self.app(scope, receive, send)
            return
        held: Message | None = None

        async def send_compressed(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if _compressible(list(message.get("headers", ()))):
                    held = message  # decided with the first body chunk
                    return
                await send(message)
                return
            if held is None or message["type"] != "http.response.body":
                await send(message)
                return
            start, held = held, None
            body = message.get("body", b"")
            if message.get("more_body", False) or len(body) < self.minimum_size:
                await send(start)  # streamed or small: as it is
                await send(message)
                return
            packed = compress(body, encoding)
            headers = [
                (k, v) for k, v in start.get("headers", ()) if k.lower() != b"content-length"
            ]
            headers += [
                (b"content-encoding", encoding),
                (b"content-length", str(len(packed)).encode()),
                (b"vary", b"Accept-Encoding"),
            ]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": packed})

        await self.app(scope, receive, send_compressed)
