"""The real server for the fault tests: ``invoicegraph serve`` in a process of its own (its
own session, so ``kill -9`` takes it and anything it started), waited for on ``/health``."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

INVOICEGRAPH = Path(sys.executable).parent / "invoicegraph"
HOST = "127.0.0.1"
PRODUCER = {
    "VERIFACTU_PRODUCER_NAME": "Invoicegraph Labs SL",
    "VERIFACTU_PRODUCER_NIF": "A58818501",
}
START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:]

    def kill9(self) -> None:
        """SIGKILL the server and everything in its session: no shutdown, no cleanup."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def workers(self) -> list[int]:
        """The pids of uvicorn's worker processes (children of the server that run
        ``multiprocessing``'s spawn, not its resource tracker)."""
        found = []
        for child in (
            Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        ):
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
                if b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
                    found.append(int(child))
        return found

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill9()


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        **PRODUCER,
        "DATABASE_URL": database_url,
        "DB_POOL_SIZE": "4",
        "RATE_LIMIT_PER_MINUTE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def launch(
    database_url: str, log_dir: Path, port: int, *, workers: int = 1, **extra: str
) -> Server:
    log = log_dir / f"server-{port}-{time.monotonic_ns()}.log"
    command = [str(INVOICEGRAPH), "serve", "--host", HOST, "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            env=server_env(database_url, **extra),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(process, port, log)


async def start_server(
    database_url: str, log_dir: Path, *, port: int | None = None, workers: int = 1, **extra: str
) -> Server:
    """Start ``invoicegraph serve`` (it migrates first) and wait until ``/health`` is 200."""
    server = launch(database_url, log_dir, port or free_port(), workers=workers, **extra)
    deadline = time.monotonic() + START_SECONDS
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise AssertionError(f"the server exited early:\n{server.log_tail()}")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/health")).status_code == 200:
                    return server
            await asyncio.sleep(0.1)
    server.kill9()
    raise AssertionError(
        f"the server did not answer /health in {START_SECONDS} s:\n{server.log_tail()}"
    )
