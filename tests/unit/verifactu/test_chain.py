"""Chain verification: an intact chain passes; any change is caught where it happened."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from invoicegraph.domain.verifactu.chain import ChainProblem, verify_chain
from invoicegraph.domain.verifactu.codes import TipoFactura, TipoOperacion
from invoicegraph.domain.verifactu.fingerprint import seal
from invoicegraph.domain.verifactu.records import (
    BreakdownLine,
    ChainLink,
    RegistroAlta,
    RegistroAnulacion,
)

Record = RegistroAlta | RegistroAnulacion


@pytest.fixture
def chain(agency_chain: list[Record]) -> list[Record]:
    """The agency's three records followed by two more registrations."""
    records = list(agency_chain)
    first = records[0]
    assert isinstance(first, RegistroAlta)
    for number in ("12345680/G35", "12345681/G36"):
        before = records[-1]
        records.append(
            seal(
                replace(
                    first,
                    number=number,
                    previous=before.link(),
                    generated_at=before.generated_at + timedelta(seconds=5),
                )
            )
        )
    return records


def test_an_intact_chain_passes(chain: list[Record]) -> None:
    assert verify_chain(chain) is None
    assert verify_chain([]) is None


def test_a_chain_verified_in_pages(chain: list[Record]) -> None:
    assert verify_chain(chain[2:], after=chain[1]) is None
    found = verify_chain(chain[2:])
    assert found is not None and found.problem is ChainProblem.UNEXPECTED_FIRST_RECORD


ALTA_CHANGES: list[tuple[str, Any]] = [
    ("issuer_nif", "89890001L"),
    ("number", "12345680/G3X"),
    ("issue_date", date(2024, 1, 2)),
    ("invoice_type", TipoFactura.F3),
    ("cuota_total", Decimal("12.36")),
    ("importe_total", Decimal("123.46")),
    ("generated_at", datetime.fromisoformat("2024-01-01T19:20:46+01:00")),
    ("fingerprint", "0" * 64),
]


@pytest.mark.parametrize(("field", "value"), ALTA_CHANGES, ids=[name for name, _ in ALTA_CHANGES])
@pytest.mark.parametrize("index", [0, 3, 4])
def test_changing_a_hashed_field_of_a_registration_is_caught_there(
    chain: list[Record], index: int, field: str, value: Any
) -> None:
    # given an intact chain / when one hashed field of one registration changes
    tampered = list(chain)
    tampered[index] = replace(chain[index], **{field: value})
    # then verification stops at that record
    found = verify_chain(tampered)
    assert found is not None
    assert found.index == index
    # (a changed issuer after the first record is, first of all, a stranger in the chain)
    stranger = field == "issuer_nif" and index > 0
    assert found.problem is (
        ChainProblem.OTHER_ISSUER if stranger else ChainProblem.FINGERPRINT_MISMATCH
    )
    assert found.operation is TipoOperacion.ALTA
    assert found.invoice == tampered[index].invoice_id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", "12345679/G35"),
        ("issue_date", date(2023, 12, 31)),
        ("generated_at", datetime.fromisoformat("2024-01-01T19:20:41+01:00")),
    ],
)
def test_changing_a_cancellation_is_caught_there(
    chain: list[Record], field: str, value: Any
) -> None:
    tampered = list(chain)
    tampered[2] = replace(chain[2], **{field: value})
    found = verify_chain(tampered)
    assert found is not None and found.index == 2
    assert found.operation is TipoOperacion.ANULACION
    assert found.problem is ChainProblem.FINGERPRINT_MISMATCH


def test_a_record_changed_and_resealed_breaks_the_next_link(chain: list[Record]) -> None:
    # given a tamperer who also recomputes the changed record's fingerprint
    second = chain[1]
    assert isinstance(second, RegistroAlta)
    resealed = seal(replace(second, importe_total=Decimal("1.00"), cuota_total=Decimal("0")))
    tampered = [chain[0], resealed, *chain[2:]]
    # then either its totals no longer add up...
    found = verify_chain(tampered)
    assert found is not None and found.index == 1
    assert found.problem is ChainProblem.TOTALS_MISMATCH
    # ...or, with the lines changed to match, the next record no longer links to it
    lines = (BreakdownLine(base=Decimal("1.00"), rate=Decimal("0"), cuota=Decimal("0.00")),)
    tampered[1] = seal(replace(resealed, lines=lines))
    found = verify_chain(tampered)
    assert found is not None and found.index == 2
    assert found.problem is ChainProblem.LINK_MISMATCH
    assert "F7B94CFD" in found.detail


