"""/metrics in Prometheus text: requests by face, route template or operation and status,
latency, rate-limit refusals, the PDF pool and the VERI*FACTU outbox; no tenant data."""

from __future__ import annotations

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.http.metrics import PDF_QUEUE, PDF_RENDER, pdf_render

from .conftest import bearer, client_for


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample line of ``text`` (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            head, _, value = line.rpartition(" ")
            if all(f'{k}="{v}"' in head for k, v in labels.items()):
                return float(value)
    return 0.0


async def test_requests_are_counted_by_face_route_and_status(
    database: Database, account: Account, write_key: str
) -> None:
    async with client_for(database, rate_limit_per_minute=2) as http:
        before = (await http.get("/metrics")).text
        await http.get(f"/v1/invoices/{10**9}", headers=bearer(write_key))
        await http.post(
            "/graphql", json={"query": "query Ledger { __typename }"}, headers=bearer(write_key)
        )
        await http.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(write_key))
        answer = await http.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    route = {"face": "v1", "route": "/v1/invoices/{id}", "status": "404"}
    assert _sample(text, "invoicegraph_http_requests_total", **route) == 1 + _sample(
        before, "invoicegraph_http_requests_total", **route
    )
    graphql = {"face": "graphql", "route": "Ledger", "status": "200"}
    assert _sample(text, "invoicegraph_http_requests_total", **graphql) >= 1
    assert _sample(text, "invoicegraph_rate_limited_total", face="graphql") >= 1
    assert (
        _sample(
            text,
            "invoicegraph_http_request_duration_seconds_count",
            face="v1",
            route="/v1/invoices/{id}",
        )
        >= 1
    )
    assert "invoicegraph_verifactu_outbox_backlog" in text
    assert "invoicegraph_verifactu_outbox_oldest_pending_seconds" in text
    assert "invoicegraph_pdf_renders_in_flight" in text
    assert "invoicegraph_pdf_render_seconds_bucket" in text
    assert "invoicegraph_pdf_pool_processes" in text
    assert "invoicegraph_pdf_pool_resident_bytes" in text
    # No label carries a tenant, an id or a key (a float sample such as 0.31000000000000005
    # may contain the id's digits, so the id is looked for as a label value or a path).
    assert str(account.uuid) not in text and write_key not in text
    assert f'"{10**9}"' not in text and f"/{10**9}" not in text


def test_a_pdf_render_is_in_flight_while_it_runs_and_timed() -> None:
    count = PDF_RENDER._sum.get()  # type: ignore[attr-defined]
    with pdf_render():
        assert PDF_QUEUE._value.get() >= 1  # type: ignore[attr-defined]
    assert PDF_RENDER._sum.get() >= count  # type: ignore[attr-defined]


async def test_metrics_can_be_turned_off(database: Database) -> None:
    async with client_for(database, metrics_enabled=False) as http:
        assert (await http.get("/metrics")).status_code == 404
