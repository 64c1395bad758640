"""Issue 16's "Done when": the register export of the bench data set validates against its own
totals. This runs ``bench/register_check.py`` itself (the same code ``make bench`` runs, on a
smaller data set) on PostgreSQL, with a database of its own, and requires every one of its
checks: file rows, file column sums, the invoices' stored totals, PostgreSQL's own sums and
every invoice present."""

from __future__ import annotations

import os

from bench import register_check


async def test_the_register_of_the_bench_data_set_validates_against_its_totals() -> None:
    name = f"invoicegraph_bench_register_ci_{os.getpid()}"
    section = await register_check.measure(60, database_name=name)
    verdicts = [line for line in section.lines if line.startswith("- ")]
    assert len(verdicts) == 5, section.text()
    assert all(line.startswith("- OK: ") for line in verdicts), section.text()
    assert "THE REGISTER DOES NOT VALIDATE" not in section.text()
