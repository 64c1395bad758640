"""One POST of an event to an endpoint, guarded against server-side request forgery.

The URL's host is resolved here, every address it resolves to is checked
(``domain.webhooks.check_addresses``), and the connection goes to a checked address itself:
the request is made to the IP literal with the ``Host`` header and the TLS server name (SNI,
and so the certificate check) of the real host. A DNS answer that changes between the check
and the connection (rebinding) therefore cannot send the request anywhere unchecked. Proxies
from the environment are ignored for the same reason, and redirects are not followed (a 3xx
is a failed attempt).

Only the first bytes of the answer are read and kept; errors are described in a sentence
that names what went wrong (refused, timed out, TLS), never an internal trace.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from invoicegraph.domain.webhooks import (
    SIGNATURE_HEADER,
    UrlRefused,
    check_url,
    signature_header,
)
from invoicegraph.services.webhook_urls import resolve_endpoint_url

EXCERPT_BYTES = 1024
USER_AGENT = "invoicegraph-webhooks/1"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one attempt went: ``response_code`` is None when no answer came."""

    succeeded: bool
    duration_ms: int
    response_code: int | None = None
    response_excerpt: str | None = None
    error: str | None = None


def _url_to(url: str, address: str, port: int) -> str:
    """``url`` with its host replaced by ``address`` (the one the connection must reach)."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    return urlunsplit((parts.scheme, f"{host}:{port}", parts.path or "/", parts.query, ""))


def _host_header(host: str, port: int, scheme: str) -> str:
    default = 443 if scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    return name if port == default else f"{name}:{port}"


def _describe(exc: BaseException, timeout: float) -> str:
    """A sentence for the attempt's record: what failed, not how our code failed."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not accepted: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return "TLS handshake failed"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the receiver closed the connection or answered something that is not HTTP"
    if isinstance(exc, httpx.HTTPError | OSError):
        return "the connection failed"
    return "the request failed"


class WebhookSender:
    """Sends signed POSTs; one per worker. Connections are not kept for reuse: a kept TLS
    connection to an address would carry requests for another host name on the same address
    without checking that host's certificate."""

    def __init__(self, *, timeout_seconds: float, allow_private: bool) -> None:
        self.timeout_seconds = timeout_seconds
        self.allow_private = allow_private
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            trust_env=False,  # an environment proxy would connect where we did not check
            headers={"User-Agent": USER_AGENT},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def post(
        self,
        url: str,
        body: bytes,
        secrets: list[str],
        *,
        event_id: str,
        timestamp: int,
    ) -> Outcome:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.timeout_seconds):
                scheme, host, port = check_url(url, allow_private=self.allow_private)
                # the rule endpoint creation applies, again now: DNS may have changed since
                addresses = await resolve_endpoint_url(url, allow_private=self.allow_private)
                headers = {
                    "Host": _host_header(host, port, scheme),
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: signature_header(body, secrets, timestamp),
                    "Invoicegraph-Event-Id": event_id,
                }
                sni = host if scheme == "https" else None
                code, excerpt = await self._send(url, port, addresses, body, headers, sni)
        except UrlRefused as exc:
            return Outcome(False, _ms_since(started), error=f"refused: the URL {exc}")
        except (TimeoutError, httpx.HTTPError, OSError) as exc:
            return Outcome(False, _ms_since(started), error=_describe(exc, self.timeout_seconds))
        ok = 200 <= code < 300
        return Outcome(
            ok,
            _ms_since(started),
            response_code=code,
            response_excerpt=excerpt,
            error=None if ok else f"answered {code}",
        )

    async def _send(
        self,
        url: str,
        port: int,
        addresses: list[str],
        body: bytes,
        headers: dict[str, str],
        sni: str | None,
    ) -> tuple[int, str]:
        """POST to the first checked address that connects; the status and the answer's
        first bytes."""
        extensions = {"sni_hostname": sni} if sni is not None else {}
        last: httpx.ConnectError | None = None
        for address in addresses:
            request = self._client.build_request(
                "POST",
                _url_to(url, address, port),
                content=body,
                headers=headers,
                extensions=extensions,
            )
            try:
                response = await self._client.send(request, stream=True)
            except httpx.ConnectError as exc:
                last = exc
                continue
            try:
                excerpt = bytearray()
                async for chunk in response.aiter_raw():
                    excerpt += chunk
                    if len(excerpt) >= EXCERPT_BYTES:
                        break
            finally:
                await response.aclose()
            text = bytes(excerpt[:EXCERPT_BYTES]).decode("utf-8", errors="replace")
            return response.status_code, text
        assert last is not None  # check_addresses never returns an empty list
        raise last


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
