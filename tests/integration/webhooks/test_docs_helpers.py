"""The verification helpers of ``docs/webhooks.md``, as a receiver copies them (Python and
Node.js), accept what the server signs — with either secret during a rotation's overlap —
and refuse a changed body, a wrong secret and a stale timestamp."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from invoicegraph.domain.webhooks import new_secret, signature_header

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"
BODY = json.dumps({"id": "evt_1", "type": "invoice.issued", "data": {"object": {}}}).encode()
Verify = Callable[[str, bytes, str], bool]


def _block(language: str) -> str:
    """The first fenced ``language`` block of the signature section."""
    section = DOC.read_text().split("## Verifying the signature", 1)[1]
    found = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert found, f"docs/webhooks.md has no {language} block under 'Verifying the signature'"
    return found.group(1)


def python_verify() -> Verify:
    scope: dict[str, object] = {}
    exec(compile(_block("python"), str(DOC), "exec"), scope)  # our own docs, as written
    verify = scope["verify"]
    assert callable(verify)
    return verify  # type: ignore[return-value]


def node_verify() -> Verify:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    program = _block("js") + (
        "\nconst [header, body, secret] = JSON.parse(process.argv[1]);"
        "\nprocess.stdout.write(String(verify(header, Buffer.from(body, 'base64'), secret)));"
    )

    def verify(header: str, body: bytes, secret: str) -> bool:
        argument = json.dumps([header, base64.b64encode(body).decode(), secret])
        ran = subprocess.run(
            [node, "-e", program, argument], capture_output=True, text=True, timeout=30
        )
        assert ran.returncode == 0, ran.stderr
        return ran.stdout == "true"

    return verify


@pytest.mark.parametrize("helper", [python_verify, node_verify], ids=["python", "node"])
def test_the_documented_helper_verifies_what_the_server_signs(
    helper: Callable[[], Verify],
) -> None:
    verify = helper()
    current, previous = new_secret(), new_secret()
    now = int(time.time())
    header = signature_header(BODY, [current, previous], now)  # a rotation's overlap
    assert verify(header, BODY, current)
    assert verify(header, BODY, previous)
    assert not verify(header, BODY + b" ", current)  # the body changed
    assert not verify(header, BODY, new_secret())  # another secret
    stale = signature_header(BODY, [current], now - 600)
    assert not verify(stale, BODY, current)  # replayed later
    assert not verify("v1=" + "0" * 64, BODY, current)  # no timestamp
    assert not verify(f"t={now},v1=abc", BODY, current)  # a malformed signature
