"""The ``invoicegraph`` command line, run as operators and scripts run it: a real process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from invoicegraph.db.engine import Database
from tests.tax_ids import new_tax_id

CLI = [sys.executable, "-m", "invoicegraph"]


def run(args: list[str], url: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def url_of(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


def test_accounts_create_prints_only_the_uuid(database: Database) -> None:
    result = run(
        ["accounts", "create", "--name", "Acme S.L.", "--tax-id", new_tax_id()], url_of(database)
    )
    assert result.returncode == 0, result.stderr
    assert uuid.UUID(result.stdout.strip())
    assert result.stdout.count("\n") == 1


def test_keys_create_prints_only_the_key(database: Database) -> None:
    account = run(
        [
            "accounts",
            "create",
            "--name",
            "Acme",
            "--tax-id",
            new_tax_id(),
            "--plan",
            "professional",
            "--verifactu",
        ],
        url_of(database),
    ).stdout.strip()
    live = run(["keys", "create", "--account", account, "--access", "admin"], url_of(database))
    test = run(
        ["keys", "create", "--account", account, "--access", "read", "--test"], url_of(database)
    )
    assert live.returncode == 0 and test.returncode == 0, live.stderr + test.stderr
    assert live.stdout.startswith("fv_live_") and live.stdout.count("\n") == 1
    assert test.stdout.startswith("fv_test_")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accounts", "create", "--name", "X", "--tax-id", "B12345675"], "--tax-id"),
        (
            ["accounts", "create", "--name", "X", "--tax-id", "B12345674", "--plan", "gold"],
            "--plan",
        ),
        (["accounts", "create", "--name", " ", "--tax-id", "B12345674"], "--name"),
        (["accounts", "create", "--tax-id", "B12345674"], "--name"),
        (["keys", "create", "--account", "not-a-uuid", "--access", "read"], "not a UUID"),
        (["keys", "create", "--account", str(uuid.UUID(int=1)), "--access", "read"], "not found"),
        (["keys", "create", "--account", str(uuid.UUID(int=1)), "--access", "root"], "--access"),
        (["serve", "--port", "99999"], "--port"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_arguments_give_a_clear_message_and_no_traceback(
    sqlite_database: Database, args: list[str], message: str
) -> None:
    result = run(args, url_of(sqlite_database))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


def test_an_unreachable_database_is_one_clear_line() -> None:
    result = run(["migrate"], "postgresql://postgres@127.0.0.1:1/nothing")
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _no_new_connection(event: str, _info: dict[str, object]) -> None:
    assert not event.startswith("connection.connect_tcp"), "the kept connection was closed"


def test_demo_then_serve_answers_health_and_the_key_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    migrated = run(["migrate"], url)
    assert migrated.returncode == 0, migrated.stderr
    demo = run(["demo"], url)
    assert demo.returncode == 0, demo.stderr
    key = demo.stdout.strip()
    assert key.startswith("fv_live_")
    port = _free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["database"] == "ok"
        # client pools keep an idle connection 5 s (httpx, Node): the server keeps it longer, so
        # a client's reuse never meets the server's close (this client keeps it 30 s to see that)
        limits = httpx.Limits(keepalive_expiry=30)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5, limits=limits) as kept:
            first = kept.get("/health")
            time.sleep(6)
            again = kept.get("/health", extensions={"trace": _no_new_connection})
        assert first.status_code == again.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_accounts_create_refuses_a_tax_id_another_live_account_has(database: Database) -> None:
    tax_id = new_tax_id()
    first = run(["accounts", "create", "--name", "Una S.L.", "--tax-id", tax_id], url_of(database))
    assert first.returncode == 0, first.stderr

    second = run(
        ["accounts", "create", "--name", "Otra S.L.", "--tax-id", tax_id], url_of(database)
    )

    assert second.returncode == 1 and second.stdout == ""
    assert f"tax id {tax_id} already belongs to a live account" in second.stderr


def test_accounts_update_list_and_keys_list_revoke(database: Database) -> None:
    url = url_of(database)
    tax_id = new_tax_id()
    account = run(["accounts", "create", "--name", "Ajustes S.L.", "--tax-id", tax_id], url)
    uuid_text = account.stdout.strip()

    updated = run(
        [
            "accounts",
            "update",
            "--account",
            uuid_text,
            "--address",
            "Rúa Nova 3",
            "--postal-code",
            "27001",
            "--city",
            "Lugo",
            "--iban",
            "ES91 2100 0418 4502 0005 1332",
            "--verifactu",
        ],
        url,
    )
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.strip() == uuid_text
    listed = run(["accounts", "list"], url)
    assert f"{uuid_text}\t{tax_id}\tfree\tverifactu\tAjustes S.L." in listed.stdout.splitlines()
    bad = run(["accounts", "update", "--account", uuid_text, "--iban", "ES00"], url)
    assert bad.returncode == 1 and "--iban" in bad.stderr

    key = run(["keys", "create", "--account", uuid_text, "--access", "read", "--name", "pos"], url)
    assert key.returncode == 0, key.stderr
    keys = run(["keys", "list", "--account", uuid_text], url).stdout.splitlines()
    assert len(keys) == 1 and "\tlive\tread\t" in keys[0], keys
    assert keys[0].endswith("\tactive\tpos"), keys
    key_uuid = keys[0].split("\t")[0]
    revoked = run(["keys", "revoke", "--account", uuid_text, "--key", key_uuid], url)
    assert revoked.returncode == 0 and revoked.stdout.strip() == key_uuid, revoked.stderr
    after = run(["keys", "list", "--account", uuid_text], url).stdout
    assert "\trevoked " in after
