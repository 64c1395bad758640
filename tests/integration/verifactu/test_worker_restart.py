"""Killing the worker mid-batch loses nothing and has nothing accepted twice.

The worker runs as the operator runs it (``invoicegraph verifactu worker``, a real process).
It is killed with SIGKILL while the agency holds a batch it has already accepted but not yet
answered; a new worker resends that batch once its lease runs out, and the agency's
"duplicate" answer settles it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from invoicegraph.db.engine import Database
from invoicegraph.settings import Settings

from .agency import Behaviour, FakeAgency
from .conftest import worker_settings
from .helpers import submissions
from .pki import Pki
from .test_worker import issue_many, new_account, statuses, unsettled


def _environment(settings: Settings) -> dict[str, str]:
    env = {**os.environ}
    for name, value in settings.model_dump().items():
        if (name.startswith("verifactu_") or name == "database_url") and value is not None:
            env[name.upper()] = str(value)
    return env


def _start_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "invoicegraph", "verifactu", "worker"],
            env=_environment(settings),
            stdout=output,
            stderr=output,
        )


def _output(log: Path) -> str:
    return log.read_text(errors="replace")


async def _wait_for(
    condition: Callable[[], Awaitable[bool]], what: str, worker: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 30
    while not await condition():
        assert worker.poll() is None, f"the worker exited:\n{_output(log)}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{_output(log)}"
        await asyncio.sleep(0.05)


async def test_a_worker_killed_mid_batch_is_resumed_by_the_next_one(
    outbox_database: Database, agency: FakeAgency, pki: Pki, tmp_path: Path
) -> None:
    account = await new_account(outbox_database)
    await issue_many(outbox_database, account, 5)
    settings = worker_settings(outbox_database, agency, pki, verifactu_batch_size=2)
    agency.script.extend([Behaviour.ANSWER, Behaviour.SLOW])  # the 2nd answer waits
    log = tmp_path / "worker.log"

    first = _start_worker(settings, log)
    try:

        async def second_batch_arrived() -> bool:
            return len(agency.requests) == 2

        await _wait_for(second_batch_arrived, "the second batch", first, log)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    agency.release.set()  # the agency finishes the batch it holds; nobody hears the answer

    rows = await submissions(outbox_database, account)
    assert statuses(rows) == ["accepted", "accepted", "sending", "sending", "pending"]
    assert rows[2].batch_id == rows[3].batch_id is not None

    second = _start_worker(settings, log)
    try:

        async def all_settled() -> bool:
            return await unsettled(outbox_database) == 0

        await _wait_for(all_settled, "every record settled", second, log)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=10) == 0, _output(log)

    rows = await submissions(outbox_database, account)
    assert statuses(rows) == ["accepted"] * 5
    assert [row.attempts for row in rows] == [1, 1, 2, 2, 1]
    assert all("duplicate" in (row.response_message or "") for row in rows[2:4])
    assert len(agency.acceptances) == 5 and agency.accepted_once()
    assert agency.invalid == []
