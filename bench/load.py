"""Load and soak: a bounded load generator against the real server.

Starts ``invoicegraph serve`` on a fresh PostgreSQL database in a subprocess, then runs a
realistic mix of operations — create, issue, list, get, rectify, pdf, spread over the three
faces (``/api``, ``/v1``, GraphQL) — from N concurrent clients (asyncio + httpx, closed loop:
each client waits for its answer before it sends the next request, so the load is bounded by
the number of clients) for a fixed time. Four accounts, one with VERI*FACTU on, so that series
locks, the chain lock and plain reads all take part.

At the end it prints latency percentiles per operation and per face, counts 5xx and every
other unexpected answer, and checks the books: every series numbered 1..last_number without
gap or repeat and in date order, every acknowledged issue stored with its number, one
VERI*FACTU record per issued invoice and a chain that verifies. Exit status 1 on any anomaly.

    .venv/bin/python bench/load.py                      # 60 s, 64 clients, 2 workers
    .venv/bin/python bench/load.py --seconds 5 --clients 8 --workers 1   # a smoke run

``BENCH_ADMIN_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``) names the
server the database ``invoicegraph_bench_load_<pid>`` is created on (and dropped after, unless
``--keep-database``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
HOST = "127.0.0.1"
PRODUCER = {
    "VERIFACTU_PRODUCER_NAME": "Invoicegraph Labs SL",
    "VERIFACTU_PRODUCER_NIF": "A58818501",
}
# share of each operation in the mix (a busy shop: more reads than writes, few documents)
MIX = {"create": 20, "issue": 18, "list": 24, "get": 24, "rectify": 6, "pdf": 8}
TENANTS = 4  # the first has VERI*FACTU on
POOL_LIMIT = 2000  # ids kept per pool: the generator's memory stays bounded
REQUEST_TIMEOUT = 60.0
DRAIN_SECONDS = 90.0  # how long in-flight requests may take after the clock runs out

GRAPHQL_CREATE = """mutation($input: InvoiceInput!) { createInvoice(input: $input) {
  invoice { id } errors { field code message } } }"""
GRAPHQL_ISSUE = """mutation($id: ID!) { issueInvoice(id: $id) {
  invoice { number fullNumber } errors { field code message } } }"""
GRAPHQL_LIST = """{ invoices(first: 20) { edges { node {
  id fullNumber status totalWithTaxes client { name } lines { description totalWithTaxes }
} } } }"""
GRAPHQL_GET = """query($id: ID!) { invoice(id: $id) {
  id fullNumber status totalWithTaxes lines { description quantity price totalWithTaxes
  taxes { name percentage total } } } }"""

# a valid Spanish DNI is 8 digits and the letter of their remainder by 23
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


class Unexpected(Exception):
    """An answer the mix did not expect (its status is recorded separately)."""


@dataclass
class Tenant:
    """An account the clients work on, with its ids in both id spaces and its pools."""

    name: str
    account_id: int
    key: str
    verifactu: bool
    client_uuid: str
    contact_id: int
    due_date_id: int
    payment_method_id: int
    series_f: int
    series_r: int
    vat_id: int  # IVA 21 %
    irpf_id: int  # IRPF -15 %
    # uuid space (/api and GraphQL) and integer space (/v1)
    drafts_uuid: deque[str] = field(default_factory=lambda: deque(maxlen=POOL_LIMIT))
    drafts_v1: deque[int] = field(default_factory=lambda: deque(maxlen=POOL_LIMIT))
    issued_uuid: deque[str] = field(default_factory=lambda: deque(maxlen=POOL_LIMIT))
    issued_v1: deque[int] = field(default_factory=lambda: deque(maxlen=POOL_LIMIT))
    rectifiable_uuid: deque[str] = field(default_factory=lambda: deque(maxlen=POOL_LIMIT))
    rectifiable_v1: deque[int] = field(default_factory=lambda: deque(maxlen=POOL_LIMIT))

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class Stats:
    latencies: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    # uuid → (number, full number) of every issue answered 2xx through /api or GraphQL
    acknowledged: dict[str, tuple[int, str]] = field(default_factory=dict)

    def note(self, kind: list[str], message: str) -> None:
        if len(kind) < 1000:
            kind.append(message)


# --- the database and the server --------------------------------------------------------------


def _url(database: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


async def create_database(name: str) -> str:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return _url(name)


async def drop_database(name: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def setup_tenants(url: str) -> list[Tenant]:
    """Accounts, keys and clients through the services (the same rules as production)."""
    from sqlalchemy import select

    from invoicegraph.db.engine import create_database as open_database
    from invoicegraph.db.migrate import migrate
    from invoicegraph.db.models import DueDateTerm, PaymentMethod, Series, Tax
    from invoicegraph.services.accounts import create_account
    from invoicegraph.services.api_keys import create_key
    from invoicegraph.services.clients import ClientInput, create_client

    database = open_database(url, pool_size=2)
    tenants: list[Tenant] = []
    try:
        await migrate(database)
        for n in range(TENANTS):
            async with database.sessions() as session:
                account = await create_account(
                    session,
                    name=f"Carga {n} S.L.",
                    # one taxpayer per live account: each tenant its own (valid) DNI
                    tax_id=f"{20_000_000 + n:08d}{DNI_LETTERS[(20_000_000 + n) % 23]}",
                    plan="professional",
                    verifactu=n == 0,
                    address="Gran Vía 1",
                    city="Madrid",
                    postal_code="28013",
                )
            async with database.sessions() as session:
                key = (await create_key(session, account, access="write")).text
            async with database.sessions() as session:
                client = await create_client(
                    session,
                    account,
                    ClientInput(
                        name=f"Cliente {n} S.L.",
                        tax_id="B27346063",
                        address="Calle Mayor 2",
                        city="Madrid",
                        postal_code="28001",
                    ),
                )
            async with database.sessions() as session, session.begin():

                async def first(model: Any, *where: Any, account_id: int = account.id) -> int:
                    found = await session.scalar(
                        select(model.id)
                        .where(model.account_id == account_id, *where)
                        .order_by(model.id)
                        .limit(1)
                    )
                    assert found is not None, model
                    return int(found)

                tenants.append(
                    Tenant(
                        name=f"tenant {n}" + (" (VERI*FACTU)" if n == 0 else ""),
                        account_id=account.id,
                        key=key,
                        verifactu=n == 0,
                        client_uuid=str(client.uuid),
                        contact_id=client.id,
                        due_date_id=await first(DueDateTerm),
                        payment_method_id=await first(PaymentMethod),
                        series_f=await first(Series, Series.code == "F"),
                        series_r=await first(Series, Series.code == "R"),
                        vat_id=await first(Tax, Tax.name == "IVA (21%)"),
                        irpf_id=await first(Tax, Tax.name == "IRPF (-15%)"),
                    )
                )
    finally:
        await database.dispose()
    return tenants


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def launch_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **PRODUCER,
        "DATABASE_URL": url,
        "RATE_LIMIT_PER_MINUTE": "0",  # the bench measures the service, not the limiter
        "DB_POOL_SIZE": os.environ.get("DB_POOL_SIZE", "8"),
    }
    # ``invoicegraph serve``'s uvicorn settings, with time for a worker to start (PDF pool
    # included): on a loaded machine uvicorn's 5 s health check kills workers in a loop
    command = [
        sys.executable,
        *("-m", "uvicorn", "invoicegraph.app:create_app", "--factory"),
        *("--host", HOST, "--port", str(port), "--proxy-headers", "--log-level", "info"),
        *("--timeout-worker-healthcheck", "60", "--timeout-keep-alive", "20"),
    ]
    with log.open("wb") as sink:
        return subprocess.Popen(
            [*command, "--workers", str(workers)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


async def wait_healthy(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{tail(log)}")
            with contextlib.suppress(httpx.TransportError):
                # a few in a row, so that every worker is up
                if all([(await http.get("/health")).status_code == 200 for _ in range(4)]):
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the server did not answer /health in 120 s; see {log}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- the mix ------------------------------------------------------------------------------------


def _api_items(n: int) -> list[dict[str, Any]]:
    return [
        {
            "description": f"Revisión {n}",
            "quantity": 1 + n % 3,
            "unit_price": 49.95,
            "vat_rate": 21,
        },
        {"description": f"Filtro {n}", "quantity": 2, "unit_price": 15.99, "vat_rate": 21},
        {"description": f"Manual {n}", "quantity": 1, "unit_price": 12.5, "vat_rate": 4},
    ]


def _v1_body(tenant: Tenant, n: int) -> dict[str, Any]:
    return {
        "name": f"Factura {n}",
        "contact_id": tenant.contact_id,
        "due_date_id": tenant.due_date_id,
        "payment_method_id": tenant.payment_method_id,
        "lang": "es",
        "currency": "EUR",
        "date_format": "dd/mm/yyyy",
        "money_format": "symbol_after,point,comma",
        "lines": [
            {
                "description": f"Consultoría {n}",
                "quantity": 1 + n % 4,
                "price": 120,
                "taxes": [tenant.vat_id, tenant.irpf_id],
            },
            {
                "description": f"Desplazamiento {n}",
                "quantity": 1,
                "price": 35.5,
                "taxes": [tenant.vat_id],
            },
        ],
    }


def _graphql_input(tenant: Tenant, n: int) -> dict[str, Any]:
    return {
        "clientId": tenant.client_uuid,
        "lines": [
            {
                "description": f"Servicio {n}",
                "quantity": str(1 + n % 5),
                "price": "75.40",
                "vatRate": "21",
            },
            {"description": f"Material {n}", "quantity": "3", "price": "9.99", "vatRate": "10"},
        ],
    }


def _uuid_of(global_id: str) -> str:
    from invoicegraph.schema.node import from_global_id

    decoded = from_global_id(global_id)
    return str(decoded[1]) if decoded else global_id


class Integration:
    """One simulated integration (a shop's back office, say): its account, its share of the
    connection pool, its own random stream. It sends a request, waits for the answer, and
    only then sends the next: the load stays bounded by the number of integrations."""

    def __init__(self, http: httpx.AsyncClient, tenant: Tenant, stats: Stats, seed: int) -> None:
        self.http = http
        self.tenant = tenant
        self.stats = stats
        self.rng = random.Random(seed)
        self.n = seed * 1_000_000

    async def send(
        self, operation: str, face: str, method: str, path: str, expect: int, **kwargs: Any
    ) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self.http.request(method, path, headers=self.tenant.auth, **kwargs)
        except httpx.TransportError as exc:
            self.stats.note(self.stats.transport_errors, f"{method} {path}: {exc!r}")
            raise Unexpected from exc
        self.stats.latencies[(operation, face)].append(time.perf_counter() - started)
        self.stats.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.stats.note(
                self.stats.server_errors,
                f"{method} {path} → {response.status_code} {response.text[:300]}",
            )
            raise Unexpected
        if response.status_code != expect:
            self.stats.note(
                self.stats.unexpected,
                f"{method} {path} → {response.status_code} {response.text[:300]}",
            )
            raise Unexpected
        return response

    async def graphql(
        self, operation: str, query: str, variables: dict[str, Any]
    ) -> dict[str, Any]:
        response = await self.send(
            operation,
            "graphql",
            "POST",
            "/graphql",
            200,
            json={"query": query, "variables": variables},
        )
        body: dict[str, Any] = response.json()
        payloads = [v for v in (body.get("data") or {}).values() if isinstance(v, dict)]
        errors = body.get("errors") or [e for p in payloads for e in (p.get("errors") or [])]
        if errors:
            self.stats.note(self.stats.unexpected, f"graphql {operation}: {errors}"[:400])
            raise Unexpected
        data: dict[str, Any] = body["data"]
        return data

    # the operations ------------------------------------------------------------------------

    async def create(self) -> None:
        t, self.n = self.tenant, self.n + 1
        face = self.rng.choice(("api", "v1", "graphql"))
        if face == "api":
            body = {"client_id": t.client_uuid, "items": _api_items(self.n)}
            answer = await self.send("create", face, "POST", "/api/invoices", 201, json=body)
            t.drafts_uuid.append(answer.json()["id"])
        elif face == "v1":
            answer = await self.send(
                "create", face, "POST", "/v1/invoices", 201, json=_v1_body(t, self.n)
            )
            t.drafts_v1.append(answer.json()["data"]["id"])
        else:
            data = await self.graphql(
                "create", GRAPHQL_CREATE, {"input": _graphql_input(t, self.n)}
            )
            t.drafts_uuid.append(_uuid_of(data["createInvoice"]["invoice"]["id"]))

    async def issue(self) -> None:
        t = self.tenant
        spaces = [s for s, pool in (("uuid", t.drafts_uuid), ("v1", t.drafts_v1)) if pool]
        if not spaces:
            return await self.create()
        if self.rng.choice(spaces) == "v1":
            draft = t.drafts_v1.popleft()
            body = {"date": dt.date.today().isoformat(), "serie_id": t.series_f}
            body["delete_proforma"] = self.rng.random() < 0.5
            answer = await self.send(
                "issue", "v1", "POST", f"/v1/invoices/{draft}/issue", 201, json=body
            )
            issued = answer.json()["data"]["issue_invoice_id"]
            t.issued_v1.append(issued)
            t.rectifiable_v1.append(issued)
            return None
        draft_uuid = t.drafts_uuid.popleft()
        if self.rng.random() < 0.5:
            answer = await self.send(
                "issue", "api", "POST", f"/api/invoices/{draft_uuid}/issue", 200
            )
            number, full = answer.json()["number"], answer.json()["full_number"]
        else:
            data = await self.graphql("issue", GRAPHQL_ISSUE, {"id": draft_uuid})
            issued = data["issueInvoice"]["invoice"]
            number, full = issued["number"], issued["fullNumber"]
        self.stats.acknowledged[draft_uuid] = (number, full)
        t.issued_uuid.append(draft_uuid)
        t.rectifiable_uuid.append(draft_uuid)
        return None

    async def list(self) -> None:
        face = self.rng.choice(("api", "v1", "graphql"))
        if face == "api":
            await self.send("list", face, "GET", "/api/invoices", 200, params={"limit": 20})
        elif face == "v1":
            await self.send("list", face, "GET", "/v1/invoices", 200, params={"per_page": 20})
        else:
            await self.graphql("list", GRAPHQL_LIST, {})

    async def get(self) -> None:
        t = self.tenant
        if not t.issued_uuid and not t.issued_v1:
            return await self.list()
        if t.issued_v1 and (not t.issued_uuid or self.rng.random() < 0.33):
            invoice = self.rng.choice(t.issued_v1)
            await self.send("get", "v1", "GET", f"/v1/invoices/{invoice}", 200)
        elif self.rng.random() < 0.5:
            await self.send(
                "get", "api", "GET", f"/api/invoices/{self.rng.choice(t.issued_uuid)}", 200
            )
        else:
            await self.graphql("get", GRAPHQL_GET, {"id": self.rng.choice(t.issued_uuid)})
        return None

    async def rectify(self) -> None:
        t = self.tenant
        if t.rectifiable_v1 and (not t.rectifiable_uuid or self.rng.random() < 0.5):
            original = t.rectifiable_v1.popleft()
            body = {"date": dt.date.today().isoformat(), "serie_id": t.series_r}
            await self.send(
                "rectify", "v1", "POST", f"/v1/invoices/{original}/rectify", 201, json=body
            )
        elif t.rectifiable_uuid:
            original_uuid = t.rectifiable_uuid.popleft()
            body = {"causa_rectificacion": "R1", "notes": "devolución"}
            answer = await self.send(
                "rectify", "api", "POST", f"/api/invoices/{original_uuid}/correct", 201, json=body
            )
            draft = answer.json()["invoice"]["id"]
            issued = await self.send("rectify", "api", "POST", f"/api/invoices/{draft}/issue", 200)
            self.stats.acknowledged[draft] = (issued.json()["number"], issued.json()["full_number"])
        else:
            await self.issue()

    async def pdf(self) -> None:
        t = self.tenant
        if t.issued_v1 and (not t.issued_uuid or self.rng.random() < 0.5):
            invoice = self.rng.choice(t.issued_v1)
            await self.send("pdf", "v1", "GET", f"/v1/invoices/{invoice}/download", 200)
        elif t.issued_uuid:
            await self.send(
                "pdf", "api", "GET", f"/api/invoices/{self.rng.choice(t.issued_uuid)}/pdf", 200
            )
        else:
            await self.issue()

    async def run(self, deadline: float) -> None:
        operations: dict[str, Callable[[], Awaitable[None]]] = {
            "create": self.create,
            "issue": self.issue,
            "list": self.list,
            "get": self.get,
            "rectify": self.rectify,
            "pdf": self.pdf,
        }
        names, weights = list(MIX), list(MIX.values())
        while time.monotonic() < deadline:
            [name] = self.rng.choices(names, weights)
            with contextlib.suppress(Unexpected):
                await operations[name]()


# --- the books ----------------------------------------------------------------------------------


async def check_books(url: str, tenants: list[Tenant], stats: Stats) -> tuple[list[str], list[str]]:
    """(what was checked, anomalies)."""
    from sqlalchemy import select

    from invoicegraph.db.engine import create_database as open_database
    from invoicegraph.db.models import Account, Invoice, Series, VerifactuRecord
    from invoicegraph.services.verifactu.verify import verify_account_chain

    checked: list[str] = []
    anomalies: list[str] = []
    database = open_database(url, pool_size=2)
    try:
        async with database.sessions() as session, session.begin():
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            for tenant in tenants:
                rows = (
                    await session.execute(
                        select(
                            Invoice.uuid,
                            Invoice.series_id,
                            Invoice.number,
                            Invoice.full_number,
                            Invoice.date,
                            Invoice.id,
                        )
                        .where(Invoice.account_id == tenant.account_id, Invoice.status != "draft")
                        .order_by(Invoice.series_id, Invoice.number)
                    )
                ).all()
                series = {
                    s.id: s
                    for s in await session.scalars(
                        select(Series).where(Series.account_id == tenant.account_id)
                    )
                }
                by_series: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
                for _, series_id, number, _, date, _ in rows:
                    by_series[series_id].append((number, date))
                for series_id, row in series.items():
                    issued = by_series.get(series_id, [])
                    numbers = [number for number, _ in issued]
                    dates = [date for _, date in issued]
                    if numbers != list(range(1, row.last_number + 1)):
                        odd = sorted(set(range(1, row.last_number + 1)) ^ set(numbers))
                        anomalies.append(
                            f"{tenant.name} series {row.code}: numbers are not "
                            f"1..{row.last_number} ({len(numbers)} issued, first gaps or "
                            f"repeats: {odd[:10]})"
                        )
                    if dates != sorted(dates):
                        anomalies.append(f"{tenant.name} series {row.code}: dates out of order")
                    if issued:
                        checked.append(
                            f"{tenant.name} series {row.code}: 1..{row.last_number} gapless"
                        )
                if len({full for _, _, _, full, _, _ in rows}) != len(rows):
                    anomalies.append(f"{tenant.name}: a full number repeats")
                stored = {str(u): (number, full) for u, _, number, full, _, _ in rows}
                for invoice_uuid, answer in stats.acknowledged.items():
                    if invoice_uuid in stored and stored[invoice_uuid] != answer:
                        anomalies.append(
                            f"{invoice_uuid}: answered {answer}, stored {stored[invoice_uuid]}"
                        )
                if tenant.verifactu:
                    account = await session.get(Account, tenant.account_id)
                    assert account is not None
                    chain_break = await verify_account_chain(session, account)
                    recorded = list(
                        await session.scalars(
                            select(VerifactuRecord.invoice_id).where(
                                VerifactuRecord.account_id == tenant.account_id,
                                VerifactuRecord.record_type == "alta",
                            )
                        )
                    )
                    if chain_break is not None:
                        anomalies.append(f"{tenant.name}: VERI*FACTU chain broken: {chain_break}")
                    if sorted(recorded) != sorted(i for *_, i in rows):
                        anomalies.append(
                            f"{tenant.name}: VERI*FACTU records do not match the issued invoices"
                        )
                    checked.append(
                        f"{tenant.name}: VERI*FACTU chain of {len(recorded)} records verifies"
                    )
            known = set()
            for tenant in tenants:
                known |= {
                    str(u)
                    for u in await session.scalars(
                        select(Invoice.uuid).where(Invoice.account_id == tenant.account_id)
                    )
                }
            missing = [u for u in stats.acknowledged if u not in known]
            if missing:
                anomalies.append(f"{len(missing)} acknowledged invoices are missing: {missing[:5]}")
            checked.append(f"{len(stats.acknowledged)} acknowledged issues stored as answered")
    finally:
        await database.dispose()
    return checked, anomalies


# --- the report -----------------------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    return (
        ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
        if ordered
        else float("nan")
    )


def table(rows: list[tuple[str, list[float]]], elapsed: float) -> str:
    header = f"{'operation':<16}{'count':>8}{'per s':>8}"
    header += "".join(f"{name:>9}" for name in ("p50", "p90", "p95", "p99", "max")) + "  (ms)"
    lines = [header, "-" * len(header)]
    for name, latencies in rows:
        ordered = sorted(latencies)
        figures = [percentile(ordered, f) * 1000 for f in (0.5, 0.9, 0.95, 0.99, 1.0)]
        lines.append(
            f"{name:<16}{len(ordered):>8}{len(ordered) / elapsed:>8.1f}"
            + "".join(f"{value:>9.1f}" for value in figures)
        )
    return "\n".join(lines)


def report(stats: Stats, elapsed: float) -> str:
    by_operation: dict[str, list[float]] = defaultdict(list)
    for (operation, _), latencies in stats.latencies.items():
        by_operation[operation].extend(latencies)
    everything = [x for latencies in by_operation.values() for x in latencies]
    operations = [(name, by_operation[name]) for name in MIX if name in by_operation]
    faces = [(f"{op}/{face}", v) for (op, face), v in sorted(stats.latencies.items())]
    return "\n\n".join(
        [
            table([*operations, ("all", everything)], elapsed),
            table(faces, elapsed),
            "statuses: "
            + ", ".join(f"{status}: {count}" for status, count in sorted(stats.statuses.items())),
        ]
    )


# --- main ---------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    name = f"invoicegraph_bench_load_{os.getpid()}"
    url = await create_database(name)
    log = Path(tempfile.gettempdir()) / f"{name}.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        tenants = await setup_tenants(url)
        port = free_port()
        process = launch_server(url, port, args.workers, log)
        base = f"http://{HOST}:{port}"
        await wait_healthy(process, base, log)
        print(
            f"load: {args.clients} clients for {args.seconds:g} s against "
            f"{args.workers} worker(s), {TENANTS} accounts; mix {MIX}",
            flush=True,
        )
        stats = Stats()
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as http:
            clients = [
                Integration(http, tenants[i % len(tenants)], stats, seed=args.seed + i)
                for i in range(args.clients)
            ]
            started = time.monotonic()
            deadline = started + args.seconds
            tasks = [asyncio.create_task(c.run(deadline)) for c in clients]
            done, pending = await asyncio.wait(tasks, timeout=args.seconds + DRAIN_SECONDS)
            for task in pending:
                task.cancel()
            elapsed = time.monotonic() - started
            for task in done:
                if task.exception() is not None:
                    stats.note(stats.unexpected, f"client crashed: {task.exception()!r}")
        server_alive = process.poll() is None
        stop_server(process)
        print(report(stats, elapsed), flush=True)
        checked, anomalies = await check_books(url, tenants, stats)
    finally:
        if process is not None:
            stop_server(process)
        if not args.keep_database:
            await drop_database(name)
    if pending:
        anomalies.append(f"{len(pending)} clients still waiting {DRAIN_SECONDS:g} s after the end")
    if not server_alive:
        anomalies.append(f"the server died during the run; see {log}")
    for title, found in (
        ("5xx answers", stats.server_errors),
        ("other unexpected answers", stats.unexpected),
        ("transport errors", stats.transport_errors),
    ):
        if found:
            anomalies.append(f"{len(found)} {title}, e.g. {found[0]}")
    print("\nchecked:\n  " + "\n  ".join(checked))
    if anomalies:
        print("\nANOMALIES:\n  " + "\n  ".join(anomalies))
        print(f"server log: {log}")
        return 1
    print("\nno anomalies: zero 5xx, every series gapless, every acknowledged issue stored")
    with contextlib.suppress(OSError):
        log.unlink()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the mix runs")
    parser.add_argument("--clients", type=int, default=64, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--seed", type=int, default=20240101, help="the mix's random seed")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it after")
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
