"""The same page of 100 invoices through the two REST dialects, ``/v1/invoices?per_page=100``
(Orzame: invoice summaries) and ``/api/invoices?limit=100`` (Facturovia: invoices with their
items), each against a raw baseline answering the same bytes (``bench/rest_baseline.py``),
measured in the same run, alternating. Target: each list within 2× of its baseline.

A dialect whose list is not there, or whose baseline does not answer the same bytes, gets a
row saying so instead of figures.

    .venv/bin/python -m bench.rest_page [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse

from bench import common
from bench.graphql_page import (
    CONCURRENCY,
    PAGE_SIZE,
    Contender,
    alternate,
    failures,
    page_unit,
    prepare,
    verdict,
)

DATABASE = "invoicegraph_bench_rest"
DIALECTS = (
    ("GET /v1/invoices?per_page=100", f"/v1/invoices?per_page={PAGE_SIZE}", "/v1page"),
    ("GET /api/invoices?limit=100", f"/api/invoices?limit={PAGE_SIZE}", "/apipage"),
)
TARGET = 2.0  # app ÷ raw baseline answering the same bytes


async def same_bytes(port: int, raw: bytes, baseline_port: int, baseline_raw: bytes) -> str | None:
    """None when the app and its baseline answer the same bytes; else where they differ."""
    connection = await common.HttpConnection.open(port)
    base = await common.HttpConnection.open(baseline_port)
    try:
        status, body = await connection.send(raw)
        base_status, expected = await base.send(baseline_raw)
    finally:
        connection.close()
        base.close()
    if status != 200:
        return f"not available (HTTP {status}: {body[:200]!r})"
    if base_status != 200:
        return f"no raw baseline (HTTP {base_status}: {expected[:200]!r})"
    if body != expected:
        pairs = enumerate(zip(body, expected, strict=False))
        at = next((i for i, (x, y) in pairs if x != y), min(len(body), len(expected)))
        return (
            f"the raw baseline does not answer the same bytes (from byte {at}: "
            f"{body[at : at + 60]!r} vs {expected[at : at + 60]!r})"
        )
    return None


HEADER = [
    "endpoint",
    "clients",
    "p50 ms",
    "p99 ms",
    "req/s",
    "CPU ms/req",
    "raw p50 ms",
    "raw p99 ms",
    "raw CPU ms/req",
    "p50 ÷ raw (target ≤ 2×)",
    "CPU ÷ raw",
    "peak RSS MiB/worker (target ≤ 150)",
]


async def measure(seconds: float = 2.0, rounds: int = 3) -> common.Section:
    url, fixture = await prepare(DATABASE)
    env = common.app_env(url, BENCH_ACCOUNT_ID=str(fixture.account_id))
    app_port, base_port = common.free_port(), common.free_port()
    rows: list[list[object]] = []
    gc_lines: list[str] = []
    async with (
        common.running("app", common.app_command(app_port, 1), env, app_port, 1) as server,
        common.running(
            "baseline", common.baseline_command(base_port, 1), env, base_port, 1
        ) as baseline,
    ):
        for name, path, baseline_path in DIALECTS:
            raw = common.get(path, fixture.key)
            baseline_raw = common.get(baseline_path)
            problem = await same_bytes(server.port, raw, baseline.port, baseline_raw)
            if problem is not None:
                rows.append([name, "–", problem, *["–"] * (len(HEADER) - 3)])
                continue
            contenders = [
                Contender("raw", baseline, page_unit(baseline_raw)),
                Contender("app", server, page_unit(raw)),
            ]
            for contender in contenders:
                await common.run_load(contender.server.port, contender.unit, clients=4, seconds=1.5)
            server.gc_pauses()
            with common.stage(f"rest_page: measuring {name}"):
                for clients in CONCURRENCY:
                    server.reset_peaks()
                    await alternate(contenders, clients=clients, seconds=seconds, rounds=rounds)
                    gc_lines.append(
                        common.gc_line(f"{name}, {clients} clients", server.gc_pauses())
                    )
                    theirs, ours = (c.results[clients] for c in contenders)
                    rows.append(
                        [
                            name + failures(("app", ours), ("raw", theirs)),
                            clients,
                            common.fmt(ours.median_ms),
                            common.fmt(ours.p99_ms),
                            common.fmt(ours.rate, 0),
                            common.fmt(ours.cpu_ms_per_unit),
                            common.fmt(theirs.median_ms),
                            common.fmt(theirs.p99_ms),
                            common.fmt(theirs.cpu_ms_per_unit),
                            verdict(ours.median_ms / theirs.median_ms, TARGET),
                            f"{ours.cpu_ms_per_unit / theirs.cpu_ms_per_unit:.2f}×",
                            common.rss(server.peak_rss_mib()),
                        ]
                    )
    await common.drop_database(DATABASE)
    return common.Section(
        "rest_page — 100 invoices through /v1 and /api against raw baselines of the same bytes",
        [
            common.table(HEADER, rows),
            "",
            f"{rounds} alternating rounds of {seconds:g} s per server and concurrency. Each "
            "dialect's raw baseline (`bench/rest_baseline.py`) reads the rows with raw asyncpg "
            "and writes them with the dialect's own shape functions and JSON encoder: the bench "
            "checks that it answers the same bytes as the app before measuring. /v1 answers "
            "invoice summaries without lines; /api every invoice with its items, parties and "
            "totals.",
            "",
            "Garbage-collector pauses of the app's worker per level:",
            "",
            *(f"- {line}" for line in gc_lines),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    args = parser.parse_args()
    print(f"cores: {common.machine_line()}\n")
    sections: list[common.Section] = []

    async def go() -> None:
        sections.append(await measure(args.seconds, args.rounds))

    common.run(go)
    print(sections[0].text())


if __name__ == "__main__":
    main()
