"""``invoicegraph exports register|invoices`` as an operator runs them (a real process on the
test database): the file holds what the service exports, nothing is left under the name when
the export fails, and the progress bar shows only on a terminal."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.vat_register import REGISTER_COLUMNS

from .conftest import Book, today, xlsx_rows


def _run(database: Database, *args: str, tty: bool = False) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "COLUMNS": "120",
    }
    command = [sys.executable, "-m", "invoicegraph", "exports", *args]
    if not tty:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = process.communicate(timeout=120)[0]
    os.close(master)
    return process.returncode, out.decode(), seen.decode(errors="replace")


def _year() -> list[str]:
    return ["--from", f"{today().year}-01-01", "--to", today().isoformat()]


async def test_the_register_as_csv_with_a_summary_and_no_bar_in_a_pipe(
    database: Database, account: Account, book: Book, tmp_path: Path
) -> None:
    output = tmp_path / "libro.csv"
    code, out, err = _run(database, "register", "--account", str(account.uuid), *_year(),
                          "--output", str(output))  # fmt: skip
    assert code == 0, err
    assert out.strip() == f"{output}: 5 of 5 invoices, {today().year}-01-01 to {today()}"
    assert err == ""
    rows = list(csv.reader(io.StringIO(output.read_text("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(REGISTER_COLUMNS) and len(rows) == 1 + 9
    assert os.listdir(tmp_path) == ["libro.csv"]


async def test_the_invoices_as_xlsx_with_a_progress_bar_on_a_terminal(
    database: Database, account: Account, book: Book, tmp_path: Path
) -> None:
    output = tmp_path / "facturas.xlsx"
    code, out, err = _run(database, "invoices", "--account", str(account.uuid), *_year(),
                          "--format", "xlsx", "--output", str(output), tty=True)  # fmt: skip
    assert code == 0, err
    assert "6/6" in err and "invoices" in err, err
    assert len(xlsx_rows(output.read_bytes())) == 1 + 6
    assert "6 of 6 invoices" in out


async def test_bad_arguments_fail_with_one_line_and_write_nothing(
    database: Database, account: Account, tmp_path: Path
) -> None:
    output = tmp_path / "libro.csv"
    code, _, err = _run(database, "register", "--account", str(account.uuid),
                        "--from", "2026-03-02", "--to", "2026-03-01", "--output", str(output))  # fmt: skip
    assert code != 0 and "--from" in err and "must not be after" in err, err
    code, _, err = _run(database, "register", "--account", str(account.uuid),
                        "--from", "2026-02-30", "--output", str(output))  # fmt: skip
    assert code != 0 and "--from" in err, err
    code, _, err = _run(database, "register", "--account", str(account.uuid),
                        "--format", "pdf", "--output", str(output))  # fmt: skip
    assert code != 0 and "--format" in err, err
    code, _, err = _run(database, "register", "--account", "00000000-0000-0000-0000-000000000000",
                        "--output", str(output))  # fmt: skip
    assert code != 0 and "not found" in err.lower(), err
    assert os.listdir(tmp_path) == []
