"""Profile the GraphQL page in-process: the real app (Starlette, the GraphQL view, the schema,
SQLAlchemy, PostgreSQL) called as ASGI without uvicorn or sockets, so the profile shows only
our side. Prints the median time of a page and, with ``--profile``, pyinstrument's tree.

    .venv/bin/python -m bench.profile_page [--requests 30] [--profile | --cprofile]
        [--target graphql|rest-api|rest-v1] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench import common
from bench.data import make_fixture
from bench.graphql_page import PAGE_QUERY, PAGE_SIZE

DATABASE = "invoicegraph_bench_profile"


async def asgi_request(
    app: Any, method: str, path: str, body: bytes, key: str, query: bytes = b""
) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"authorization", f"Bearer {key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def main(requests: int, profile: bool, cprofile: bool, target: str, reuse: bool) -> None:
    from invoicegraph.app import create_app
    from invoicegraph.db.engine import create_database
    from invoicegraph.settings import Settings

    url = common.database_url(DATABASE)
    saved = Path(tempfile.gettempdir()) / f"{DATABASE}.key"
    if reuse and saved.exists():
        key = saved.read_text()
    else:
        url = await common.recreate_database(DATABASE)
        common.migrate(url)
        key = (await make_fixture(url, clients=20, issued_invoices=PAGE_SIZE)).key
        saved.write_text(key)
    settings = Settings(database_url=url, rate_limit_per_minute=0)
    database = create_database(url)
    app = create_app(settings, database)
    if target == "graphql":
        body = orjson.dumps({"query": PAGE_QUERY, "variables": {"first": PAGE_SIZE}})
        call = ("POST", "/graphql", body, b"")
    elif target == "rest-api":
        call = ("GET", "/api/invoices", b"", b"limit=100")
    else:
        call = ("GET", "/v1/invoices", b"", b"per_page=100")

    async def once() -> float:
        started = time.process_time()
        status, body = await asgi_request(app, call[0], call[1], call[2], key, call[3])
        assert status == 200 and b'"errors"' not in body[:100], body[:500]
        return time.process_time() - started

    import asyncpg

    from bench.baseline_app import page

    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    account_id = await pool.fetchval("SELECT account_id FROM invoices LIMIT 1")

    async def baseline() -> float:
        started = time.process_time()
        await page(pool, account_id, PAGE_SIZE)
        return time.process_time() - started

    for _ in range(5):
        await once()
        await baseline()
    times, base_times = [], []
    for _ in range(requests):  # interleaved, so that both see the same machine
        times.append(await once())
        base_times.append(await baseline())
    ours, theirs = statistics.median(times) * 1000, statistics.median(base_times) * 1000
    print(
        f"{target}: median CPU time {ours:.1f} ms over {requests} requests; baseline (asyncpg + "
        f"orjson, no HTTP) {theirs:.1f} ms; ratio {ours / theirs:.2f}x"
    )
    await pool.close()
    if cprofile:
        import cProfile
        import pstats

        profiler_c = cProfile.Profile()
        profiler_c.enable()
        for _ in range(requests):
            await once()
        profiler_c.disable()
        pstats.Stats(profiler_c).sort_stats("tottime").print_stats(45)
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="enabled")
        profiler.start()
        for _ in range(requests):
            await once()
        profiler.stop()
        show_all = bool(os.environ.get("PROFILE_ALL"))
        print(profiler.output_text(unicode=True, color=False, show_all=show_all))
    await database.dispose()
    if not reuse:
        saved.unlink()
        await common.drop_database(DATABASE)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--target", choices=["graphql", "rest-api", "rest-v1"], default="graphql")
    parser.add_argument("--cprofile", action="store_true", help="cProfile, by own time")
    parser.add_argument("--reuse", action="store_true", help="keep the data for the next run")
    args = parser.parse_args()
    common.run(lambda: main(args.requests, args.profile, args.cprofile, args.target, args.reuse))
