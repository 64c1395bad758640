"""The baseline of the page benchmarks: a bare ASGI app on the same uvicorn settings that reads
the same rows with raw asyncpg and encodes them with orjson, in the shape of the GraphQL
answer (same fields, same global ids, decimals as the Decimal scalar writes them: the bench
checks that both answer the same bytes). No framework, ORM, GraphQL or API
key check: what is left is the floor a page of invoices can cost over HTTP on this machine.

    uvicorn bench.baseline_app:app   (DATABASE_URL, BENCH_ACCOUNT_ID)
"""

from __future__ import annotations

import base64
import os
from collections import defaultdict
from decimal import Decimal
from typing import Any

import asyncpg
import orjson

from bench.rest_baseline import api_page, v1_page
from invoicegraph.schema.scalars import serialize_decimal

INVOICES = """SELECT id, uuid, full_number, date, status, total_before_taxes, total_taxes,
    total_with_taxes, client_id FROM invoices WHERE account_id = $1 ORDER BY id DESC LIMIT $2"""
LINES = """SELECT id, invoice_id, description, quantity, price, total_before_taxes,
    total_with_taxes FROM invoice_lines WHERE account_id = $1 AND invoice_id = ANY($2::bigint[])
    ORDER BY invoice_id, position"""
TAXES = """SELECT line_id, name, percentage, base, total FROM invoice_line_taxes
    WHERE account_id = $1 AND invoice_id = ANY($2::bigint[]) ORDER BY line_id, position"""
CLIENTS = """SELECT id, uuid, name, tax_id FROM clients
    WHERE account_id = $1 AND id = ANY($2::bigint[])"""


def global_id(kind: str, value: object) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def _default(value: object) -> str:
    # the GraphQL Decimal scalar's text ("2.00", "49.95"): the answer must be the same bytes
    if isinstance(value, Decimal):
        return serialize_decimal(value)
    raise TypeError(type(value))


async def page(pool: asyncpg.Pool, account_id: int, size: int) -> bytes:
    async with pool.acquire() as connection:
        invoices = await connection.fetch(INVOICES, account_id, size)
        ids = [row["id"] for row in invoices]
        lines = await connection.fetch(LINES, account_id, ids)
        taxes = await connection.fetch(TAXES, account_id, ids)
        client_ids = list({row["client_id"] for row in invoices if row["client_id"]})
        clients = await connection.fetch(CLIENTS, account_id, client_ids)
    taxes_by_line: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for tax in taxes:
        taxes_by_line[tax["line_id"]].append(
            {
                "name": tax["name"],
                "percentage": tax["percentage"],
                "base": tax["base"],
                "total": tax["total"],
            }
        )
    lines_by_invoice: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        lines_by_invoice[line["invoice_id"]].append(
            {
                "description": line["description"],
                "quantity": line["quantity"],
                "price": line["price"],
                "totalBeforeTaxes": line["total_before_taxes"],
                "totalWithTaxes": line["total_with_taxes"],
                "taxes": taxes_by_line.get(line["id"], []),
            }
        )
    client_of = {
        row["id"]: {
            "id": global_id("Client", row["uuid"]),
            "name": row["name"],
            "taxId": row["tax_id"],
        }
        for row in clients
    }
    edges = [
        {
            "node": {
                "id": global_id("Invoice", row["uuid"]),
                "fullNumber": row["full_number"],
                "date": row["date"],
                "status": row["status"].upper(),
                "totalBeforeTaxes": row["total_before_taxes"],
                "totalTaxes": row["total_taxes"],
                "totalWithTaxes": row["total_with_taxes"],
                "client": client_of.get(row["client_id"]),
                "lines": lines_by_invoice.get(row["id"], []),
            }
        }
        for row in invoices
    ]
    return orjson.dumps({"data": {"invoices": {"edges": edges}}}, default=_default)


class BaselineApp:
    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None
        self.account_id = int(os.environ.get("BENCH_ACCOUNT_ID", "1"))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
                    size = int(os.environ.get("DB_POOL_SIZE", "10"))
                    # every connection up front: the machine's PostgreSQL is shared
                    self.pool = await asyncpg.create_pool(url, min_size=size, max_size=size)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if self.pool is not None:
                        await self.pool.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        if scope["path"] == "/page":
            assert self.pool is not None
            body = await page(self.pool, self.account_id, 100)
        elif scope["path"] == "/v1page":
            assert self.pool is not None
            base_url = os.environ.get("PUBLIC_BASE_URL", "")  # as the app's settings read it
            body = await v1_page(self.pool, self.account_id, 100, base_url, "/v1/invoices")
        elif scope["path"] == "/apipage":
            assert self.pool is not None
            body = await api_page(self.pool, self.account_id, 100)
        else:
            body = b'{"status":"ok"}'
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


app = BaselineApp()
