"""graphql-ws from Node — the version our GraphiQL bundles and the newest — subscribes to
invoiceEvents on a live server, creates and issues an invoice, and receives both events as
text frames; another tenant's invoice, created and issued meanwhile, never shows up."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import CLIENTS_DIR, REPO_ROOT, LiveApi, make_tenant

pytestmark = pytest.mark.xdist_group("clients")


def _locked_version(lockfile: Path, package: str) -> str:
    packages = json.loads(lockfile.read_text(encoding="utf-8"))["packages"]
    version: str = packages[f"node_modules/{package}"]["version"]
    return version


def _run_client(package: str, base_url: str, key: str, other_key: str) -> dict[str, Any]:
    proc = subprocess.run(
        ["node", str(CLIENTS_DIR / "subscribe.mjs"), package, base_url, key, other_key],
        cwd=CLIENTS_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_the_client_tested_is_the_one_graphiql_bundles() -> None:
    bundled = _locked_version(REPO_ROOT / "frontend" / "package-lock.json", "graphql-ws")
    tested = _locked_version(CLIENTS_DIR / "package-lock.json", "graphql-ws-graphiql")
    assert tested == bundled


@pytest.mark.parametrize("package", ["graphql-ws-graphiql", "graphql-ws-newest"])
async def test_graphql_ws_receives_created_and_issued_of_its_own_tenant_only(
    live_api: LiveApi, node_clients: Path, package: str
) -> None:
    mine = await make_tenant(live_api.database_url, "Cliente Node S.L.")
    theirs = await make_tenant(live_api.database_url, "Otro Inquilino S.L.")

    result = _run_client(package, live_api.base_url, mine.key, theirs.key)

    assert result["error"] is None, result
    assert result["binaryFrames"] == 0
    [invoice] = result["mine"]
    warmups = set(result["warmups"])
    assert warmups, "the subscription went live on a warm-up draft"
    # every event is this tenant's: the warm-ups, then the invoice created and issued
    assert {e["invoiceId"] for e in result["events"]} <= warmups | {invoice}
    assert [(e["kind"], e["invoiceId"]) for e in result["events"] if e["invoiceId"] == invoice] == [
        ("CREATED", invoice),
        ("ISSUED", invoice),
    ]
    # the event carries the invoice as it is when delivered: issued by then, at the latest
    assert result["events"][-1] == {"kind": "ISSUED", "invoiceId": invoice, "status": "ISSUED"}
    [their_invoice] = result["theirs"]
    assert their_invoice not in {e["invoiceId"] for e in result["events"]}
