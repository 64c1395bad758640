"""Invoices created and issued per second by N concurrent clients over HTTP (GraphQL
``createInvoice`` then ``issueInvoice``: 5 lines with IVA and IRPF each), with 1 and 2 uvicorn
workers, against the same inserts and number allocation as raw SQL transactions through
asyncpg measured in the same run. Every client issues in the same series, so the series row
lock is the point of contention, as it is for a busy account. Afterwards every series must be
gapless: numbers 1..last_number, each once. Target: at least 40 % of the raw-SQL rate.

    .venv/bin/python -m bench.issue_throughput [--seconds 4] [--clients 1,8,32,64]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import asyncpg
import orjson

from bench import common
from bench.data import LINES_PER_INVOICE, Fixture, make_fixture

DATABASE = "invoicegraph_bench_issue"
TARGET_SHARE = 0.40
WORKERS = (1, 2)
POOL_SIZE = 4  # per worker (plus as many overflow); PostgreSQL here is shared with others
BASELINE_POOL = 2 * POOL_SIZE

CREATE = """mutation Create($input: InvoiceInput!) {
  createInvoice(input: $input) { invoice { id } errors { field code message } } }"""
ISSUE = """mutation Issue($id: ID!) {
  issueInvoice(id: $id) { invoice { number fullNumber } errors { field code message } } }"""


def issue_unit(fixture: Fixture) -> common.Unit:
    def lines(n: int) -> list[dict[str, Any]]:
        return [
            {
                "description": f"Servicio {n}-{i}",
                "quantity": str(1 + (n + i) % 7),
                "price": str(Decimal("49.95") + i),
                "taxIds": [str(fixture.vat_id), str(fixture.irpf_id)],
            }
            for i in range(LINES_PER_INVOICE)
        ]

    async def unit(connection: common.HttpConnection, n: int) -> None:
        client = str(fixture.client_ids[n % len(fixture.client_ids)])
        body = {"query": CREATE, "variables": {"input": {"clientId": client, "lines": lines(n)}}}
        status, answer = await connection.send(
            common.post("/graphql", orjson.dumps(body), fixture.key)
        )
        created = orjson.loads(answer)["data"]["createInvoice"]
        assert status == 200 and not created["errors"], answer[:300]
        body = {"query": ISSUE, "variables": {"id": created["invoice"]["id"]}}
        status, answer = await connection.send(
            common.post("/graphql", orjson.dumps(body), fixture.key)
        )
        issued = orjson.loads(answer)["data"]["issueInvoice"]
        assert status == 200 and not issued["errors"], answer[:300]
        assert issued["invoice"]["number"] >= 1, answer[:300]

    return unit


# --- the raw-SQL baseline ---------------------------------------------------------------------


def _round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class RawIssuer:
    """The same rows as a created and issued invoice, written with plain SQL: the draft with
    its lines and line taxes in one transaction; then, in another, the series row locked, its
    counter advanced and the invoice numbered; each transaction records its event
    (``invoice.created``, ``invoice.issued``) in the outbox, as the app's do."""

    def __init__(self, pool: asyncpg.Pool, account_id: int, fixture: Fixture) -> None:
        self.pool = pool
        self.account_id = account_id
        self.fixture = fixture
        self.lines = [
            (i, Decimal(1 + i % 7), Decimal("49.95") + i) for i in range(LINES_PER_INVOICE)
        ]

    async def create(self, connection: asyncpg.Connection, n: int) -> int:
        figures = []
        for position, quantity, price in self.lines:
            base = _round2(quantity * price)
            vat, irpf = _round2(base * 21 / 100), _round2(base * -15 / 100)
            figures.append((position, quantity, price, base, vat, irpf))
        base_total = sum((f[3] for f in figures), Decimal(0))
        vat_total = sum((f[4] for f in figures), Decimal(0))
        irpf_total = sum((f[5] for f in figures), Decimal(0))
        taxes_total = vat_total + irpf_total
        invoice_uuid = uuid.uuid4()
        async with connection.transaction():
            invoice_id: int = await connection.fetchval(
                """INSERT INTO invoices (account_id, uuid, status, is_rectificative,
                    is_simplified, date, currency, exchange_rate, rectified_status, total_vat,
                    total_withholding, updated_at, issuer_name, issuer_tax_id, issuer_country,
                    recipient_name, recipient_tax_id, recipient_country, client_id, subtotal,
                    total_discount, total_before_taxes, total_taxes, total_with_taxes, lang,
                    date_format, money_format, template_id, template_options, intro_texts,
                    close_texts)
                VALUES ($1, $2, 'draft', false, false, $3, 'EUR', 1, 'none', $4, $5, now(),
                    'Bench Servicios S.L.', 'B12345674', 'ES', 'Cliente', '10000000T', 'ES',
                    $6, $7, 0, $7, $8, $9, 'es', 'dd/mm/yyyy', 'symbol_after,point,comma', 1,
                    '{}', '[]', '[]')
                RETURNING id""",
                self.account_id,
                invoice_uuid,
                dt.date.today(),
                vat_total,
                irpf_total,
                self.fixture.client_ids[0],
                base_total,
                taxes_total,
                base_total + taxes_total,
            )
            line_rows = await connection.fetch(
                """INSERT INTO invoice_lines (account_id, uuid, invoice_id, position,
                    description, quantity, price, discount, subtotal, total_discount,
                    total_before_taxes, total_taxes, total_with_taxes)
                SELECT $1, gen_random_uuid(), $2, p, d, q, pr, 0, b, 0, b, t, b + t
                FROM unnest($3::int[], $4::text[], $5::numeric[], $6::numeric[],
                    $7::numeric[], $8::numeric[]) AS u(p, d, q, pr, b, t)
                RETURNING id, position""",
                self.account_id,
                invoice_id,
                [f[0] for f in figures],
                [f"Servicio {n}-{f[0]}" for f in figures],
                [f[1] for f in figures],
                [f[2] for f in figures],
                [f[3] for f in figures],
                [f[4] + f[5] for f in figures],
            )
            line_of = {row["position"]: row["id"] for row in line_rows}
            taxes = [
                (line_of[f[0]], position, kind, name, rate, f[3], total)
                for f in figures
                for position, kind, name, rate, total in (
                    (0, "vat", "IVA (21%)", Decimal(21), f[4]),
                    (1, "withholding", "IRPF (-15%)", Decimal(-15), f[5]),
                )
            ]
            await connection.execute(
                """INSERT INTO invoice_line_taxes (account_id, uuid, line_id, invoice_id,
                    position, kind, name, percentage, base, total, impuesto, regime_key,
                    qualification)
                SELECT $1, gen_random_uuid(), l, $2, p, k, nm, pc, b, t, '01', '01', 'S1'
                FROM unnest($3::bigint[], $4::int[], $5::text[], $6::text[], $7::numeric[],
                    $8::numeric[], $9::numeric[]) AS u(l, p, k, nm, pc, b, t)""",
                self.account_id,
                invoice_id,
                *([tax[i] for tax in taxes] for i in range(7)),
            )
            await self.event(connection, "invoice.created", invoice_id, invoice_uuid)
        return invoice_id

    async def event(
        self, connection: asyncpg.Connection, kind: str, invoice_id: int, invoice_uuid: uuid.UUID
    ) -> None:
        await connection.execute(
            """INSERT INTO events (account_id, uuid, created_at, type, object_kind, object_id,
                object_uuid, payload)
            VALUES ($1, $2, now(), $3, 'invoice', $4, $5, '{}')""",
            self.account_id,
            uuid.uuid4(),
            kind,
            invoice_id,
            invoice_uuid,
        )

    async def issue(self, connection: asyncpg.Connection, invoice_id: int) -> None:
        async with connection.transaction():
            invoice_uuid: uuid.UUID = await connection.fetchval(
                "SELECT uuid FROM invoices WHERE account_id = $1 AND id = $2 FOR UPDATE",
                self.account_id,
                invoice_id,
            )
            series = await connection.fetchrow(
                """SELECT id, code, last_number FROM series WHERE account_id = $1
                    AND kind = 'ordinary' AND active ORDER BY is_default DESC, id LIMIT 1
                    FOR UPDATE""",
                self.account_id,
            )
            number = series["last_number"] + 1
            await connection.execute(
                """UPDATE series SET last_number = $3, last_issue_date = $4, updated_at = now()
                    WHERE account_id = $1 AND id = $2""",
                self.account_id,
                series["id"],
                number,
                dt.date.today(),
            )
            await connection.execute(
                """UPDATE invoices SET status = 'issued', series_id = $3, number = $4,
                    full_number = $5, issued_at = now(), updated_at = now()
                    WHERE account_id = $1 AND id = $2""",
                self.account_id,
                invoice_id,
                series["id"],
                number,
                f"{series['code']}{number}",
            )
            await self.event(connection, "invoice.issued", invoice_id, invoice_uuid)

    async def unit(self, n: int) -> None:
        async with self.pool.acquire() as connection:
            invoice_id = await self.create(connection, n)
        async with self.pool.acquire() as connection:
            await self.issue(connection, invoice_id)


