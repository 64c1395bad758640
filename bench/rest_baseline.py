"""The raw baselines of the REST lists: the rows of ``/v1/invoices?per_page=100`` and
``/api/invoices?limit=100`` read with raw asyncpg (no ORM, no framework, no API-key check) and
written with each dialect's own shape functions and JSON encoder, so that the answer is the
same bytes as the app's (``bench/rest_page.py`` checks it before measuring). What the app
spends beyond this is its framework, ORM, authentication and query planning.

Served by ``bench/baseline_app.py`` under ``/v1page`` and ``/apipage``.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import asyncpg

INVOICES = """SELECT * FROM invoices WHERE account_id = $1 ORDER BY id DESC LIMIT $2"""
COUNT = "SELECT count(*) FROM invoices WHERE account_id = $1"
SERIES = "SELECT id, uuid, code FROM series WHERE account_id = $1 AND id = ANY($2::bigint[])"
CLIENTS = "SELECT id, uuid FROM clients WHERE account_id = $1 AND id = ANY($2::bigint[])"
LINES = """SELECT * FROM invoice_lines WHERE account_id = $1 AND invoice_id = ANY($2::bigint[])
    ORDER BY invoice_id, position"""
TAXES = """SELECT * FROM invoice_line_taxes
    WHERE account_id = $1 AND invoice_id = ANY($2::bigint[]) ORDER BY line_id, position"""


def _rows(records: list[asyncpg.Record]) -> list[SimpleNamespace]:
    return [SimpleNamespace(**dict(record)) for record in records]


async def v1_page(
    pool: asyncpg.Pool, account_id: int, size: int, base_url: str, path: str
) -> bytes:
    """The /v1 page as the app writes it: links under ``base_url`` (the app's PUBLIC_BASE_URL),
    relative when it is empty, never from the Host header."""
    from invoicegraph.http.jsonio import dumps
    from invoicegraph.rest.v1.shapes import invoice_summary

    async with pool.acquire() as connection:
        invoices = _rows(await connection.fetch(INVOICES, account_id, size))
        total = await connection.fetchval(COUNT, account_id)
        series_ids = list({i.series_id for i in invoices if i.series_id is not None})
        codes = {
            row["id"]: row["code"] for row in await connection.fetch(SERIES, account_id, series_ids)
        }
    data = [invoice_summary(i, codes.get(i.series_id or 0), None) for i in invoices]  # type: ignore[arg-type]
    last_page = max(1, -(-total // size))
    base = f"{base_url}{path}"

    def link(number: int) -> str:
        return f"{base}?per_page={size}&page={number}"

    return dumps(
        {
            "data": data,
            "links": {
                "first": link(1),
                "last": link(last_page),
                "prev": None,
                "next": link(2) if last_page > 1 else None,
            },
            "meta": {
                "current_page": 1,
                "from": 1 if data else None,
                "last_page": last_page,
                "path": base,
                "per_page": size,
                "to": len(data) if data else None,
                "total": total,
            },
        }
    )


async def api_page(pool: asyncpg.Pool, account_id: int, size: int) -> bytes:
    from invoicegraph.http.jsonio import dumps
    from invoicegraph.rest.api.shapes import invoice_json
    from invoicegraph.services.public_ids import PublicIds

    async with pool.acquire() as connection:
        # the bench's account has exactly one page: no next cursor to write
        page = _rows(await connection.fetch(INVOICES, account_id, size))
        ids = [i.id for i in page]
        lines = _rows(await connection.fetch(LINES, account_id, ids))
        taxes = _rows(await connection.fetch(TAXES, account_id, ids))
        client_ids = list({i.client_id for i in page if i.client_id is not None})
        clients = await connection.fetch(CLIENTS, account_id, client_ids)
        series_ids = list({i.series_id for i in page if i.series_id is not None})
        series = await connection.fetch(SERIES, account_id, series_ids)
    taxes_of: dict[int, list[Any]] = defaultdict(list)
    for tax in taxes:
        taxes_of[tax.line_id].append(tax)
    lines_of: dict[int, list[Any]] = defaultdict(list)
    for line in lines:
        line.taxes = taxes_of.get(line.id, [])
        lines_of[line.invoice_id].append(line)
    for invoice in page:
        invoice.lines = lines_of.get(invoice.id, [])
    public = PublicIds(
        clients={row["id"]: row["uuid"] for row in clients},
        series={row["id"]: (row["uuid"], row["code"]) for row in series},
    )
    data = [invoice_json(i, public, None) for i in page]  # type: ignore[arg-type]
    return dumps({"data": data, "next_cursor": None})
