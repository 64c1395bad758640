"""The committed SDL passes graphql-schema-linter's description and naming rules, and the
example operations in examples/graphql generate typed TypeScript (graphql-codegen) that
type-checks with ``tsc --strict``. The tools come from tools/graphql/package-lock.json."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TOOLS = ROOT / "tools" / "graphql"
BIN = TOOLS / "node_modules" / ".bin"
NPM_CI = ROOT / "scripts" / "npm_ci_cached.sh"


@pytest.fixture(scope="module")
def tools() -> Path:
    if shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("npm is missing: scripts/setup-system.sh installs it")
        pytest.skip("npm is not installed (CI installs it)")
    subprocess.run([str(NPM_CI), str(TOOLS)], check=True, timeout=600)
    return BIN


def _run(*command: str) -> str:
    done = subprocess.run(
        command, cwd=TOOLS, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.xdist_group("graphql-tools")
def test_the_sdl_passes_the_description_and_naming_rules(tools: Path) -> None:
    output = _run(str(tools / "graphql-schema-linter"))
    assert "0 errors detected" in output, output


@pytest.mark.xdist_group("graphql-tools")
def test_example_operations_generate_types_that_compile_strictly(tools: Path) -> None:
    generated = TOOLS / "generated"
    shutil.rmtree(generated, ignore_errors=True)
    _run(str(tools / "graphql-codegen"), "--config", "codegen.ts")
    operations = (generated / "operations.ts").read_text()
    # the documented scalar mapping: money is a string, never a JS number
    assert "totalWithTaxes: string" in operations
    assert "| 'ADMIN'" in operations  # enums as unions of their names
    _run(str(tools / "tsc"), "--project", "tsconfig.json")
