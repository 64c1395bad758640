"""The same page of 100 invoices through the two REST dialects, ``/v1/invoices?per_page=100``
(Orzame: invoice summaries) and ``/api/invoices?limit=100`` (Facturovia: invoices with their
items), against the same baseline as ``graphql_page`` measured in the same run.

A dialect whose list route is not there yet gets a "not available" row.

    .venv/bin/python -m bench.rest_page [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse

import orjson

from bench import common
from bench.graphql_page import (
    DATABASE,
    HEADER,
    PAGE_SIZE,
    compare,
    page_unit,
    prepare,
    with_servers,
)

DIALECTS = (
    ("GET /v1/invoices?per_page=100", f"/v1/invoices?per_page={PAGE_SIZE}", "data"),
    ("GET /api/invoices?limit=100", f"/api/invoices?limit={PAGE_SIZE}", "data"),
)


async def available(port: int, raw: bytes, key: str) -> str | None:
    """None when the route answers a full page; else why not."""
    connection = await common.HttpConnection.open(port)
    try:
        status, body = await connection.send(raw)
    finally:
        connection.close()
    if status != 200:
        return f"not available (HTTP {status})"
    answer = orjson.loads(body)
    if not isinstance(answer, dict) or len(answer.get(key) or []) != PAGE_SIZE:
        return f"not available (no page of {PAGE_SIZE} under '{key}')"
    return None


async def measure(seconds: float = 2.0, rounds: int = 3) -> common.Section:
    url, fixture = await prepare()

    async def work(server: common.Server, baseline: common.Server) -> list[list[object]]:
        rows: list[list[object]] = []
        for name, path, key in DIALECTS:
            raw = common.get(path, fixture.key)
            missing = await available(server.port, raw, key)
            if missing is not None:
                rows.append([name, "–", missing, *["–"] * (len(HEADER) - 3)])
                continue
            unit = page_unit(raw)
            await common.run_load(server.port, unit, clients=2, seconds=1.0)
            base_unit = page_unit(common.get("/page"))
            await common.run_load(baseline.port, base_unit, clients=2, seconds=1.0)
            with common.stage(f"rest_page: measuring {name}"):
                rows += await compare(name, server, baseline, unit, seconds=seconds, rounds=rounds)
        return rows

    rows = await with_servers(fixture, url, work)
    await common.drop_database(DATABASE)
    return common.Section(
        "rest_page — the same 100 invoices through /v1 and /api, one uvicorn worker each",
        [
            common.table(HEADER, rows),
            "",
            "Same baseline as graphql_page (the GraphQL page's rows through raw asyncpg + orjson). "
            "/v1 answers invoice summaries without lines; /api answers every invoice with its "
            "items, parties and totals.",
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
