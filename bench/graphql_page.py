"""A page of 100 invoices × 5 lines with their line taxes and client, over HTTP through
``/graphql``, against the baseline (``bench/baseline_app.py``: the same rows through raw
asyncpg, encoded with orjson, on the same uvicorn settings) measured in the same run.

Both servers run side by side with one worker each; the load alternates between them in short
rounds so that both see the same machine. Target: GraphQL within 3× of the baseline.

    .venv/bin/python -m bench.graphql_page [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import orjson

from bench import common
from bench.data import LINES_PER_INVOICE, Fixture, make_fixture

PAGE_SIZE = 100
TARGET_RATIO = 3.0
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
    """The measured answer carries the same invoices, lines and tax totals as the baseline."""
    connection = await common.HttpConnection.open(port)
    base = await common.HttpConnection.open(baseline_port)
    try:
        status, body = await connection.send(raw)
        assert status == 200, body[:500]
        answer = orjson.loads(body)
        assert "errors" not in answer, answer["errors"]
        _, expected = await base.send(common.get("/page"))
        ours, theirs = _summary(answer), _summary(orjson.loads(expected))
        assert len(ours) == PAGE_SIZE and ours[0][1] == LINES_PER_INVOICE, ours[:2]
        assert ours == theirs, (ours[:3], theirs[:3])
    finally:
        connection.close()
        base.close()


async def prepare() -> tuple[str, Fixture]:
    with common.stage("page data: 100 issued invoices × 5 lines × 2 taxes, 20 clients"):
        url = await common.recreate_database(DATABASE)
        common.migrate(url)
        fixture = await make_fixture(url, clients=20, issued_invoices=PAGE_SIZE)
    return url, fixture


async def compare(
    name: str,
    server: common.Server,
    baseline: common.Server,
    unit: common.Unit,
    *,
    seconds: float,
    rounds: int,
) -> list[list[object]]:
    """Alternate rounds of the app and the baseline at each concurrency; one row each."""
    rows: list[list[object]] = []
    base_unit = page_unit(common.get("/page"))
    for clients in CONCURRENCY:
        ours, theirs = common.LoadResult(), common.LoadResult()
        server.reset_peaks()
        for _ in range(rounds):
            theirs = theirs.merge(
                await common.run_load(
                    baseline.port, base_unit, clients=clients, seconds=seconds, at_least=clients * 3
                )
            )
            ours = ours.merge(
                await common.run_load(
                    server.port, unit, clients=clients, seconds=seconds, at_least=clients * 3
                )
            )
        peaks = server.peak_rss_mib()
        ratio = ours.median_ms / theirs.median_ms
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        failures = "".join(
            f" ({result.failures} {who} requests failed: {result.first_failure})"
            for who, result in (("app", ours), ("baseline", theirs))
            if result.failures
        )
        rows.append(
            [
                name + failures,
                clients,
                common.fmt(ours.median_ms),
                common.fmt(ours.p99_ms),
                common.fmt(ours.rate, 0),
                common.fmt(theirs.median_ms),
                common.fmt(theirs.p99_ms),
                common.fmt(theirs.rate, 0),
                f"{ratio:.2f}× ({verdict})",
                f"{theirs.rate / ours.rate:.2f}×" if ours.rate else "n/a",
                common.rss(peaks),
            ]
        )
    return rows


HEADER = [
    "endpoint",
    "clients",
    "median ms",
    "p99 ms",
    "req/s",
    "baseline median ms",
    "baseline p99 ms",
    "baseline req/s",
    "median ratio (target ≤ 3×)",
    "req/s ratio",
    "peak RSS MiB/worker",
]


async def with_servers(
    fixture: Fixture,
    url: str,
    work: Callable[[common.Server, common.Server], Awaitable[list[list[object]]]],
) -> list[list[object]]:
    env = {
        "DATABASE_URL": url,
        "RATE_LIMIT_PER_MINUTE": "0",
        "DB_POOL_SIZE": "4",  # the machine's PostgreSQL is shared: a small footprint
        "BENCH_ACCOUNT_ID": str(fixture.account_id),
    }
    app_port, base_port = common.free_port(), common.free_port()
    async with (
        common.running("app", common.app_command(app_port, 1), env, app_port, 1) as server,
        common.running(
            "baseline", common.baseline_command(base_port, 1), env, base_port, 1
        ) as baseline,
    ):
        return await work(server, baseline)


async def measure(seconds: float = 2.0, rounds: int = 3) -> common.Section:
    url, fixture = await prepare()
    raw = graphql_request(fixture.key)

    async def work(server: common.Server, baseline: common.Server) -> list[list[object]]:
        await check_same_page(server.port, raw, baseline.port)
        unit = page_unit(raw)
        # warm both (imports, caches, connection pools) before measuring
        await common.run_load(server.port, unit, clients=2, seconds=1.0)
        await common.run_load(baseline.port, page_unit(common.get("/page")), clients=2, seconds=1.0)
        with common.stage("graphql_page: measuring"):
            return await compare(
                "POST /graphql", server, baseline, unit, seconds=seconds, rounds=rounds
            )

    rows = await with_servers(fixture, url, work)
    await common.drop_database(DATABASE)
    return common.Section(
        "graphql_page — 100 invoices × 5 lines × 2 taxes + client, one uvicorn worker each",
        [
            common.table(HEADER, rows),
            "",
            f"{rounds} alternating rounds of {seconds:g} s per server and concurrency. Baseline: "
            "raw asyncpg (4 queries) + orjson in a bare ASGI app, no API-key check. Ratios are "
            "app ÷ baseline for latency and baseline ÷ app for requests/s.",
        ],
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
