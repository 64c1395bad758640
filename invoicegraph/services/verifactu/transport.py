"""Talking to the agency's SOAP service over mutual TLS.

The agency identifies the sender by the client certificate of the TLS connection (the
taxpayer's, or a representative's), so every request carries the configured certificate and
key. The CA bundle is configurable: production trusts the system's roots, tests their own CA.
Live accounts' records go to the production endpoint and sandbox accounts' to the test one,
so a test invoice never reaches the real register.
"""

from __future__ import annotations

import ssl
from typing import Protocol

import httpx

from invoicegraph.domain.errors import ServiceUnavailable
from invoicegraph.domain.verifactu.codes import SOAP_ENDPOINT_PRODUCTION, SOAP_ENDPOINT_TEST
from invoicegraph.settings import Settings

SOAP_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}


class AgencyUnavailable(Exception):
    """The service answered with something that is not a SOAP message (a proxy's error page,
    an HTTP status without body): no verdict, try again later."""


class AgencyTransport(Protocol):
    """Posts a SOAP request and returns the SOAP answer (a fault included)."""

    async def send(self, endpoint: str, body: bytes) -> bytes: ...

    async def aclose(self) -> None: ...


def endpoint_for(settings: Settings, *, sandbox: bool) -> str:
    """Where an account's records go: the test service for sandbox accounts."""
    if sandbox:
        return settings.verifactu_sandbox_endpoint or SOAP_ENDPOINT_TEST
    return settings.verifactu_endpoint or SOAP_ENDPOINT_PRODUCTION


def client_tls_context(settings: Settings) -> ssl.SSLContext:
    """Verify the agency against ``verifactu_ca_file`` (or the system's roots) and present the
    configured client certificate."""
    if not settings.verifactu_cert_file or not settings.verifactu_key_file:
        raise ServiceUnavailable(
            "sending VERI*FACTU records needs a client certificate: set VERIFACTU_CERT_FILE "
            "and VERIFACTU_KEY_FILE"
        )
    context = ssl.create_default_context(cafile=settings.verifactu_ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(settings.verifactu_cert_file, settings.verifactu_key_file)
    return context


class HttpsTransport:
    """An httpx client with the client certificate, kept open across batches."""

    def __init__(self, context: ssl.SSLContext, timeout: float) -> None:
        self._client = httpx.AsyncClient(
            verify=context, timeout=httpx.Timeout(timeout), follow_redirects=False
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpsTransport:
        return cls(client_tls_context(settings), settings.verifactu_timeout_seconds)

    async def send(self, endpoint: str, body: bytes) -> bytes:
        """POST ``body``; return the SOAP answer. Faults come back with HTTP 500 and are
        returned too, for the caller to read; anything else not 200 raises."""
        response = await self._client.post(endpoint, content=body, headers=SOAP_HEADERS)
        is_xml = "xml" in response.headers.get("content-type", "")
        if response.status_code == 200 or (response.status_code == 500 and is_xml):
            return response.content
        raise AgencyUnavailable(f"HTTP {response.status_code} from {endpoint}")

    async def aclose(self) -> None:
        await self._client.aclose()
