"""Verifying an issuer's chain of records without trusting anything stored about it.

Each fingerprint is recomputed from the record's fields, each record's link is compared with the
record before it, and generation times must never go backwards. The first break is reported
with its position and the invoice it concerns, which is what an operator needs to find the
tampered or corrupted row; later records are not examined, since they chain to a broken one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from invoicegraph.domain.verifactu.codes import TipoOperacion
from invoicegraph.domain.verifactu.fingerprint import compute_fingerprint, format_timestamp
from invoicegraph.domain.verifactu.records import ChainLink, InvoiceId, Registro, RegistroAlta


class ChainProblem(StrEnum):
    """What is wrong with the record at a break."""

    OTHER_ISSUER = "other_issuer"
    FINGERPRINT_MISMATCH = "fingerprint_mismatch"
    TOTALS_MISMATCH = "totals_mismatch"
    UNEXPECTED_FIRST_RECORD = "unexpected_first_record"
    MISSING_FIRST_RECORD = "missing_first_record"
    LINK_MISMATCH = "link_mismatch"
    TIMESTAMP_BACKWARDS = "timestamp_backwards"
    TIMESTAMP_IN_FUTURE = "timestamp_in_future"
    # outside the fingerprint: found by comparing a record with its invoice and its XML
    INVOICE_MISMATCH = "invoice_mismatch"
    XML_MISMATCH = "xml_mismatch"


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place where the chain does not hold."""

    index: int  # position in the sequence given to verify_chain
    operation: TipoOperacion
    invoice: InvoiceId
    problem: ChainProblem
    detail: str


def _break(index: int, record: Registro, problem: ChainProblem, detail: str) -> ChainBreak:
    return ChainBreak(index, record.operation, record.invoice_id, problem, detail)


def _describe(link: ChainLink | None) -> str:
    if link is None:
        return "PrimerRegistro=S"
    return f"{link.issuer_nif} {link.number} {link.issue_date.isoformat()} {link.fingerprint}"


def _check_record(
    index: int, record: Registro, before: Registro | None, issuer_nif: str, now: datetime | None
) -> ChainBreak | None:
    if record.issuer_nif != issuer_nif:
        detail = f"issuer {record.issuer_nif} in the chain of {issuer_nif}"
        return _break(index, record, ChainProblem.OTHER_ISSUER, detail)
    expected = compute_fingerprint(record)
    if record.fingerprint != expected:
        detail = f"stored fingerprint {record.fingerprint!r}, fields compute {expected}"
        return _break(index, record, ChainProblem.FINGERPRINT_MISMATCH, detail)
    if isinstance(record, RegistroAlta) and not record.totals_match_lines():
        detail = "CuotaTotal or ImporteTotal is not the sum of the breakdown lines"
        return _break(index, record, ChainProblem.TOTALS_MISMATCH, detail)
    if before is None:
        if record.previous is not None:
            detail = f"expected PrimerRegistro=S, found a link to {_describe(record.previous)}"
            return _break(index, record, ChainProblem.UNEXPECTED_FIRST_RECORD, detail)
    else:
        if record.previous is None:
            detail = f"PrimerRegistro=S after {before.number}"
            return _break(index, record, ChainProblem.MISSING_FIRST_RECORD, detail)
        if record.previous != before.link():
            detail = (
                f"links to {_describe(record.previous)}, "
                f"the record before is {_describe(before.link())}"
            )
            return _break(index, record, ChainProblem.LINK_MISMATCH, detail)
        if record.generated_at < before.generated_at:
            detail = (
                f"generated {format_timestamp(record.generated_at)}, before the previous record "
                f"({format_timestamp(before.generated_at)})"
            )
            return _break(index, record, ChainProblem.TIMESTAMP_BACKWARDS, detail)
    if now is not None and record.generated_at > now:
        detail = f"generated {format_timestamp(record.generated_at)}, in the future"
        return _break(index, record, ChainProblem.TIMESTAMP_IN_FUTURE, detail)
    return None


def verify_chain(
    records: Sequence[Registro],
    *,
    after: Registro | None = None,
    now: datetime | None = None,
) -> ChainBreak | None:
    """The first break in one issuer's records, given in generation order, or ``None``.

    Without ``after`` the sequence must start with the issuer's first record
    (``PrimerRegistro=S``). With ``after`` (the last record already verified) it continues that
    chain, so a long chain can be verified in pages. With ``now``, a record generated in the
    future is a break too.
    """
    if not records:
        return None
    issuer_nif = after.issuer_nif if after is not None else records[0].issuer_nif
    before = after
    for index, record in enumerate(records):
        found = _check_record(index, record, before, issuer_nif, now)
        if found is not None:
            return found
        before = record
    return None