def test_a_changed_breakdown_line_is_caught_by_the_totals(chain: list[Record]) -> None:
    record = chain[3]
    assert isinstance(record, RegistroAlta)
    line = replace(record.lines[0], base=Decimal("58.80"))
    tampered = [*chain[:3], replace(record, lines=(line, *record.lines[1:])), *chain[4:]]
    found = verify_chain(tampered)
    assert found is not None and found.index == 3
    assert found.problem is ChainProblem.TOTALS_MISMATCH


@pytest.mark.parametrize("field", ["issuer_nif", "number", "issue_date", "fingerprint"])
def test_a_wrong_link_field_is_caught_even_when_resealed(chain: list[Record], field: str) -> None:
    # given record 3 re-pointed (and re-sealed) at a link with one wrong field
    link = chain[2].link()
    changes: dict[str, Any] = {
        "issuer_nif": "89890001L",
        "number": "OTHER/1",
        "issue_date": date(2024, 1, 2),
        "fingerprint": "F" * 64,
    }
    wrong = replace(link, **{field: changes[field]})
    tampered = [*chain[:3], seal(replace(chain[3], previous=wrong)), *chain[4:]]
    found = verify_chain(tampered)
    assert found is not None and found.index == 3
    assert found.problem is ChainProblem.LINK_MISMATCH


def test_a_removed_record_is_caught_at_its_successor(chain: list[Record]) -> None:
    found = verify_chain([*chain[:2], *chain[3:]])
    assert found is not None and found.index == 2
    assert found.problem is ChainProblem.LINK_MISMATCH


def test_swapped_records_are_caught(chain: list[Record]) -> None:
    found = verify_chain([chain[0], chain[2], chain[1], *chain[3:]])
    assert found is not None and found.index == 1
    assert found.problem is ChainProblem.LINK_MISMATCH


def test_a_first_record_in_the_middle_is_caught(chain: list[Record]) -> None:
    restarted = seal(replace(chain[3], previous=None))
    found = verify_chain([*chain[:3], restarted])
    assert found is not None and found.index == 3
    assert found.problem is ChainProblem.MISSING_FIRST_RECORD


def test_a_first_record_with_a_link_is_caught(chain: list[Record]) -> None:
    linked = seal(
        replace(chain[0], previous=ChainLink("89890001K", "X/0", date(2024, 1, 1), "E" * 64))
    )
    found = verify_chain([linked, *chain[1:]])
    assert found is not None and found.index == 0
    assert found.problem is ChainProblem.UNEXPECTED_FIRST_RECORD


def test_timestamps_going_backwards_are_caught(chain: list[Record]) -> None:
    # given a record generated before its predecessor, consistently sealed and linked
    early = seal(replace(chain[3], generated_at=chain[2].generated_at - timedelta(seconds=1)))
    later = seal(replace(chain[4], previous=early.link()))
    found = verify_chain([*chain[:3], early, later])
    assert found is not None and found.index == 3
    assert found.problem is ChainProblem.TIMESTAMP_BACKWARDS


def test_equal_timestamps_are_allowed(chain: list[Record]) -> None:
    same = seal(replace(chain[3], generated_at=chain[2].generated_at))
    later = seal(replace(chain[4], previous=same.link()))
    assert verify_chain([*chain[:3], same, later]) is None


def test_a_timestamp_in_the_future_is_caught_when_now_is_given(chain: list[Record]) -> None:
    now = chain[3].generated_at
    found = verify_chain(chain, now=now)
    assert found is not None and found.index == 4
    assert found.problem is ChainProblem.TIMESTAMP_IN_FUTURE
    assert verify_chain(chain, now=now + timedelta(seconds=5)) is None


def test_a_record_of_another_issuer_is_caught(chain: list[Record]) -> None:
    stranger = seal(replace(chain[4], issuer_nif="B12345674"))
    found = verify_chain([*chain[:4], stranger])
    assert found is not None and found.index == 4
    assert found.problem is ChainProblem.OTHER_ISSUER
