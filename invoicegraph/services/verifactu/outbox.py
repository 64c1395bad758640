"""The outbox: which records go to the agency next, and what the agency said about them.

Records never change; their ``verifactu_submissions`` rows carry the sending state:

``pending``  → not known to be at the agency (new, or the last attempt failed: retried with
               exponential backoff, capped at an hour);
``sending``  → claimed in a committed transaction *before* the request went out, with a batch
               id and a lease (``next_attempt_at``). A worker killed mid-batch leaves them so;
               when the lease runs out any worker sends them again, and the agency's
               "duplicate" answer settles the ones it already had;
``accepted`` / ``accepted_with_errors`` / ``rejected`` → settled, with code, message and CSV.

A batch is one account's records (one ``Cabecera`` = one issuer) in chain order, at most
1000. One batch per account is in flight at a time: claiming takes a per-account advisory lock
on PostgreSQL (claimed rows are also locked ``FOR UPDATE SKIP LOCKED``) and skips an account
with a live lease; on SQLite, ``BEGIN IMMEDIATE`` serialises claims. A failed first record
holds the account's later records back, so the agency always receives a chain in order.

Flow control (``TiempoEsperaEnvio``): once a row is settled its ``next_attempt_at`` holds when
the agency lets the account send again; an account is not claimed before the latest of those,
unless a full submission (1000 records) is waiting.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Invoice, VerifactuRecord, VerifactuSubmission
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.verifactu.codes import MAX_RECORDS_PER_SUBMISSION
from invoicegraph.domain.verifactu.records import InvoiceId, Registro
from invoicegraph.domain.verifactu.response import SubmissionResponse
from invoicegraph.domain.verifactu.xml import ObligadoEmision
from invoicegraph.domain.webhooks import EventType
from invoicegraph.services import events
from invoicegraph.services.verifactu.stored import registro_from_row

PENDING, SENDING = "pending", "sending"
UNSETTLED = (PENDING, SENDING)
SETTLED = ("accepted", "accepted_with_errors", "rejected")
_ADVISORY_CLASS = 0x5646  # "VF": the advisory-lock namespace of the outbox
_CANDIDATE_ACCOUNTS = 50
NAME_LENGTH = 120

S = VerifactuSubmission
R = VerifactuRecord


@dataclass(frozen=True, slots=True)
class Batch:
    """Records claimed for one submission; ``submission_ids`` align with ``records``."""

    id: str
    account_id: int
    sandbox: bool
    obligado: ObligadoEmision
    submission_ids: tuple[int, ...]
    records: tuple[Registro, ...]


@dataclass(frozen=True, slots=True)
class Settlement:
    """How many records of a batch ended in each state."""

    accepted: int = 0
    accepted_with_errors: int = 0
    rejected: int = 0
    duplicates: int = 0
    unanswered: int = 0


def backoff(attempts: int, base: float, cap: float) -> dt.timedelta:
    """Delay before retrying a record that failed ``attempts`` times: doubling, capped."""
    seconds = base * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, cap))


async def _try_account_lock(session: AsyncSession, account_id: int) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: this transaction already holds the database's write lock
    key = account_id % 2_147_483_647  # the (int4, int4) form: a namespace and the account
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(_ADVISORY_CLASS, key))))


async def _send_allowed_at(session: AsyncSession, account_id: int) -> dt.datetime | None:
    """When the agency's last ``TiempoEsperaEnvio`` lets this account send again."""
    # one MAX per status: each is a single step down the (account, status, next) index
    latest = [
        select(func.max(S.next_attempt_at))
        .where(S.account_id == account_id, S.status == status)
        .scalar_subquery()
        for status in SETTLED
    ]
    row = (await session.execute(select(*latest))).one()
    times = [value for value in row if value is not None]
    return max(times) if times else None


async def _postpone(session: AsyncSession, account_id: int, until: dt.datetime) -> None:
    """Make the account's pending rows due no earlier than ``until``, so an account that must
    wait stops coming up as a candidate (and crowding out the others) until then."""
    await session.execute(
        update(S)
        .where(S.account_id == account_id, S.status == PENDING, S.next_attempt_at < until)
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )


