"""A page of 100 invoices × 5 lines with their line taxes and client, over HTTP through
``/graphql``, against the raw baseline (``bench/baseline_app.py``: the same rows through raw
asyncpg, encoded with orjson, the same bytes) and PostGraphile 5 on the same tables
(``bench/postgraphile_peer.py``), all measured in the same run.

The servers run side by side with one worker each; the load alternates between them in short
rounds so that all see the same machine. Targets: the app's CPU per request and p50 at most
0.5× PostGraphile's; its p99 at most 2× its p50.

    .venv/bin/python -m bench.graphql_page [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from bench import common, postgraphile_peer
from bench.data import LINES_PER_INVOICE, Fixture, make_fixture

PAGE_SIZE = 100
PEER_TARGET = 0.5  # app ÷ PostGraphile, CPU per request and p50
P99_TARGET = 2.0  # p99 ÷ p50
CONCURRENCY = (1, 8)
DATABASE = "invoicegraph_bench_page"

PAGE_QUERY = """query Page($first: Int!) { invoices(first: $first) { edges { node {
  id fullNumber date status totalBeforeTaxes totalTaxes totalWithTaxes
  client { id name taxId }
  lines { description quantity price totalBeforeTaxes totalWithTaxes
          taxes { name percentage base total } }
} } } }"""


def graphql_request(key: str) -> bytes:
    body = orjson.dumps({"query": PAGE_QUERY, "variables": {"first": PAGE_SIZE}})
    return common.post("/graphql", body, key)


def _summary(page: Any) -> list[tuple[str, int, Decimal]]:
    """What must agree between the GraphQL answer and the baseline's."""
    return [
        (
            edge["node"]["fullNumber"],
            len(edge["node"]["lines"]),
            sum(
                (Decimal(t["total"]) for line in edge["node"]["lines"] for t in line["taxes"]),
                Decimal(0),
            ),
        )
        for edge in page["data"]["invoices"]["edges"]
    ]


def page_unit(raw: bytes) -> common.Unit:
    async def unit(connection: common.HttpConnection, _n: int) -> None:
        status, body = await connection.send(raw)
        if status != 200 or b'"errors":[' in body[:200]:
            raise ValueError(f"{status}: {body[:300]!r}")

    return unit


async def check_same_page(port: int, raw: bytes, baseline_port: int) -> None:
    """The measured answer is the baseline's answer, byte for byte."""
    connection = await common.HttpConnection.open(port)
    base = await common.HttpConnection.open(baseline_port)
    try:
        status, body = await connection.send(raw)
        assert status == 200, body[:500]
        answer = orjson.loads(body)
        assert "errors" not in answer, answer["errors"]
        _, expected = await base.send(common.get("/page"))
        ours = _summary(answer)
        assert len(ours) == PAGE_SIZE and ours[0][1] == LINES_PER_INVOICE, ours[:2]
        if body != expected:
            at = next(
                (i for i, (x, y) in enumerate(zip(body, expected, strict=False)) if x != y), 0
            )
            raise AssertionError(
                f"the baseline does not answer the same bytes (from byte {at}: "
                f"{body[at : at + 80]!r} vs {expected[at : at + 80]!r})"
            )
    finally:
        connection.close()
        base.close()


async def check_peer_page(port: int, raw: bytes, peer_port: int, peer_raw: bytes) -> None:
    """PostGraphile's page has the same invoices, lines and tax totals (its own names)."""
    connection = await common.HttpConnection.open(port)
    peer = await common.HttpConnection.open(peer_port)
    try:
        _, body = await connection.send(raw)
        status, theirs = await peer.send(peer_raw)
        assert status == 200 and b'"errors"' not in theirs[:200], theirs[:500]
        assert _summary(orjson.loads(body)) == postgraphile_peer.summary(orjson.loads(theirs))
    finally:
        connection.close()
        peer.close()


async def prepare(database: str = DATABASE) -> tuple[str, Fixture]:
    with common.stage("page data: 100 issued invoices × 5 lines × 2 taxes, 20 clients"):
        url = await common.recreate_database(database)
        common.migrate(url)
        fixture = await make_fixture(url, clients=20, issued_invoices=PAGE_SIZE)
        await common.analyze(database)
    return url, fixture


@dataclass
class Contender:
    """One server measured at each level, and the unit of work it is sent."""

    name: str
    server: common.Server
    unit: common.Unit
    results: dict[int, common.LoadResult] = field(default_factory=dict)


async def alternate(
    contenders: list[Contender], *, clients: int, seconds: float, rounds: int
) -> None:
    """Rounds of each contender in turn at one level: all see the same machine."""
    for contender in contenders:
        contender.results[clients] = common.LoadResult()
    for _ in range(rounds):
        for contender in contenders:
            result = await common.measured_load(
                contender.server,
                contender.unit,
                clients=clients,
                seconds=seconds,
                at_least=clients * 3,
            )
            contender.results[clients] = contender.results[clients].merge(result)


def failures(*results: tuple[str, common.LoadResult]) -> str:
    return "".join(
        f" ({result.failures} {who} requests failed: {result.first_failure})"
        for who, result in results
        if result.failures
    )


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}× ({'met' if ratio <= target else 'NOT met'})"