# --- checks -----------------------------------------------------------------------------------


async def gapless(url: str) -> list[str]:
    """One line per series with issued invoices; 'gapless' when numbers are 1..last, once."""
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            """SELECT s.account_id, s.code, s.last_number, count(i.id) AS issued,
                count(DISTINCT i.number) AS distinct_numbers, min(i.number) AS first,
                max(i.number) AS last
            FROM series s JOIN invoices i
                ON i.account_id = s.account_id AND i.series_id = s.id AND i.status <> 'draft'
            GROUP BY s.account_id, s.code, s.last_number ORDER BY s.account_id, s.code"""
        )
    finally:
        await connection.close()
    lines = []
    for row in rows:
        ok = (
            row["issued"] == row["distinct_numbers"] == row["last"] == row["last_number"]
            and row["first"] == 1
        )
        verdict = "gapless" if ok else "NOT GAPLESS"
        lines.append(
            f"account {row['account_id']} series {row['code']}: {row['issued']} issued, "
            f"numbers {row['first']}..{row['last']}, counter {row['last_number']} — {verdict}"
        )
    return lines


HEADER = [
    "workers",
    "clients",
    "invoices/s",
    "p50 ms",
    "p99 ms",
    "app CPU ms/invoice",
    "raw SQL invoices/s",
    "raw SQL p99 ms",
    "raw CPU ms/invoice",
    "share of raw (target ≥ 40 %)",
    "peak RSS MiB/worker (target ≤ 150)",
]
ROUNDS = 2