def _cut(rows: Sequence[tuple[VerifactuSubmission, VerifactuRecord]]) -> int:
    """How many leading rows fit one submission: one issuer, each invoice at most once (its
    registration and its cancellation go in separate submissions, in that order)."""
    seen: set[InvoiceId] = set()
    issuer = rows[0][1].issuer_tax_id
    for index, (_, record) in enumerate(rows):
        identity = InvoiceId(record.issuer_tax_id, record.invoice_number, record.invoice_date)
        if record.issuer_tax_id != issuer or identity in seen:
            return index
        seen.add(identity)
    return len(rows)


async def _claim_account(
    session: AsyncSession,
    account_id: int,
    now: dt.datetime,
    batch_size: int,
    lease: dt.timedelta,
) -> Batch | None:
    if not await _try_account_lock(session, account_id):
        return None
    in_flight = await session.scalar(
        select(S.id)
        .where(S.account_id == account_id, S.status == SENDING, S.next_attempt_at > now)
        .limit(1)
    )
    if in_flight is not None:
        return None
    rows = (
        await session.execute(
            select(S, R)
            .join(R, and_(R.account_id == S.account_id, R.id == S.record_id))
            .where(S.account_id == account_id, S.status.in_(UNSETTLED))
            .order_by(R.chain_position)
            .limit(batch_size)
            .with_for_update(of=S, skip_locked=True)
        )
    ).all()
    if not rows:
        return None
    if rows[0][0].next_attempt_at > now:
        # the first record is backing off: the rest wait with it, so the chain stays in order
        await _postpone(session, account_id, rows[0][0].next_attempt_at)
        return None
    if len(rows) < MAX_RECORDS_PER_SUBMISSION:
        allowed_at = await _send_allowed_at(session, account_id)
        if allowed_at is not None and allowed_at > now:
            await _postpone(session, account_id, allowed_at)
            return None
    records: list[Registro] = []
    for submission, record in rows[: _cut(rows)]:
        try:
            records.append(registro_from_row(record))
        except (ValidationFailed, ValueError, KeyError, TypeError) as exc:
            if records:
                break  # send the sound ones; this one comes first next time
            submission.status = "rejected"
            submission.response_code = "damaged"
            submission.response_message = f"the stored record cannot be rebuilt: {exc}"
            submission.next_attempt_at = now
            return None
    claimed = [submission for submission, _ in rows[: len(records)]]
    batch_id = str(uuid.uuid4())
    for submission in claimed:
        submission.status = SENDING
        submission.batch_id = batch_id
        submission.attempts += 1
        submission.sent_at = now
        submission.next_attempt_at = now + lease
    first = rows[0][1]
    return Batch(
        id=batch_id,
        account_id=account_id,
        sandbox=first.test_mode,
        obligado=ObligadoEmision(name=first.issuer_name[:NAME_LENGTH], nif=first.issuer_tax_id),
        submission_ids=tuple(submission.id for submission in claimed),
        records=tuple(records),
    )


async def claim_batch(
    session: AsyncSession, *, now: dt.datetime, batch_size: int, lease: dt.timedelta
) -> Batch | None:
    """Claim the next batch of the account that has waited longest, in its own transaction.

    The claim is committed before anything is sent, so a worker that dies afterwards leaves
    ``sending`` rows that are sent again once ``lease`` has run out.
    """
    async with session.begin():
        candidates = await session.scalars(
            select(S.account_id)
            .where(S.status.in_(UNSETTLED))
            .group_by(S.account_id)
            .having(func.min(S.next_attempt_at) <= now)
            .order_by(func.min(S.next_attempt_at))
            .limit(_CANDIDATE_ACCOUNTS)
        )
        for account_id in candidates.all():
            batch = await _claim_account(session, account_id, now, batch_size, lease)
            if batch is not None:
                return batch
    return None


async def _batch_rows(session: AsyncSession, batch: Batch) -> dict[int, VerifactuSubmission]:
    """The batch's rows still in its hands (a row re-claimed after its lease is not)."""
    rows = await session.scalars(
        select(S)
        .where(S.account_id == batch.account_id, S.batch_id == batch.id, S.status == SENDING)
        .with_for_update()
    )
    return {row.id: row for row in rows}


