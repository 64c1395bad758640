"""Run every benchmark and write ``bench/RESULTS.md`` (``make bench``; under 10 minutes on the
2-core machine). Each benchmark measures its own baseline in the same run and prints the ratio,
so the table can be compared across machines even though its absolute figures cannot.

    .venv/bin/python -m bench.run_all [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import common, graphql_page, issue_throughput, register_check, rest_page

RESULTS = Path(__file__).with_name("RESULTS.md")
PDF_BENCH = Path(__file__).with_name("pdf.py")
PDF_TIMEOUT_SECONDS = 300


def pdf_section(runs: int) -> common.Section:
    """``bench/pdf.py`` in its own process, when it is there."""
    title = "pdf — invoice rendering against plain weasyprint (bench/pdf.py)"
    if not PDF_BENCH.exists():
        return common.Section(title, ["not available: bench/pdf.py is not there yet"])
    try:
        done = subprocess.run(
            [sys.executable, str(PDF_BENCH), "--runs", str(runs)],
            capture_output=True,
            text=True,
            timeout=PDF_TIMEOUT_SECONDS,
            cwd=common.REPO,
            env={**os.environ, "PYTHONPATH": str(common.REPO)},
        )
    except subprocess.TimeoutExpired:
        return common.Section(title, [f"did not finish within {PDF_TIMEOUT_SECONDS} s"])
    output = (done.stdout or "").strip()
    if done.returncode != 0:
        output += f"\n(exit {done.returncode})\n" + (done.stderr or "")[-2000:]
    return common.Section(title, ["```", output, "```"])


LOAD_BENCH = Path(__file__).with_name("load.py")


def load_section(seconds: float, clients: int) -> common.Section:
    """The mixed load of every face (bench/load.py): percentiles, 5xx and numbering checks."""
    title = f"load — {clients} clients for {seconds:g} s, every face (bench/load.py)"
    done = subprocess.run(
        [sys.executable, str(LOAD_BENCH), "--seconds", str(seconds), "--clients", str(clients)],
        capture_output=True,
        text=True,
        timeout=seconds + 300,
        cwd=common.REPO,
        env={**os.environ, "BENCH_ADMIN_URL": common.ADMIN_URL},
        check=False,
    )
    output = (done.stdout or "").strip()
    if done.returncode != 0:
        output += f"\n(exit {done.returncode}: anomalies)\n" + (done.stderr or "")[-2000:]
    return common.Section(title, ["```", output, "```"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="shorter rounds (a smoke run)")
    args = parser.parse_args()
    seconds, rounds = (1.0, 2) if args.quick else (2.0, 3)
    started = time.perf_counter()
    machine = common.machine_line()
    print(f"cores: {machine}", flush=True)
    sections: list[common.Section] = []

    async def go() -> None:
        sections.append(await graphql_page.measure(seconds, rounds))
        print(sections[-1].text(), flush=True)
        sections.append(await rest_page.measure(seconds, rounds))
        print(sections[-1].text(), flush=True)
        sections.append(await issue_throughput.measure(2 * seconds))
        print(sections[-1].text(), flush=True)
        sections.append(await register_check.measure(200 if args.quick else 500))
        print(sections[-1].text(), flush=True)

    common.run(go)
    with common.stage("pdf"):
        sections.append(pdf_section(runs=10 if args.quick else 20))
    print(sections[-1].text(), flush=True)
    with common.stage("load"):
        sections.append(load_section(20 if args.quick else 60, 64))
    print(sections[-1].text(), flush=True)
    minutes = (time.perf_counter() - started) / 60
    load_at_end = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    header = [
        "# Benchmark results",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `make bench` "
        f"({minutes:.1f} min) on {machine}, {load_at_end} at the end.",
        "",
        "The machine is shared (other helpers' test suites ran on it), so absolute figures are "
        "noisy; every benchmark measures its baselines in the same run, alternating with the "
        "app at every level, after every server is warm, and the ratios are what to compare. "
        "Every baseline answers the same bytes as the app (checked by the bench before it "
        "measures; PostGraphile, with its own field names, the same invoices, lines and tax "
        "totals). Each bench has its own database (`invoicegraph_bench_page`, `…_rest`, "
        "`…_issue`, `…_register`, `…_load_<pid>`) and drops only its own. CPU ms/req is the server "
        "processes' user + system time (/proc/PID/stat) over a level ÷ requests answered. "
        "Peak RSS is each uvicorn worker's VmHWM over the level (reset before it); the app "
        "servers of these benches start no PDF processes (PDF_WARM_ON_START=false), "
        "`bench/pdf.py` measures those apart.",
        "",
    ]
    RESULTS.write_text("\n".join(header + [section.text() for section in sections]))
    print(f"wrote {RESULTS} in {minutes:.1f} min")


if __name__ == "__main__":
    main()
