"""The schema fetch script: pinned digests, idempotent, usable from a fresh clone."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from invoicegraph.pdf.einvoice import schemas

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "fetch_einvoice_schemas.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fetch_einvoice_schemas", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fetched_schemas_match_their_pinned_digests(facturae_schema_dir: Path) -> None:
    script = _script()

    assert script.is_complete(facturae_schema_dir / "facturae")
    assert schemas.facturae_xsd(facturae_schema_dir).is_file()


def test_second_run_downloads_nothing(facturae_schema_dir: Path) -> None:
    script = _script()
    xsd = facturae_schema_dir / "facturae" / schemas.FACTURAE_XSD
    before = xsd.stat().st_mtime_ns

    assert script.fetch(facturae_schema_dir) == facturae_schema_dir
    assert xsd.stat().st_mtime_ns == before


def test_a_changed_file_is_not_taken_as_complete(facturae_schema_dir: Path, tmp_path: Path) -> None:
    script = _script()
    copy = tmp_path / "facturae"
    shutil.copytree(facturae_schema_dir / "facturae", copy)
    (copy / schemas.XMLDSIG_XSD).write_text("<schema/>", encoding="utf-8")

    assert not script.is_complete(copy)