async def settle_batch(
    session: AsyncSession, batch: Batch, response: SubmissionResponse, *, now: dt.datetime
) -> Settlement:
    """Record the agency's verdict on each record of ``batch`` (own transaction).

    A duplicate answering a *resend* is a record the agency took although its answer was lost:
    it takes the held record's state. A duplicate answering the first sending is another
    record under the same invoice identity (another system's, say) and counts as rejected. A
    record the answer does not mention goes back to ``pending``.
    """
    answers = {(line.operation, line.invoice): line for line in response.records}
    allowed_at = now + dt.timedelta(seconds=max(response.wait_seconds, 0))
    counts = {"accepted": 0, "accepted_with_errors": 0, "rejected": 0}
    duplicates = unanswered = 0
    settled: list[tuple[VerifactuSubmission, str]] = []
    async with session.begin():
        rows = await _batch_rows(session, batch)
        for submission_id, record in zip(batch.submission_ids, batch.records, strict=True):
            row = rows.get(submission_id)
            if row is None:
                continue
            answer = answers.get((record.operation, record.invoice_id))
            if answer is None:
                unanswered += 1
                row.status = PENDING
                row.next_attempt_at = allowed_at
                row.response_code = None
                row.response_message = "the agency's answer did not mention this record"
                continue
            row.next_attempt_at = allowed_at
            row.csv = response.csv
            if answer.is_duplicate and row.attempts <= 1:
                # never sent before, yet the agency holds this identity: not ours to claim
                row.status = "rejected"
                row.response_code = None if answer.error_code is None else str(answer.error_code)
                row.response_message = (
                    "the agency already holds another record of this invoice: "
                    f"{answer.error_description or 'duplicate'}"
                )
            elif answer.is_duplicate:
                duplicates += 1
                held = answer.duplicate
                code = held.error_code if held is not None else None
                row.status = answer.outcome.value
                row.response_code = None if code is None else str(code)
                row.response_message = "duplicate: the agency already holds this record" + (
                    f" ({held.error_description})" if held and held.error_description else ""
                )
            else:
                row.status = answer.outcome.value
                code = answer.error_code
                row.response_code = None if code is None else str(code)
                row.response_message = answer.error_description
            counts[row.status] += 1
            settled.append((row, record.operation.value.lower()))
        await _record_verdicts(session, batch.account_id, settled)
    return Settlement(duplicates=duplicates, unanswered=unanswered, **counts)


async def _record_verdicts(
    session: AsyncSession, account_id: int, settled: Sequence[tuple[VerifactuSubmission, str]]
) -> None:
    """An event per settled record, with the agency's code and message, for the webhooks
    and subscriptions of the account (integrations learn the answer without polling)."""
    if not settled:
        return
    invoices = {
        invoice.id: invoice
        for invoice in await session.scalars(
            select(Invoice).where(
                Invoice.account_id == account_id,
                Invoice.id.in_({row.invoice_id for row, _ in settled}),
            )
        )
    }
    for row, operation in settled:
        invoice = invoices.get(row.invoice_id)
        if invoice is None:
            continue
        rejected = row.status == "rejected"
        verdict = EventType.VERIFACTU_REJECTED if rejected else EventType.VERIFACTU_ACCEPTED
        answer = {
            "status": row.status,
            "operation": operation,
            "code": row.response_code,
            "message": row.response_message,
            "csv": row.csv,
        }
        await events.record(session, account_id, verdict, invoice, {"verifactu": answer})


async def defer_batch(
    session: AsyncSession,
    batch: Batch,
    *,
    now: dt.datetime,
    message: str,
    code: str | None,
    base_seconds: float,
    cap_seconds: float,
) -> None:
    """The batch got no usable answer: back to ``pending``, retried after a backoff."""
    async with session.begin():
        for row in (await _batch_rows(session, batch)).values():
            row.status = PENDING
            row.next_attempt_at = now + backoff(row.attempts, base_seconds, cap_seconds)
            row.response_code = code
            row.response_message = message[:2000]


async def unsent_count(session: AsyncSession, account: Account | int) -> int:
    """Records of an account (or account id) the agency has not taken yet: the user must be
    told how many are unsent while sending fails."""
    account_id = account if isinstance(account, int) else account.id
    count = await session.scalar(
        select(func.count())
        .select_from(S)
        .where(S.account_id == account_id, S.status.in_(UNSETTLED))
    )
    return count or 0
