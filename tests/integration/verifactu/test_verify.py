"""Chain verification catches a stored value changed behind the application's back.

The database refuses UPDATE and DELETE on records, so tampering here goes around it as only the
database owner can: PostgreSQL with ``session_replication_role = replica`` (triggers off for
the transaction), SQLite by dropping the trigger and creating it again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoicegraph.db.engine import Database
from invoicegraph.db.models import (
    Account,
    Invoice,
    InvoiceLineTax,
    VerifactuRecord,
    VerifactuSubmission,
)
from invoicegraph.domain.rectification import LineCorrection
from invoicegraph.services.invoices import IssueOptions, RectifyOptions, rectify_invoice
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.verifactu.audit import invoice_mismatch, xml_mismatch
from invoicegraph.services.verifactu.stored import registro_from_row
from invoicegraph.services.verifactu.verify import _invoices_of, verify_account_chain

from .helpers import client_id, issued, line, records, rectified


@asynccontextmanager
async def around_the_trigger(
    database: Database, table: str = "verifactu_records"
) -> AsyncIterator[AsyncConnection]:
    async with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            yield connection
            return
        triggers = (
            await connection.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = :table"
                ),
                {"table": table},
            )
        ).all()
        definitions = [definition for _, definition in triggers]
        for name, _ in triggers:
            await connection.execute(text(f'DROP TRIGGER "{name}"'))
        yield connection
        for definition in definitions:
            await connection.execute(text(definition))


async def chain_of_three(database: Database, account: Account) -> list[VerifactuRecord]:
    client = await client_id(database, account)
    for price in ("100", "50", "25"):
        await issued(database, account, [line(price)], client=client)
    return await records(database, account)


async def verify(database: Database, account: Account, page_size: int = 500) -> Any:
    async with database.sessions() as session, session.begin():
        return await verify_account_chain(session, account, page_size=page_size)


async def test_an_untouched_chain_verifies(database: Database, vf_account: Account) -> None:
    await chain_of_three(database, vf_account)

    assert await verify(database, vf_account) is None
    assert await verify(database, vf_account, page_size=1) is None


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("total_amount", Decimal("999.00"), "fingerprint_mismatch"),
        ("invoice_number", "F-999", "fingerprint_mismatch"),
        ("previous_fingerprint", "0" * 64, "fingerprint_mismatch"),
        ("generated_at_text", "2020-01-01T00:00:00+01:00", "fingerprint_mismatch"),
        ("breakdown", [], "fingerprint_mismatch"),  # no breakdown: not a record at all
    ],
)
async def test_a_changed_value_is_caught_at_its_record(
    database: Database, vf_account: Account, column: str, value: Any, problem: str
) -> None:
    chain = await chain_of_three(database, vf_account)
    async with around_the_trigger(database) as connection:
        await connection.execute(
            update(VerifactuRecord).where(VerifactuRecord.id == chain[1].id).values({column: value})
        )

    found = await verify(database, vf_account, page_size=2)

    assert found is not None
    assert (found.index, found.problem.value) == (2, problem)
    assert found.invoice.number == (
        value if column == "invoice_number" else chain[1].invoice_number
    )


async def test_a_rewritten_breakdown_no_longer_adds_up(
    database: Database, vf_account: Account
) -> None:
    chain = await chain_of_three(database, vf_account)
    breakdown = [{**chain[2].breakdown[0], "base": "1.00"}]
    async with around_the_trigger(database) as connection:
        await connection.execute(
            update(VerifactuRecord)
            .where(VerifactuRecord.id == chain[2].id)
            .values(breakdown=breakdown)
        )

    found = await verify(database, vf_account, page_size=2)

    assert found is not None and (found.index, found.problem.value) == (3, "totals_mismatch")


async def test_a_deleted_record_breaks_the_link_of_the_next(
    database: Database, vf_account: Account
) -> None:
    chain = await chain_of_three(database, vf_account)
    async with around_the_trigger(database) as connection:
        await connection.execute(
            delete(VerifactuSubmission).where(VerifactuSubmission.record_id == chain[1].id)
        )
        await connection.execute(delete(VerifactuRecord).where(VerifactuRecord.id == chain[1].id))

    found = await verify(database, vf_account)

    assert found is not None and (found.index, found.problem.value) == (3, "link_mismatch")
    async with database.sessions() as session:  # the guard is back once the owner is done
        with pytest.raises(Exception, match="append-only"):
            async with session.begin():
                await session.execute(
                    delete(VerifactuRecord).where(VerifactuRecord.id == chain[2].id)
                )


async def test_a_chain_with_a_rectificative_and_a_cancellation_verifies(
    database: Database, vf_account: Account
) -> None:
    """The record-against-invoice checks hold for every kind of record the chain carries."""
    client = await client_id(database, vf_account)
    first = await issued(database, vf_account, [line("100"), line("10", vat="10")], client=client)
    await rectified(database, vf_account, first)
    second = await issued(database, vf_account, [line("30")], client=client)
    async with database.sessions() as session:
        await annul_invoice(session, vf_account, second.id, "wrong customer")

    assert len(await records(database, vf_account)) == 4
    assert await verify(database, vf_account) is None


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"total_before_taxes": Decimal("150.00")},
         "ImporteTotal is '60.50' in the record but '160.50' on the invoice"),
        ({"total_vat": Decimal("0.50")}, "CuotaTotal is '10.50' in the record but '0.50'"),
        ({"full_number": "F-999"}, "NumSerieFactura is 'F2' in the record but 'F-999'"),
        ({"recipient_tax_id": "B27346063"}, "Destinatario NIF is 'A58818501' in the record"),
        ({"issuer_tax_id": "B00000000"}, "IDEmisorFactura"),
    ],
)  # fmt: skip
async def test_an_invoice_changed_under_its_record_is_named(
    database: Database, vf_account: Account, values: dict[str, Any], named: str
) -> None:
    chain = await chain_of_three(database, vf_account)
    async with around_the_trigger(database, "invoices") as connection:
        await connection.execute(
            update(Invoice)
            .where(Invoice.account_id == vf_account.id, Invoice.id == chain[1].invoice_id)
            .values(values)
        )

    found = await verify(database, vf_account, page_size=2)

    assert found is not None
    assert (found.index, found.problem.value) == (2, "invoice_mismatch")
    assert named in found.detail


async def test_a_changed_line_no_longer_matches_the_recorded_breakdown(
    database: Database, vf_account: Account
) -> None:
    chain = await chain_of_three(database, vf_account)
    async with around_the_trigger(database, "invoice_line_taxes") as connection:
        await connection.execute(
            update(InvoiceLineTax)
            .where(
                InvoiceLineTax.account_id == vf_account.id,
                InvoiceLineTax.invoice_id == chain[2].invoice_id,
            )
            .values(base=Decimal("70"))
        )

    found = await verify(database, vf_account)

    assert found is not None and (found.index, found.problem.value) == (3, "invoice_mismatch")
    assert "Desglose line 1 base is 25.00 in the record but 70.00 on the invoice" in found.detail


async def test_a_recipient_nif_changed_on_a_stored_record_is_named(
    database: Database, vf_account: Account
) -> None:
    """The recipient is outside the fingerprint: the chain holds, the invoice disagrees."""
    chain = await chain_of_three(database, vf_account)
    details = {**chain[0].details}
    details["recipient"] = {**details["recipient"], "nif": "B27346063"}
    async with around_the_trigger(database) as connection:
        await connection.execute(
            update(VerifactuRecord).where(VerifactuRecord.id == chain[0].id).values(details=details)
        )

    found = await verify(database, vf_account)

    assert found is not None and (found.index, found.problem.value) == (1, "invoice_mismatch")
    assert found.detail == (
        "Destinatario NIF is 'B27346063' in the record but 'A58818501' on the invoice"
    )


async def test_every_stored_field_is_what_the_xml_says(
    database: Database, vf_account: Account
) -> None:
    chain = await chain_of_three(database, vf_account)
    row = chain[1]
    record = registro_from_row(row)
    assert xml_mismatch(row, record) is None

    row.total_amount = Decimal("60.51")  # a stored value the record's XML does not say
    assert xml_mismatch(row, record) == "the stored total_amount '60.51' is '60.50' in the XML"
    row.total_amount = Decimal("60.50")
    row.breakdown = [{**row.breakdown[0], "cuota": "10.49"}]
    assert xml_mismatch(row, record) == (
        "the stored breakdown line 1 cuota '10.49' is '10.50' in the XML"
    )


def run_cli(
    database: Database, account: Account, command: str = "verify"
) -> subprocess.CompletedProcess[str]:
    url = database.engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "invoicegraph",
            "verifactu",
            command,
            "--account",
            str(account.uuid),
        ],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_commands_print_ok_or_the_break_and_the_unsent_count(
    database: Database, vf_account: Account
) -> None:
    chain = await chain_of_three(database, vf_account)

    intact = run_cli(database, vf_account)
    assert intact.returncode == 0, intact.stderr
    live, sandbox = intact.stdout.splitlines()
    assert live == f"OK {vf_account.uuid} Taller Verifactu S.L."
    assert sandbox.startswith("OK ") and "(sandbox)" in sandbox

    async with around_the_trigger(database) as connection:
        await connection.execute(
            update(VerifactuRecord)
            .where(VerifactuRecord.id == chain[1].id)
            .values(total_amount=Decimal("0.01"))
        )
    broken = run_cli(database, vf_account)
    assert broken.returncode == 1
    first = broken.stdout.splitlines()[0]
    assert first.startswith(f"BROKEN {vf_account.uuid} Taller Verifactu S.L.: record 2 (Alta ")
    assert chain[1].invoice_number in first and "fingerprint_mismatch" in first

    status = run_cli(database, vf_account, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[0] == f"3 unsent {vf_account.uuid} Taller Verifactu S.L."


async def _substituted(database: Database, account: Account) -> list[VerifactuRecord]:
    """F1 of 100 € + 21 %, replaced by an S rectificative stating 2 of it."""
    client = await client_id(database, account)
    original = await issued(database, account, [line("100")], client=client)
    async with database.sessions() as session:
        await rectify_invoice(
            session,
            account,
            original.id,
            RectifyOptions(
                kind="S",
                corrections=[
                    LineCorrection(description="Servicio de reparación", quantity=Decimal(2))
                ],
                issue=IssueOptions(),
            ),
        )
    return await records(database, account)


async def test_a_substitution_verifies_with_the_replaced_amounts(
    database: Database, vf_account: Account
) -> None:
    chain = await _substituted(database, vf_account)

    assert chain[1].details["rectified_amounts"]["base"] in ("100.00", "100")
    assert await verify(database, vf_account) is None


@pytest.mark.parametrize(
    ("amounts", "named"),
    [
        ({"base": "90.00", "cuota": "21.00", "surcharge_cuota": None},
         "ImporteRectificacion BaseRectificada is '90.00' in the record "
         "but '100.00' on the replaced invoice"),
        ({"base": "100.00", "cuota": "2.10", "surcharge_cuota": None},
         "ImporteRectificacion CuotaRectificada is '2.10' in the record "
         "but '21.00' on the replaced invoice"),
        ({"base": "100.00", "cuota": "21.00", "surcharge_cuota": "5.20"},
         "ImporteRectificacion CuotaRecargoRectificado is '5.20' in the record "
         "but None on the replaced invoice"),
    ],
)  # fmt: skip
async def test_an_importe_rectificacion_rewritten_in_sql_is_named(
    database: Database, vf_account: Account, amounts: dict[str, Any], named: str
) -> None:
    """ImporteRectificacion is outside the fingerprint: the chain holds, the replaced invoice
    disagrees."""
    chain = await _substituted(database, vf_account)
    details = {**chain[1].details, "rectified_amounts": amounts}
    async with around_the_trigger(database) as connection:
        await connection.execute(
            update(VerifactuRecord).where(VerifactuRecord.id == chain[1].id).values(details=details)
        )

    found = await verify(database, vf_account)

    assert found is not None and (found.index, found.problem.value) == (2, "invoice_mismatch")
    assert found.detail == named


async def test_the_replaced_invoice_changed_in_sql_is_caught(
    database: Database, vf_account: Account
) -> None:
    """The original's own record names the change first; the substitution's check holds too."""
    chain = await _substituted(database, vf_account)
    async with around_the_trigger(database, "invoice_line_taxes") as connection:
        await connection.execute(
            update(InvoiceLineTax)
            .where(
                InvoiceLineTax.account_id == vf_account.id,
                InvoiceLineTax.invoice_id == chain[0].invoice_id,
            )
            .values(base=Decimal("110"))
        )

    found = await verify(database, vf_account)

    assert found is not None and (found.index, found.problem.value) == (1, "invoice_mismatch")
    # the substitution's record, audited alone, names the replaced amounts it no longer matches
    async with database.sessions() as session, session.begin():
        rows = (
            await session.scalars(
                select(VerifactuRecord)
                .where(VerifactuRecord.account_id == vf_account.id)
                .order_by(VerifactuRecord.chain_position)
            )
        ).all()
        page = await _invoices_of(session, vf_account, rows)
        invoice = page.invoices[rows[1].invoice_id]
        detail = invoice_mismatch(
            rows[1],
            registro_from_row(rows[1]),
            invoice,
            (page.identities[invoice.rectifies_invoice_id],),
            page.replaced[invoice.rectifies_invoice_id],
        )
    assert detail == (
        "ImporteRectificacion BaseRectificada is '100.00' in the record "
        "but '110.00' on the replaced invoice"
    )