async def _raw_round(raw: RawIssuer, clients: int, seconds: float) -> common.LoadResult:
    """The baseline runs in this process: its CPU is this process's."""
    before = time.process_time()
    result = await common.run_baseline_load(raw.unit, clients=clients, seconds=seconds)
    result.server_cpu = time.process_time() - before
    return result


async def measure(seconds: float = 4.0, levels: tuple[int, ...] = (1, 8, 32)) -> common.Section:
    with common.stage("issue data: accounts, clients"):
        url = await common.recreate_database(DATABASE)
        common.migrate(url)
        fixture = await make_fixture(url, clients=20, issued_invoices=0)
        raw_fixture = await make_fixture(url, clients=1, issued_invoices=0, tax_id="B87654323")
    pool = await asyncpg.create_pool(url, min_size=BASELINE_POOL, max_size=BASELINE_POOL)
    raw = RawIssuer(pool, raw_fixture.account_id, raw_fixture)
    rows: list[list[object]] = []
    gc_lines: list[str] = []
    env = common.app_env(url, DB_POOL_SIZE=str(POOL_SIZE))
    unit = issue_unit(fixture)
    for workers in WORKERS:
        port = common.free_port()
        async with common.running(
            f"app-{workers}", common.app_command(port, workers), env, port, workers
        ) as server:
            # both warm (imports, compiled statements, every pooled connection) before any
            # level is measured
            await common.run_load(port, unit, clients=4 * workers, seconds=1.5)
            await common.run_baseline_load(raw.unit, clients=BASELINE_POOL, seconds=1.0)
            server.gc_pauses()
            with common.stage(f"issue_throughput: {workers} worker(s)"):
                for clients in levels:
                    server.reset_peaks()
                    ours, theirs = common.LoadResult(), common.LoadResult()
                    # raw and app alternate within the level: both see the same machine
                    for _ in range(ROUNDS):
                        theirs = theirs.merge(await _raw_round(raw, clients, seconds / ROUNDS))
                        ours = ours.merge(
                            await common.measured_load(
                                server, unit, clients=clients, seconds=seconds / ROUNDS
                            )
                        )
                    gc_lines.append(
                        common.gc_line(
                            f"{workers} worker(s), {clients} clients", server.gc_pauses()
                        )
                    )
                    share = ours.rate / theirs.rate if theirs.rate else 0.0
                    verdict = "met" if share >= TARGET_SHARE else "NOT met"
                    failures = f" ({ours.failures} failed: {ours.first_failure})" * bool(
                        ours.failures
                    )
                    rows.append(
                        [
                            workers,
                            f"{clients}{failures}",
                            common.fmt(ours.rate),
                            common.fmt(ours.median_ms),
                            common.fmt(ours.p99_ms),
                            common.fmt(ours.cpu_ms_per_unit),
                            common.fmt(theirs.rate),
                            common.fmt(theirs.p99_ms),
                            common.fmt(theirs.cpu_ms_per_unit),
                            f"{share:.0%} ({verdict})",
                            common.rss(server.peak_rss_mib()),
                        ]
                    )
    await pool.close()
    series = await gapless(url)
    await common.drop_database(DATABASE)
    return common.Section(
        "issue_throughput — create + issue over HTTP (GraphQL) vs raw SQL through asyncpg",
        [
            common.table(HEADER, rows),
            "",
            f"{seconds:g} s per level, in {ROUNDS} alternating rounds of raw SQL then the app. "
            f"Connection pools: {POOL_SIZE} (+{POOL_SIZE} overflow) per app worker, "
            f"{BASELINE_POOL} for the baseline, all opened before measuring. Every client issues "
            "in the same series. App CPU is the workers' (/proc/PID/stat) over the level; raw CPU "
            "is the bench process's own (the baseline runs in it, the load generator too, so it "
            "is an upper bound).",
            "",
            "Garbage-collector pauses per level (all workers):",
            "",
            *(f"- {line}" for line in gc_lines),
            "",
            "Series after the run:",
            "",
            *(f"- {line}" for line in series),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each level")
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels")
    args = parser.parse_args()
    levels = tuple(int(n) for n in args.clients.split(","))
    print(f"cores: {common.machine_line()}\n")
    sections: list[common.Section] = []

    async def go() -> None:
        sections.append(await measure(args.seconds, levels))

    common.run(go)
    print(sections[0].text())


if __name__ == "__main__":
    main()
