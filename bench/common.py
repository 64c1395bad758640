"""What every benchmark shares: a fresh PostgreSQL database, a real server (uvicorn) started
and stopped, an HTTP load generator light enough to leave the cores to the server, latency
statistics, and the peak RSS of each worker process.

The load generator speaks HTTP/1.1 over raw asyncio streams with keep-alive: a general client
(httpx) would spend more CPU per request than the server parts we measure, on the same cores.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
HOST = "127.0.0.1"


def cores() -> int:
    return os.cpu_count() or 1


def machine_line() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{cores()} cores, Python {sys.version.split()[0]}, load average {load} at the start"


# --- PostgreSQL -------------------------------------------------------------------------------


def database_url(name: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


async def recreate_database(name: str) -> str:
    """Drop and create ``name``; answer its URL. Names are ours (``invoicegraph_bench_*``)."""
    assert name.startswith("invoicegraph_bench_"), name
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return database_url(name)


async def drop_database(name: str) -> None:
    assert name.startswith("invoicegraph_bench_"), name
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def analyze(name: str) -> None:
    """Planner statistics for the fresh rows, as autovacuum would gather them within a minute
    of a bulk load: without them PostgreSQL reads an invoice's lines through the wrong index
    (every contender, app, baselines and PostGraphile, measures on the same analysed tables)."""
    assert name.startswith("invoicegraph_bench_"), name
    connection = await asyncpg.connect(database_url(name))
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def migrate(url: str) -> None:
    subprocess.run(
        [str(BIN / "invoicegraph"), "migrate"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
    )


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class Server:
    """A uvicorn server in a child process: the app (``invoicegraph serve``) or a baseline."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    workers: int
    log: Path
    gc_stats: str | None = None

    def worker_pids(self) -> list[int]:
        """uvicorn runs a single worker in the master process; several as its children
        (multiprocessing's resource tracker is not a worker)."""
        if self.workers == 1:
            return [self.process.pid]
        return [
            pid
            for pid in _children(self.process.pid)
            if "resource_tracker" not in _cmdline(pid) and "semaphore_tracker" not in _cmdline(pid)
        ]

    def reset_peaks(self) -> None:
        """Start each worker's peak RSS (VmHWM) afresh: ``5`` in clear_refs resets it."""
        for pid in self.worker_pids():
            with contextlib.suppress(OSError), open(f"/proc/{pid}/clear_refs", "w") as handle:
                handle.write("5")

    def peak_rss_mib(self) -> list[float]:
        peaks = [_status_kb(pid, "VmHWM") for pid in self.worker_pids()]
        return [kb / 1024 for kb in peaks if kb is not None]

    def cpu_seconds(self) -> float:
        """User + system CPU of every worker so far (``/proc/PID/stat``), in seconds."""
        return sum(cpu_seconds(pid) for pid in self.worker_pids())

    def gc_pauses(self) -> dict[str, list[float]] | None:
        """Each worker's garbage-collector pauses since the last call (``SIGUSR1`` makes it
        write them, see ``invoicegraph/collector.py``), summed over the workers; ``None`` for
        a server that does not report them."""
        target = self.gc_stats
        if target is None:
            return None
        merged: dict[str, list[float]] = {
            "collections": [0, 0, 0],
            "total_ms": [0.0, 0.0, 0.0],
            "max_ms": [0.0, 0.0, 0.0],
            "cpu_ms": [0.0, 0.0, 0.0],
        }
        for pid in self.worker_pids():
            path = Path(f"{target}.{pid}")
            with contextlib.suppress(OSError):
                path.unlink()
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGUSR1)
            deadline = time.monotonic() + 5
            while not path.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            with contextlib.suppress(OSError, ValueError):
                report = json.loads(path.read_text())
                for generation in range(3):
                    merged["collections"][generation] += report["collections"][generation]
                    merged["total_ms"][generation] += report["total_ms"][generation]
                    merged["cpu_ms"][generation] += report["cpu_ms"][generation]
                    merged["max_ms"][generation] = max(
                        merged["max_ms"][generation], report["max_ms"][generation]
                    )
        return merged

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (fields 14 and 15 of ``/proc/PID/stat``)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def app_env(url: str, **extra: str) -> dict[str, str]:
    """What every app server of the bench runs with: no PDF processes warming up while a
    level is measured (no bench here renders PDFs; ``bench/pdf.py`` measures those), its GC
    pauses reported, a small pool (the machine's PostgreSQL is shared)."""
    return {
        "DATABASE_URL": url,
        "RATE_LIMIT_PER_MINUTE": "0",
        "DB_POOL_SIZE": "4",
        "PDF_WARM_ON_START": "false",
        "INVOICEGRAPH_GC_STATS": str(Path(tempfile.gettempdir()) / f"ig-bench-gc-{os.getpid()}"),
        **extra,
    }


