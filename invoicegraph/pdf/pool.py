"""Rendering PDFs off the event loop, in a pool of warm worker processes.

Laying out a PDF is ~0.1 s of pure-Python CPU work that holds the GIL, so a thread would still
stall the server: the work goes to a ``ProcessPoolExecutor``. The pool is module-level and created
lazily (or eagerly by :func:`start_pool` in the app's lifespan); its workers are *spawned*, not
forked, because forking a process that runs an event loop and database drivers' threads is
unsafe, and each worker warms itself up on start (imports weasyprint, loads fonts, parses the
stylesheets, renders a sample) so that no request pays for a cold worker.

When the pool starts is the ``PDF_WARM_ON_START`` setting: ``true`` (the default) makes the
app's start-up wait for :func:`start_pool`, so the server accepts connections, and ``/health``
answers, only once every worker is up and warm; ``false`` creates the pool on the first render,
which then waits for the workers to start (about a second of CPU each) and leaves the memory
unused until PDFs are asked for. :func:`worker_memory` reports what the workers hold, and
``/metrics`` shows it (``invoicegraph_pdf_pool_processes``, ``…_resident_bytes``).

This module does not import weasyprint: the server process only pickles ``InvoiceDocument``s
across and gets bytes back. As with any spawned pool, a script that renders through it must keep
its top-level code under ``if __name__ == "__main__":`` (uvicorn and pytest already do).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from invoicegraph.http.metrics import observe_pdf_pool, pdf_render
from invoicegraph.pdf.document import InvoiceDocument

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size: int = max(1, os.cpu_count() or 1)


def _exit_with_parent() -> None:
    """End this worker as soon as the process that spawned it is gone.

    A worker holds both ends of the executor's job pipe, so when the server is killed (OOM,
    SIGKILL) it would wait on that pipe forever; the parent's sentinel tells it to leave.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="pdf-worker-parent-watch", daemon=True).start()


def _warm_worker() -> None:
    """Pool initializer: run once in each new worker before it takes any job."""
    _exit_with_parent()
    from invoicegraph.pdf.typeset import warm_up

    warm_up()


def _render_in_worker(document: InvoiceDocument, variant: str | None) -> bytes:
    from invoicegraph.pdf.typeset import render_document

    return render_document(document, variant)


def _worker_pid() -> int:
    return os.getpid()


def configure_pool(workers: int) -> None:
    """Set how many worker processes the pool has; takes effect when the pool is next created."""
    global _pool_size
    if workers < 1:
        raise ValueError("the PDF pool needs at least one worker")
    _pool_size = workers


def pool_size() -> int:
    """How many worker processes the pool has (or will have once created)."""
    return _pool_size


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=_pool_size,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_worker,
            )
        return _pool


def _discard_pool(broken: ProcessPoolExecutor) -> None:
    """Forget a pool whose worker died, so the next call builds a new one."""
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


async def start_pool(workers: int | None = None) -> None:
    """Create the pool and wait until every worker is up and warm (for the app's lifespan).

    Submitting one job per worker at once makes the executor spawn them all; each runs the
    warm-up initializer before its job, so when this returns the first render is a warm one.
    """
    if workers is not None:
        configure_pool(workers)
    pool = _get_pool()
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.run_in_executor(pool, _worker_pid) for _ in range(_pool_size)))
    observe_pdf_pool(worker_memory())


async def render_pdf(document: InvoiceDocument, *, variant: str | None = None) -> bytes:
    """Render ``document`` to PDF bytes in a worker process, without blocking the event loop.

    ``variant`` is weasyprint's ``pdf_variant`` (``"pdf/a-3b"`` for Factur-X). If a worker died
    (killed, out of memory) the pool is rebuilt and the render tried once more.
    """
    loop = asyncio.get_running_loop()
    with pdf_render():  # queue and render time, for /metrics
        pool = _get_pool()
        try:
            pdf = await loop.run_in_executor(pool, _render_in_worker, document, variant)
        except BrokenProcessPool:
            _discard_pool(pool)
            pdf = await loop.run_in_executor(_get_pool(), _render_in_worker, document, variant)
    # each server worker keeps its own figure fresh (a /metrics scrape reaches one of them):
    # two /proc reads, ~0.1 ms
    observe_pdf_pool(worker_memory())
    return pdf


def is_started() -> bool:
    """Whether the pool exists (started by :func:`start_pool` or by a first render)."""
    return _pool is not None


def worker_pids() -> tuple[int, ...]:
    """The process ids of the pool's live workers (none before the pool starts)."""
    with _lock:
        pool = _pool
    if pool is None:
        return ()
    processes = getattr(pool, "_processes", None) or {}
    return tuple(sorted(pid for pid, process in processes.items() if process.is_alive()))


def _rss_bytes(pid: int) -> int | None:
    """Resident memory of ``pid`` (Linux ``/proc``), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def worker_memory() -> dict[int, int]:
    """Resident memory in bytes of each live worker, by process id: the pool's cost, which is
    apart from the server process's own (each worker holds weasyprint, fonts and parsed CSS)."""
    memory: dict[int, int] = {}
    for pid in worker_pids():
        rss = _rss_bytes(pid)
        if rss is not None:
            memory[pid] = rss
    return memory


def shutdown_pool(*, wait: bool = True) -> None:
    """Stop the worker processes (for the app's lifespan shutdown); a later render restarts."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)
    observe_pdf_pool({})
