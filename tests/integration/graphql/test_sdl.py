"""The committed schema.graphql is the schema the code serves (regenerate: make schema)."""

from __future__ import annotations

from pathlib import Path

from invoicegraph.schema.export import sdl

SDL_FILE = Path(__file__).resolve().parents[3] / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_FILE.read_text() == sdl(), "schema.graphql drifted: run `make schema`"