def app_command(port: int, workers: int) -> list[str]:
    """What ``invoicegraph serve`` runs (the same uvicorn settings), with more time for a
    worker to come up: on this shared machine start-up can take longer than uvicorn's 5 s
    worker health check, and uvicorn then kills and restarts the worker, over and over."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "invoicegraph.app:create_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--proxy-headers",
        "--log-level",
        "info",
        "--timeout-worker-healthcheck",
        "60",
        "--timeout-keep-alive",
        "20",
    ]


def baseline_command(port: int, workers: int) -> list[str]:
    """The baseline app on the same uvicorn settings ``invoicegraph serve`` uses."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.baseline_app:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--proxy-headers",
        "--log-level",
        "info",
        "--timeout-keep-alive",
        "20",
    ]


def launch(
    name: str, command: Sequence[str], env: dict[str, str], port: int, workers: int
) -> Server:
    """Start ``command`` with its output in a log file (a pipe nobody reads would block it)."""
    log = Path(tempfile.gettempdir()) / f"invoicegraph-bench-{name}-{port}.log"
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            list(command), cwd=REPO, env={**os.environ, **env}, stdout=handle, stderr=handle
        )
    return Server(name, process, port, workers, log, env.get("INVOICEGRAPH_GC_STATS"))


async def start_server(
    name: str, command: Sequence[str], env: dict[str, str], port: int, workers: int
) -> Server:
    """Start ``command`` and wait until ``/health`` answers on every worker."""
    server = launch(name, command, env, port, workers)
    process, log = server.process, server.log
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early; see {log}:\n{log.read_text()[-3000:]}")
        if len(server.worker_pids()) >= workers:
            try:
                connection = await HttpConnection.open(port)
                try:
                    # enough requests that every worker has answered one
                    for _ in range(4 * workers):
                        status, _ = await connection.send(get("/health"))
                        if status != 200:
                            raise ConnectionError(status)
                finally:
                    connection.close()
                return server
            except (OSError, ConnectionError, asyncio.IncompleteReadError):
                pass
        await asyncio.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer /health within 90 s; see {log}")


@contextlib.asynccontextmanager
async def running(
    name: str, command: Sequence[str], env: dict[str, str], port: int, workers: int
) -> AsyncIterator[Server]:
    server = await start_server(name, command, env, port, workers)
    try:
        yield server
    finally:
        server.stop()


# --- HTTP -------------------------------------------------------------------------------------


def request(
    method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    """The raw bytes of one HTTP/1.1 request (keep-alive)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def get(path: str, key: str | None = None) -> bytes:
    return request("GET", path, headers={"Authorization": f"Bearer {key}"} if key else None)


def post(path: str, body: bytes, key: str) -> bytes:
    return request("POST", path, body, {"Authorization": f"Bearer {key}"})


class HttpConnection:
    """One keep-alive connection; ``send`` answers (status, body)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> HttpConnection:
        reader, writer = await asyncio.open_connection(HOST, port, limit=2**24)
        return cls(reader, writer)

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lowered = head.lower()
        marker = lowered.find(b"\r\ncontent-length:")
        if marker >= 0:
            end = lowered.index(b"\r\n", marker + 2)
            length = int(lowered[marker + 17 : end])
            return status, await self.reader.readexactly(length)
        if b"transfer-encoding: chunked" in lowered:
            chunks: list[bytes] = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    return status, b"".join(chunks)
                chunks.append(chunk[:-2])
        return status, b""

    def close(self) -> None:
        self.writer.close()


# --- load -------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """Latencies (seconds) of each unit of work and the wall time of the whole run, and the
    server's CPU over it when measured (``measured_load``)."""

    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    failures: int = 0
    first_failure: str = ""
    server_cpu: float = 0.0

    @property
    def cpu_ms_per_unit(self) -> float:
        return self.server_cpu * 1000 / self.count if self.count else float("nan")

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 0.99) * 1000

    def merge(self, other: LoadResult) -> LoadResult:
        return LoadResult(
            self.latencies + other.latencies,
            self.elapsed + other.elapsed,
            self.failures + other.failures,
            self.first_failure or other.first_failure,
            self.server_cpu + other.server_cpu,
        )


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


