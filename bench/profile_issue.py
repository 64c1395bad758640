"""Profile create + issue in-process: the real app (Starlette, the GraphQL view or a REST
dialect, the services, SQLAlchemy, PostgreSQL) called as ASGI without uvicorn or sockets, the
same requests as ``bench/issue_throughput.py``. Prints the app's CPU per invoice (median) and,
with ``--cprofile``, where it goes.

    .venv/bin/python -m bench.profile_issue [--invoices 200] [--cprofile] [--sort tottime]
        [--pyinstrument]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import orjson

from bench import common
from bench.data import make_fixture
from bench.issue_throughput import CREATE, ISSUE
from bench.profile_page import asgi_request

DATABASE = "invoicegraph_bench_profile_issue"


async def main(invoices: int, cprofile: bool, sort: str, rows: int, pyinstrument: bool) -> None:
    from invoicegraph.app import create_app
    from invoicegraph.collector import tune_collector
    from invoicegraph.db.engine import create_database
    from invoicegraph.settings import Settings

    url = await common.recreate_database(DATABASE)
    common.migrate(url)
    fixture = await make_fixture(url, clients=20, issued_invoices=0)
    settings = Settings(database_url=url, rate_limit_per_minute=0, pdf_warm_on_start=False)
    database = create_database(url)
    app = create_app(settings, database)
    tune_collector()

    def lines(n: int) -> list[dict[str, Any]]:
        return [
            {
                "description": f"Servicio {n}-{i}",
                "quantity": str(1 + (n + i) % 7),
                "price": f"{49.95 + i:.2f}",
                "taxIds": [str(fixture.vat_id), str(fixture.irpf_id)],
            }
            for i in range(5)
        ]

    async def once(n: int) -> float:
        started = time.process_time()
        client = str(fixture.client_ids[n % len(fixture.client_ids)])
        body = {"query": CREATE, "variables": {"input": {"clientId": client, "lines": lines(n)}}}
        status, answer = await asgi_request(
            app, "POST", "/graphql", orjson.dumps(body), fixture.key
        )
        created = orjson.loads(answer)["data"]["createInvoice"]
        assert status == 200 and not created["errors"], answer[:300]
        body = {"query": ISSUE, "variables": {"id": created["invoice"]["id"]}}
        status, answer = await asgi_request(
            app, "POST", "/graphql", orjson.dumps(body), fixture.key
        )
        assert status == 200 and b'"errors":[]' in answer, answer[:300]
        return time.process_time() - started

    for n in range(20):
        await once(n)
    times = [await once(100 + n) for n in range(invoices)]
    print(
        f"create + issue (GraphQL, in process): median CPU {statistics.median(times) * 1000:.1f} "
        f"ms per invoice over {invoices}, mean {statistics.mean(times) * 1000:.1f} ms"
    )
    if cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for a core
        profiler.enable()
        for n in range(invoices):
            await once(10_000 + n)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(sort).print_stats(rows)
        import os

        for name in filter(None, os.environ.get("PROFILE_CALLERS", "").split(",")):
            stats.print_callers(name)
        print("own CPU by package:")
        for package, seconds in _by_package(stats, invoices):
            print(f"  {package:<32} {seconds:7.2f} ms per invoice")
    if pyinstrument:
        from pyinstrument import Profiler

        tree = Profiler(interval=0.0005, async_mode="enabled")
        tree.start()
        for n in range(invoices):
            await once(20_000 + n)
        tree.stop()
        print(tree.output_text(unicode=True, color=False))
    await database.dispose()
    await common.drop_database(DATABASE)


def _by_package(stats: Any, invoices: int) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    for (path, _line, _name), row in stats.stats.items():
        if "site-packages/" in path:
            package = path.split("site-packages/", 1)[1].split("/", 1)[0]
        elif "/invoicegraph/" in path:
            package = "invoicegraph/" + path.split("/invoicegraph/", 1)[1].split("/", 1)[0]
        elif path.startswith("~") or path.startswith("<"):
            package = "builtins"
        else:
            package = "stdlib/" + path.rsplit("/", 1)[-1]
        totals[package] = totals.get(package, 0.0) + row[2]
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [(package, seconds * 1000 / invoices) for package, seconds in ranked[:25]]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--pyinstrument", action="store_true", help="pyinstrument's tree")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--rows", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.invoices, args.cprofile, args.sort, args.rows, args.pyinstrument))
