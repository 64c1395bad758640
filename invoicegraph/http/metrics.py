"""Prometheus metrics at ``/metrics`` (``METRICS_ENABLED=false`` turns them off).

Requests by face, route template (REST) or operation name (GraphQL) and status, with
latency histograms; rate-limit refusals; the PDF pool's queue and render time; the
VERI*FACTU outbox's backlog and oldest pending age; the PDF pool's processes and their
resident memory, apart from the server's own. Labels never carry tenant data: no
account, no key, no id from a path.

With several workers, ``invoicegraph serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh
directory before they start, and ``/metrics`` then sums every worker's counters
(prometheus-client's multiprocess mode); a single process keeps them in memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response

from invoicegraph.db.engine import Database

log = logging.getLogger("invoicegraph.metrics")

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
# GraphQL operation names are the client's words: the first ones seen are kept as labels,
# later new ones count as "other", so a client cannot grow the series without bound
MAX_OPERATION_LABELS = 200
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "invoicegraph_http_requests",
    "HTTP requests answered, by face, route template or GraphQL operation, and status.",
    ["face", "route", "status"],
)
LATENCY = Histogram(
    "invoicegraph_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer.",
    ["face", "route"],
    buckets=LATENCY_BUCKETS,
)
RATE_LIMITED = Counter(
    "invoicegraph_rate_limited", "Requests refused by the rate limiter (429).", ["face"]
)
PDF_QUEUE = Gauge(
    "invoicegraph_pdf_renders_in_flight",
    "PDF renders queued for or running in the PDF pool.",
    multiprocess_mode="livesum",
)
PDF_RENDER = Histogram(
    "invoicegraph_pdf_render_seconds",
    "Time to render one PDF in the pool, queueing included.",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PDF_POOL_PROCESSES = Gauge(
    "invoicegraph_pdf_pool_processes",
    "Live PDF rendering processes (0 until the pool starts, with PDF_WARM_ON_START=false).",
    multiprocess_mode="livesum",
)
PDF_POOL_MEMORY = Gauge(
    "invoicegraph_pdf_pool_resident_bytes",
    "Resident memory of the PDF rendering processes, apart from the server workers' own.",
    multiprocess_mode="livesum",
)
OUTBOX_BACKLOG = Gauge(
    "invoicegraph_verifactu_outbox_backlog",
    "VERI*FACTU records not yet settled by the agency (pending or being sent).",
    multiprocess_mode="mostrecent",
)
OUTBOX_OLDEST = Gauge(
    "invoicegraph_verifactu_outbox_oldest_pending_seconds",
    "Age of the oldest VERI*FACTU record not yet settled (0 when none).",
    multiprocess_mode="mostrecent",
)

_operations: set[str] = set()


def route_label(face: str, route: str) -> str:
    if face != "graphql":
        return route
    if route in _operations:
        return route
    if len(_operations) < MAX_OPERATION_LABELS:
        _operations.add(route)
        return route
    return "other"


def observe_request(face: str, route: str, status: int, seconds: float) -> None:
    label = route_label(face, route)
    REQUESTS.labels(face, label, str(status)).inc()
    LATENCY.labels(face, label).observe(seconds)
    if status == 429:
        RATE_LIMITED.labels(face).inc()


@contextmanager
def pdf_render() -> Iterator[None]:
    """Around one render: in flight while it runs, its time observed when it ends."""
    PDF_QUEUE.inc()
    started = time.perf_counter()
    try:
        yield
    finally:
        PDF_QUEUE.dec()
        PDF_RENDER.observe(time.perf_counter() - started)


def observe_pdf_pool(memory: dict[int, int]) -> None:
    """Record the pool's processes and resident bytes (``pool.worker_memory()``'s answer)."""
    PDF_POOL_PROCESSES.set(len(memory))
    PDF_POOL_MEMORY.set(sum(memory.values()))


async def _observe_outbox(database: Database) -> None:
    from invoicegraph.db.models import VerifactuSubmission
    from invoicegraph.services.verifactu.outbox import UNSETTLED

    query = select(func.count(), func.min(VerifactuSubmission.created_at)).where(
        VerifactuSubmission.status.in_(UNSETTLED)
    )
    async with database.sessions() as session:
        count, oldest = (await session.execute(query)).one()
    OUTBOX_BACKLOG.set(count)
    if oldest is None:
        OUTBOX_OLDEST.set(0)
        return
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    OUTBOX_OLDEST.set(max(0.0, (dt.datetime.now(dt.UTC) - oldest).total_seconds()))


async def metrics_endpoint(request: Request) -> Response:
    from invoicegraph.pdf.pool import worker_memory

    observe_pdf_pool(worker_memory())
    try:
        await _observe_outbox(request.app.state.database)
    except Exception:  # the database is down: the other metrics are still worth reading
        log.warning("metrics: the VERI*FACTU outbox could not be read", exc_info=True)
    directory = os.environ.get(MULTIPROCESS_ENV)
    if directory:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
