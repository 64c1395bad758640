"""Benchmark of invoice PDF rendering, against plain weasyprint measured in the same run.

Prints the machine's core count; a cold render (a fresh process: imports, fonts, first PDF); the
warm render's median over N runs, split into its phases; the throughput of the process pool
with K workers and the resident memory of each of its processes; and the same figures for a
baseline, weasyprint rendering a minimal page with the same text (bare HTML, one table,
weasyprint's defaults), with the ratio between the two. Invoice and baseline renders alternate,
so both see the same machine load, and each target (issue 15) is printed as met or not.

    .venv/bin/python bench/pdf.py [--runs 30] [--workers K] [--documents 40]

Wall-clock figures on a shared machine are noisy; the CPU-time median is printed beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from html import escape

TARGET_WARM_MS = 60.0
TARGET_RATE = 25.0
MIB = 1024 * 1024

_COLD_SCRIPT = """
import json, time
started = time.perf_counter()
from invoicegraph.pdf.typeset import render_document
from invoicegraph.pdf.sample import sample_document
imported = time.perf_counter()
render_document(sample_document())
rendered = time.perf_counter()
figures = {"import_ms": imported - started, "first_ms": rendered - imported}
print(json.dumps({name: seconds * 1000 for name, seconds in figures.items()}))
"""


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``action`` over ``runs`` runs."""
    [(wall, cpu)] = alternating([action], runs)
    return wall, cpu


def alternating(actions: list[Callable[[], object]], runs: int) -> list[tuple[float, float]]:
    """Median wall and CPU milliseconds of each action, run in turn ``runs`` times, so a change
    of machine load during the measure weighs on all of them alike."""
    walls: list[list[float]] = [[] for _ in actions]
    cpus: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for index, action in enumerate(actions):
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            walls[index].append((time.perf_counter() - wall) * 1000)
            cpus[index].append((time.process_time() - cpu) * 1000)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus, strict=True)]


def baseline_html() -> str:
    """The sample invoice's text as bare HTML: what weasyprint does with no styling work."""
    from invoicegraph.pdf.sample import sample_document

    doc = sample_document()
    rows = "".join(
        f"<tr><td>{escape(line.description)}</td><td>{line.quantity}</td><td>{line.price}</td>"
        f"<td>{line.discount}</td><td>{line.total_before_taxes}</td></tr>"
        for line in doc.lines
    )
    parties = "".join(
        f"<p>{escape(p.name)}<br>{p.tax_id}<br>{escape(p.address or '')}<br>"
        f"{p.postal_code} {escape(p.city or '')}</p>"
        for p in (doc.issuer, doc.recipient)
        if p is not None
    )
    return (
        "<html><head><style>body{font-family:'DejaVu Sans';font-size:9pt}</style></head><body>"
        f"<h1>Factura {doc.full_number}</h1><p>{doc.issue_date}</p>{parties}"
        f"<table>{rows}</table><p>Base imponible {doc.total_before_taxes}</p>"
        f"<p>Total a pagar {doc.total_with_taxes}</p></body></html>"
    )


def cold_render() -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", _COLD_SCRIPT], check=True, capture_output=True, text=True, env=env
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    figures["process_ms"] = (time.perf_counter() - started) * 1000
    return figures


async def pool_throughput(workers: int, documents: int) -> tuple[float, float, dict[int, int]]:
    """(seconds to start and warm the pool, PDFs per second once warm, RSS bytes per worker
    after the run)."""
    from invoicegraph.pdf.pool import worker_memory
    from invoicegraph.pdf.render import render_pdf, shutdown_pool, start_pool
    from invoicegraph.pdf.sample import sample_document

    started = time.perf_counter()
    await start_pool(workers)
    warm = time.perf_counter() - started
    batch = [sample_document(template_id=1 + i % 3) for i in range(documents)]
    started = time.perf_counter()
    await asyncio.gather(*(render_pdf(document) for document in batch))
    rate = documents / (time.perf_counter() - started)
    memory = worker_memory()
    shutdown_pool()
    return warm, rate, memory


def _own_rss() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def baseline_throughput(workers: int, documents: int, html: str) -> float:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_baseline_render, [html] * workers))  # warm the workers
        started = time.perf_counter()
        list(pool.map(_baseline_render, [html] * documents))
        return documents / (time.perf_counter() - started)


def _baseline_render(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="warm renders to take the median of")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="pool size")
    parser.add_argument("--documents", type=int, default=40, help="PDFs for the throughput run")
    args = parser.parse_args()

    print(f"cores: {os.cpu_count()}")
    cold = cold_render()
    print(
        f"cold render (fresh process): {cold['process_ms']:.0f} ms in all, "
        f"imports {cold['import_ms']:.0f} ms, first PDF {cold['first_ms']:.0f} ms"
    )

    from weasyprint import HTML

    from invoicegraph.pdf.render import render_pdf_sync
    from invoicegraph.pdf.sample import sample_document
    from invoicegraph.pdf.typeset import html_to_pdf, render_view, stylesheets_for, warm_up
    from invoicegraph.pdf.view import build_view

    warm_up()
    document = sample_document()
    view = build_view(document)
    html = render_view(view)
    sheets = stylesheets_for(view)
    plain = baseline_html()
    HTML(string=plain).write_pdf()
    (warm_wall, warm_cpu), (base_wall, base_cpu) = alternating(
        [lambda: render_pdf_sync(document), lambda: HTML(string=plain).write_pdf()], args.runs
    )
    view_wall, _ = timed(lambda: build_view(document), args.runs)
    jinja_wall, _ = timed(lambda: render_view(view), args.runs)
    layout_wall, _ = timed(lambda: html_to_pdf(html, stylesheets=sheets), args.runs)

    verdict = "met" if warm_wall <= TARGET_WARM_MS else "NOT met"
    print(
        f"warm render, one-page invoice (median of {args.runs}): {warm_wall:.1f} ms "
        f"(CPU {warm_cpu:.1f} ms) — target ≤ {TARGET_WARM_MS:.0f} ms {verdict}"
    )
    print(
        f"  phases: view + QR {view_wall:.1f} ms, HTML {jinja_wall:.1f} ms, "
        f"weasyprint layout and PDF {layout_wall:.1f} ms"
    )
    print(f"baseline, minimal page in plain weasyprint: {base_wall:.1f} ms (CPU {base_cpu:.1f} ms)")
    print(
        f"ratio invoice / baseline: {warm_wall / base_wall:.2f}x (CPU {warm_cpu / base_cpu:.2f}x)"
        f" — the target is {TARGET_WARM_MS / base_wall:.2f}x of this run's baseline"
    )
    print(f"this process after rendering (typesetter loaded): RSS {_own_rss() / MIB:.0f} MiB")

    start_s, rate, memory = asyncio.run(pool_throughput(args.workers, args.documents))
    base_rate = baseline_throughput(args.workers, args.documents, plain)
    print(f"pool start and warm-up with {args.workers} workers: {start_s:.1f} s")
    verdict = "met" if rate >= TARGET_RATE else "NOT met"
    print(
        f"throughput with {args.workers} workers: {rate:.1f} PDF/s "
        f"(baseline {base_rate:.1f} pages/s, ratio {base_rate / rate:.2f}x) "
        f"— target ≥ {TARGET_RATE:.0f} PDF/s {verdict}"
    )
    rss = ", ".join(f"{value / MIB:.0f}" for value in memory.values())
    print(
        f"pool memory: RSS per worker process {rss} MiB, "
        f"{sum(memory.values()) / MIB:.0f} MiB for {len(memory)} workers"
    )


if __name__ == "__main__":
    main()
