"""PostGraphile 5 (Node 22, both from the npm registry: ``bench/postgraphile/package.json``) on
the bench's own tables, as the GraphQL peer of ``/graphql``: the same page (100 invoices with
client, lines and line taxes) through its generated schema, with the same-shape query.

It is installed on first use (``npm ci`` in ``bench/postgraphile``); when it cannot be
installed or started the bench says why and goes on without it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from bench import common

HERE = Path(__file__).with_name("postgraphile")
NODE = HERE / "node_modules" / ".bin" / "node"
SERVER = HERE / "server.mjs"

# The same fields and nesting as bench.graphql_page.PAGE_QUERY, in PostGraphile's names:
# rows of one account (a condition, as our API key scopes them), newest first.
PAGE_QUERY = """query Page($first: Int!, $account: BigInt!) {
  allInvoices(first: $first, orderBy: [ROW_ID_DESC], condition: {accountId: $account}) {
    edges { node {
      id fullNumber date status totalBeforeTaxes totalTaxes totalWithTaxes
      client: clientByAccountIdAndClientId { id name taxId }
      lines: invoiceLinesByAccountIdAndInvoiceId(orderBy: [ROW_ID_ASC]) { nodes {
        description quantity price totalBeforeTaxes totalWithTaxes
        taxes: invoiceLineTaxesByAccountIdAndLineId(orderBy: [ROW_ID_ASC]) { nodes {
          name percentage base total } } } } } } } }"""


def page_request(account_id: int, first: int) -> bytes:
    body = orjson.dumps(
        {"query": PAGE_QUERY, "variables": {"first": first, "account": str(account_id)}}
    )
    return common.request("POST", "/graphql", body)


def summary(page: Any) -> list[tuple[str, int, Decimal]]:
    """Invoice numbers, line counts and tax totals: what must agree with our page."""
    return [
        (
            edge["node"]["fullNumber"],
            len(edge["node"]["lines"]["nodes"]),
            sum(
                (
                    Decimal(t["total"])
                    for line in edge["node"]["lines"]["nodes"]
                    for t in line["taxes"]["nodes"]
                ),
                Decimal(0),
            ),
        )
        for edge in page["data"]["allInvoices"]["edges"]
    ]


def install() -> str | None:
    """``npm ci`` when needed; the reason it cannot run, or ``None``."""
    if NODE.exists() and (HERE / "node_modules" / "postgraphile").exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (scripts/setup-system.sh test installs it)"
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0 or not NODE.exists():
        return f"npm ci failed in {HERE}: {(done.stderr or done.stdout)[-500:]}"
    return None


@contextlib.asynccontextmanager
async def running(url: str, port: int) -> AsyncIterator[common.Server | str]:
    """The PostGraphile server, or the reason it could not start (a string)."""
    reason = install()
    if reason is not None:
        yield reason
        return
    env = {
        "DATABASE_URL": url.replace("postgresql+asyncpg", "postgresql"),
        "PORT": str(port),
        "POOL_SIZE": "4",
        "NODE_ENV": "production",
        "GRAPHILE_ENV": "production",
    }
    try:
        server = await common.start_server(
            "postgraphile", [str(NODE), str(SERVER)], {**os.environ, **env}, port, 1
        )
    except RuntimeError as exc:
        yield f"PostGraphile did not start: {exc}"
        return
    try:
        yield server
    finally:
        server.stop()
