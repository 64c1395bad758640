"""A failure between the client and the work, then a retry with the same Idempotency-Key
(issue 12, deliver 3 and 10): exactly one invoice per key, and numbering stays gapless.

- A storm: clients create and issue invoices through ``invoicegraph serve --workers 2`` on
  PostgreSQL, each request under its own key, while the server (master and workers) is
  ``kill -9``-ed mid-load and started again on the same port. Whatever failed (a cut connection, a 503, a key still held by the
  dead worker's transaction) is retried with the same key until it is answered.
- A connection cut after the commit and before the answer: a TCP proxy on loopback forwards
  the request and drops the connection when the server's answer arrives (the answer is sent
  only after the work committed). The retry with the same key replays the stored answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.parties import CONTACT_BODY_V1
from tests.tax_ids import new_tax_id

from .books import assert_books_hold
from .conftest import FaultDatabase, Tenant, invoice_body, make_tenant
from .server import HOST, Server, start_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

CLIENTS = 8
KILL_AFTER_ISSUED = 16  # acknowledged issues before a worker is killed
ISSUES = 40  # acknowledged issues in all, after the kill
STORM_SECONDS = 120  # at most, should the machine be slow
RETRY_SECONDS = 120  # how long one request is retried with its key (a restart included)


@dataclass
class Storm:
    """What the clients were answered, by Idempotency-Key of the create."""

    created: dict[str, dict[str, Any]] = field(default_factory=dict)
    issued: dict[str, dict[str, Any]] = field(default_factory=dict)
    retries: Counter[str] = field(default_factory=Counter)  # what made a client retry
    refused: list[str] = field(default_factory=list)  # an answer that is no retry's business


def _retryable(response: httpx.Response) -> bool:
    """A 5xx, or a 409 saying the key's first request is still running (the dead worker's
    transaction, until PostgreSQL notices and rolls it back)."""
    if response.status_code >= 500:
        return True
    return response.status_code == 409 and "in progress" in response.text


async def send_with_retries(
    http: httpx.AsyncClient, storm: Storm, url: str, key: str, **kwargs: Any
) -> httpx.Response:
    """POST under ``key`` until it is answered, as a client that follows the advice does."""
    deadline = asyncio.get_running_loop().time() + RETRY_SECONDS
    headers = {**kwargs.pop("headers"), "Idempotency-Key": key}
    while True:
        try:
            response = await http.post(url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            storm.retries[type(exc).__name__] += 1
        else:
            if not _retryable(response):
                return response
            storm.retries[str(response.status_code)] += 1
        assert asyncio.get_running_loop().time() < deadline, f"{url} under {key}: no answer"
        await asyncio.sleep(0.05)


async def _client(
    http: httpx.AsyncClient, tenant: Tenant, storm: Storm, stop: asyncio.Event, n: int
) -> None:
    headers = {"Authorization": f"Bearer {tenant.key}"}
    while not stop.is_set():
        key = f"storm-{tenant.account.id}-{n}"
        body = {**invoice_body(tenant, n), "external_reference": key}
        created = await send_with_retries(
            http, storm, "/api/invoices", f"{key}-create", json=body, headers=headers
        )
        if created.status_code != 201:
            storm.refused.append(f"create {created.status_code} {created.text[:200]}")
            return
        invoice = created.json()
        storm.created[key] = invoice
        issued = await send_with_retries(
            http, storm, f"/api/invoices/{invoice['id']}/issue", f"{key}-issue", headers=headers
        )
        if issued.status_code != 200:
            storm.refused.append(f"issue {issued.status_code} {issued.text[:200]}")
            return
        storm.issued[key] = issued.json()
        n += CLIENTS


async def _wait_for(condition: Any, storm: Storm, server: Server, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + STORM_SECONDS
    while not condition():
        assert not storm.refused, storm.refused
        assert asyncio.get_running_loop().time() < deadline, f"{what}:\n{server.log_tail()}"
        await asyncio.sleep(0.01)


async def test_kill_9_of_the_server_then_same_key_retries_make_one_invoice_per_key(
    fault_db: FaultDatabase, tmp_path: Path
) -> None:
    database = fault_db.database
    tenants = [
        await make_tenant(database, verifactu=True),
        await make_tenant(database, verifactu=False),
    ]
    server = await start_server(fault_db.url, tmp_path, workers=2)
    storm = Storm()
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
            loops = [
                asyncio.create_task(_client(http, tenants[n % 2], storm, stop, n))
                for n in range(CLIENTS)
            ]
            await _wait_for(lambda: len(storm.issued) >= KILL_AFTER_ISSUED, storm, server, "load")
            assert len(server.workers()) == 2
            # mid-request, the master and its workers; the clients never stop retrying, and
            # the server comes back on the same port
            server.kill9()
            server = await start_server(fault_db.url, tmp_path, port=server.port, workers=2)
            await _wait_for(lambda: len(storm.issued) >= ISSUES, storm, server, "after the kill")
            stop.set()
            await asyncio.gather(*loops)
    finally:
        server.stop()
    assert not storm.refused, storm.refused
    assert storm.retries, "the kill should have cut requests off"

    stored_keys: Counter[str] = Counter()
    for tenant in tenants:
        books = await assert_books_hold(database, tenant.account)  # gapless, complete, chained
        for invoice in books.invoices.values():
            stored_keys[invoice.external_reference or ""] += 1
            answer = storm.created.get(invoice.external_reference or "")
            assert answer is not None and answer["id"] == str(invoice.uuid), invoice.uuid
            issued = storm.issued[invoice.external_reference or ""]
            assert invoice.status == "issued"
            assert (invoice.number, invoice.full_number) == (
                issued["number"],
                issued["full_number"],
            )
    assert stored_keys == Counter(dict.fromkeys(storm.created, 1)), (
        "exactly one invoice per key: "
        f"{[k for k, n in stored_keys.items() if n != 1]} twice, "
        f"{set(storm.created) - set(stored_keys)} missing; retries {dict(storm.retries)}"
    )


# --- a connection cut after the commit, before the answer ------------------------------


class AnswerDroppingProxy:
    """A TCP proxy on loopback that forwards requests to the server and, while ``dropping``,
    closes the client's connection as soon as the server starts answering: the server has
    committed by then, and the client never hears of it."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.dropping = True
        self.dropped = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> AnswerDroppingProxy:
        self._server = await asyncio.start_server(self._serve, HOST, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(HOST, self.upstream_port)

        async def requests() -> None:
            while data := await client_r.read(65536):
                server_w.write(data)
                await server_w.drain()
            server_w.close()

        forward = asyncio.create_task(requests())
        try:
            while data := await server_r.read(65536):
                if self.dropping:
                    self.dropped += 1
                    client_w.transport.abort()  # a reset, mid-answer, without a byte of it
                    return
                client_w.write(data)
                await client_w.drain()
        finally:
            forward.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await forward
            server_w.close()
            client_w.close()


@pytest.fixture
async def live(fault_db: FaultDatabase, tmp_path: Path) -> AsyncIterator[Server]:
    server = await start_server(fault_db.url, tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("face", ["/api", "/v1", "/graphql"])
async def test_a_connection_cut_after_commit_is_replayed_on_retry(
    fault_db: FaultDatabase, live: Server, face: str
) -> None:
    tenant = await make_tenant(fault_db.database, verifactu=False)
    headers = {"Authorization": f"Bearer {tenant.key}", "Idempotency-Key": f"cut-{face}"}
    reference = f"CUT-{face}"
    url, body = await _create_request(live, tenant, face, reference)
    async with AnswerDroppingProxy(live.port) as proxy, httpx.AsyncClient(timeout=30) as http:
        with pytest.raises(httpx.TransportError):
            await http.post(proxy.url + url, json=body, headers=headers)
        assert proxy.dropped == 1
        proxy.dropping = False
        retry = await http.post(proxy.url + url, json=body, headers=headers)
    assert retry.status_code in (200, 201), retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    books = await assert_books_hold(fault_db.database, tenant.account)
    made = [i for i in books.invoices.values() if i.external_reference == reference]
    if face == "/v1":  # the /v1 create has no external reference: the name says it
        made = [i for i in books.invoices.values() if i.name == reference]
    assert len(made) == 1, [i.uuid for i in made]
    assert len(books.invoices) == 1


async def _create_request(
    server: Server, tenant: Tenant, face: str, reference: str
) -> tuple[str, dict[str, Any]]:
    """The create request of each face, for an invoice named by ``reference``."""
    if face == "/api":
        return "/api/invoices", {**invoice_body(tenant, 1), "external_reference": reference}
    if face == "/graphql":
        mutation = (
            "mutation($input: InvoiceInput!) { createInvoice(input: $input) "
            "{ invoice { id } errors { field message } } }"
        )
        variables = {
            "input": {
                "clientId": tenant.client_uuid,
                "externalReference": reference,
                "lines": [
                    {"description": "Servicio", "quantity": "1", "price": "10", "vatRate": "21"}
                ],
            }
        }
        return "/graphql", {"query": mutation, "variables": variables}
    headers = {"Authorization": f"Bearer {tenant.key}"}
    async with httpx.AsyncClient(base_url=server.url + "/v1/", headers=headers) as http:
        contact = (
            await http.post(
                "contacts", json={"name": "Cliente", **CONTACT_BODY_V1, "number": new_tax_id()}
            )
        ).json()["data"]["id"]
        method = (await http.get("payment-methods")).json()["data"][0]["id"]
        term = (await http.get("due-dates")).json()["data"][0]["id"]
        taxes = (await http.get("taxes")).json()["data"]
    vat = next(t["id"] for t in taxes if t["name"] == "IVA (21%)")
    return "/v1/invoices", {
        "name": reference,
        "contact_id": contact,
        "payment_method_id": method,
        "due_date_id": term,
        "lang": "es",
        "currency": "€",
        "date_format": "dd/mm/yyyy",
        "money_format": "symbol_after,point,comma",
        "lines": [{"description": "Servicio", "quantity": 1, "price": 10, "taxes": [vat]}],
    }