HEADER = [
    "endpoint",
    "clients",
    "p50 ms",
    "p99 ms",
    "req/s",
    "CPU ms/req",
    "raw p50 ms",
    "raw CPU ms/req",
    "p50 ÷ raw",
    "CPU ÷ raw",
    "p99 ÷ p50 (target ≤ 2×)",
    "peak RSS MiB/worker (target ≤ 150)",
]
PEER_HEADER = [
    "clients",
    "app p50 ms",
    "app CPU ms/req",
    "PostGraphile p50 ms",
    "PostGraphile p99 ms",
    "PostGraphile req/s",
    "PostGraphile CPU ms/req",
    "app p50 ÷ PostGraphile (target ≤ 0.5×)",
    "app CPU ÷ PostGraphile (target ≤ 0.5×)",
]


def row(
    name: str, clients: int, ours: common.LoadResult, raw: common.LoadResult, peaks: list[float]
) -> list[object]:
    return [
        name + failures(("app", ours), ("raw", raw)),
        clients,
        common.fmt(ours.median_ms),
        common.fmt(ours.p99_ms),
        common.fmt(ours.rate, 0),
        common.fmt(ours.cpu_ms_per_unit),
        common.fmt(raw.median_ms),
        common.fmt(raw.cpu_ms_per_unit),
        f"{ours.median_ms / raw.median_ms:.2f}×",
        f"{ours.cpu_ms_per_unit / raw.cpu_ms_per_unit:.2f}×",
        verdict(ours.p99_ms / ours.median_ms, P99_TARGET),
        common.rss(peaks),
    ]


async def measure(seconds: float = 2.0, rounds: int = 3) -> common.Section:
    url, fixture = await prepare()
    raw = graphql_request(fixture.key)
    env = common.app_env(url, BENCH_ACCOUNT_ID=str(fixture.account_id))
    app_port, base_port, peer_port = common.free_port(), common.free_port(), common.free_port()
    rows: list[list[object]] = []
    peer_rows: list[list[object]] = []
    gc_lines: list[str] = []
    notes: list[str] = []
    async with (
        common.running("app", common.app_command(app_port, 1), env, app_port, 1) as server,
        common.running(
            "baseline", common.baseline_command(base_port, 1), env, base_port, 1
        ) as baseline,
        postgraphile_peer.running(url, peer_port) as peer,
    ):
        await check_same_page(server.port, raw, baseline.port)
        contenders = [
            Contender("raw", baseline, page_unit(common.get("/page"))),
            Contender("app", server, page_unit(raw)),
        ]
        if isinstance(peer, str):
            notes.append(f"PostGraphile is not in this run: {peer}")
        else:
            peer_raw = postgraphile_peer.page_request(fixture.account_id, PAGE_SIZE)
            await check_peer_page(server.port, raw, peer.port, peer_raw)
            contenders.append(Contender("PostGraphile", peer, page_unit(peer_raw)))
        # everyone warm (imports, JIT, caches, pools) before the first level
        for contender in contenders:
            await common.run_load(contender.server.port, contender.unit, clients=4, seconds=1.5)
        server.gc_pauses()
        with common.stage("graphql_page: measuring"):
            for clients in CONCURRENCY:
                server.reset_peaks()
                await alternate(contenders, clients=clients, seconds=seconds, rounds=rounds)
                gc_lines.append(common.gc_line(f"{clients} clients", server.gc_pauses()))
                by_name = {c.name: c.results[clients] for c in contenders}
                ours, floor = by_name["app"], by_name["raw"]
                rows.append(row("POST /graphql", clients, ours, floor, server.peak_rss_mib()))
                theirs = by_name.get("PostGraphile")
                if theirs is not None:
                    peer_rows.append(
                        [
                            clients,
                            common.fmt(ours.median_ms),
                            common.fmt(ours.cpu_ms_per_unit),
                            common.fmt(theirs.median_ms),
                            common.fmt(theirs.p99_ms),
                            common.fmt(theirs.rate, 0),
                            common.fmt(theirs.cpu_ms_per_unit),
                            verdict(ours.median_ms / theirs.median_ms, PEER_TARGET),
                            verdict(ours.cpu_ms_per_unit / theirs.cpu_ms_per_unit, PEER_TARGET),
                        ]
                    )
    await common.drop_database(DATABASE)
    lines = [
        common.table(HEADER, rows),
        "",
        f"{rounds} alternating rounds of {seconds:g} s per server and concurrency (raw, app, "
        "PostGraphile in turn). raw: `bench/baseline_app.py`, raw asyncpg (4 queries) + orjson "
        "in a bare ASGI app answering the same bytes as the app (checked before measuring), no "
        "API-key check. CPU ms/req is the server's user + system CPU (/proc/PID/stat) over the "
        "level ÷ requests answered.",
        "",
    ]
    if peer_rows:
        lines += [
            "PostGraphile 5 (Node 22) on the same tables, same-shape query (its own field "
            "names; the same invoices, lines and tax totals, checked before measuring):",
            "",
            common.table(PEER_HEADER, peer_rows),
            "",
        ]
    lines += [*notes, "Garbage-collector pauses of the app's worker per level:", ""]
    lines += [f"- {line}" for line in gc_lines]
    return common.Section(
        "graphql_page — 100 invoices × 5 lines × 2 taxes + client, one worker each", lines
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    args = parser.parse_args()
    print(f"cores: {common.machine_line()}\n")
    section: list[common.Section] = []

    async def go() -> None:
        section.append(await measure(args.seconds, args.rounds))

    common.run(go)
    print(section[0].text())


if __name__ == "__main__":
    main()
