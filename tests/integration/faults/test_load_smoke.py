"""A short run of the load generator (``bench/load.py``): the real server under a mix of
every operation from every face, then the books checked. The full soak (60 s, 64 clients)
runs by hand or with ``make bench``; this keeps the generator itself working."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from ...conftest import IN_CI, ROOT, TEST_DATABASE_URL, _asyncpg_dsn, _pg_unreachable_reason

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]


async def test_a_short_soak_has_no_anomaly() -> None:
    reason = await _pg_unreachable_reason()
    if reason is not None:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    command = [sys.executable, str(ROOT / "bench" / "load.py")]
    command += ["--seconds", "8", "--clients", "8", "--workers", "1"]
    done = await asyncio.to_thread(
        subprocess.run,
        command,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "BENCH_ADMIN_URL": _asyncpg_dsn(TEST_DATABASE_URL)},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    for operation in ("create", "issue", "list", "get", "rectify", "pdf"):
        assert f"\n{operation} " in done.stdout, done.stdout
    assert "no anomalies" in done.stdout
    assert "VERI*FACTU chain" in done.stdout and "gapless" in done.stdout
