"""The server image serves GraphiQL and the /docs page from bundles built inside it.

Docker itself cannot pull a base image on a machine without internet, so this test replays
the Dockerfile's part that matters: it copies into an empty directory exactly what the
Dockerfile's COPY lines bring into the image, runs the Dockerfile's own build command there,
and checks that both bundles come out where the package data (``static/**``) ships them.
A script that needs a file the Dockerfile forgot to copy fails here, as it would in the build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) with backslash continuations joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _build_command() -> str:
    runs = [args for word, args in _instructions() if word == "RUN" and "build_graphiql" in args]
    assert len(runs) == 1, "the Dockerfile builds the GraphiQL bundle in one RUN"
    # what comes before installing the package is the asset build
    return runs[0].split("&& pip install")[0].strip()


def test_the_image_builds_both_bundles_before_installing_the_package() -> None:
    command = _build_command()
    assert "scripts/build_graphiql.sh" in command
    assert "scripts/build_docs.sh" in command


def test_the_package_data_ships_the_built_bundles() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = pyproject["tool"]["setuptools"]["package-data"]["invoicegraph"]
    assert "static/**/*" in data


def test_what_the_dockerfile_copies_is_enough_to_build_the_bundles(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    for word, args in _instructions():
        if word != "COPY" or args.startswith("--from"):
            continue
        *sources, dest = args.split()
        into_dir = len(sources) > 1 or dest.endswith("/")
        for source in sources:
            target = app / dest / Path(source).name if into_dir else app / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            if (ROOT / source).is_dir():
                shutil.copytree(
                    ROOT / source,
                    target,
                    ignore=shutil.ignore_patterns("node_modules", "__pycache__"),
                )
            else:
                shutil.copy(ROOT / source, target)

    result = subprocess.run(
        ["bash", "-c", _build_command()],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    static = app / "invoicegraph" / "static"
    assert (static / "graphiql" / "graphiql.js").stat().st_size > 100_000
    assert (static / "graphiql" / "graphiql.css").is_file()
    assert (static / "docs" / "redoc.standalone.js").stat().st_size > 100_000