Unit = Callable[[HttpConnection, int], Awaitable[None]]
"""One unit of work on a connection (one page request, one invoice created and issued); it
raises on a wrong answer. The int is the unit's sequence number across all clients."""


async def run_load(
    port: int, unit: Unit, *, clients: int, seconds: float, at_least: int = 0
) -> LoadResult:
    """``clients`` connections each doing units back to back for about ``seconds`` (and until
    ``at_least`` units are done, so that a slow server still gives a median)."""
    result = LoadResult()
    counter = iter(range(10**9))
    connections = [await HttpConnection.open(port) for _ in range(clients)]
    started = time.perf_counter()
    deadline = started + seconds

    async def client(index: int) -> None:
        while time.perf_counter() < deadline or result.count + result.failures < at_least:
            begun = time.perf_counter()
            try:
                await unit(connections[index], next(counter))
            except (AssertionError, ValueError, KeyError, TypeError) as exc:
                result.failures += 1
                result.first_failure = result.first_failure or repr(exc)[:300]
                continue
            except (OSError, asyncio.IncompleteReadError) as exc:  # the server closed it
                result.failures += 1
                result.first_failure = result.first_failure or repr(exc)[:300]
                connections[index].close()
                connections[index] = await HttpConnection.open(port)
                continue
            result.latencies.append(time.perf_counter() - begun)

    try:
        await asyncio.gather(*(client(i) for i in range(clients)))
    finally:
        result.elapsed = time.perf_counter() - started
        for connection in connections:
            connection.close()
    return result


async def measured_load(
    server: Server, unit: Unit, *, clients: int, seconds: float, at_least: int = 0
) -> LoadResult:
    """``run_load`` against ``server``, with the CPU its workers spent meanwhile."""
    before = server.cpu_seconds()
    result = await run_load(server.port, unit, clients=clients, seconds=seconds, at_least=at_least)
    result.server_cpu = server.cpu_seconds() - before
    return result


def gc_line(name: str, pauses: dict[str, list[float]] | None) -> str:
    if pauses is None:
        return f"{name}: GC pauses not reported"
    counts, totals, longest = pauses["collections"], pauses["total_ms"], pauses["max_ms"]
    cpu = pauses["cpu_ms"]
    parts = [
        f"gen {g}: {counts[g]:.0f} collections, {totals[g]:.1f} ms wall ({cpu[g]:.1f} ms CPU), "
        f"longest {longest[g]:.1f} ms"
        for g in range(3)
        if counts[g] or g == 0
    ]
    return f"{name}: " + "; ".join(parts)


async def run_baseline_load(
    unit: Callable[[int], Awaitable[None]], *, clients: int, seconds: float
) -> LoadResult:
    """``run_load`` for a baseline without HTTP: each client runs ``unit`` back to back."""
    result = LoadResult()
    counter = iter(range(10**9))
    started = time.perf_counter()
    deadline = started + seconds

    async def client() -> None:
        while time.perf_counter() < deadline:
            begun = time.perf_counter()
            await unit(next(counter))
            result.latencies.append(time.perf_counter() - begun)

    await asyncio.gather(*(client() for _ in range(clients)))
    result.elapsed = time.perf_counter() - started
    return result


# --- output -----------------------------------------------------------------------------------


@dataclass
class Section:
    """What a benchmark prints and what ``run_all`` puts in RESULTS.md."""

    title: str
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join([f"## {self.title}", "", *self.lines, ""])


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (it reads as a plain table on a terminal too)."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


RSS_TARGET_MIB = 150  # peak RSS per worker


def rss(peaks: Sequence[float]) -> str:
    """Each worker's peak RSS, and whether all are within the target."""
    if not peaks:
        return "n/a"
    verdict = "met" if max(peaks) <= RSS_TARGET_MIB else "NOT met"
    return " / ".join(f"{p:.0f}" for p in peaks) + f" ({verdict})"


@contextlib.contextmanager
def stage(title: str) -> Iterator[None]:
    print(f"… {title}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    yield
    print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


def run(main: Callable[[], Awaitable[object]]) -> None:
    """Run a benchmark's ``main`` on uvloop when it is there (a lighter load generator)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main())  # type: ignore[arg-type]
        return
    uvloop.run(main())  # type: ignore[arg-type]
