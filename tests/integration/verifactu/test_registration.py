"""Issuing with VERI*FACTU on: every issued invoice gets a sealed record chained to the last."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, text, update

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, VerifactuRecord
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.verifactu.chain import verify_chain
from invoicegraph.domain.verifactu.fingerprint import compute_fingerprint
from invoicegraph.domain.verifactu.records import RegistroAlta
from invoicegraph.services.accounts import create_account
from invoicegraph.services.verifactu import registration
from invoicegraph.services.verifactu.stored import registro_from_row
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from .helpers import client_id, issued, line, records, rectified, series_id, submissions, tax_id


async def test_issuing_writes_a_record_chained_to_the_previous_one(
    database: Database, vf_account: Account
) -> None:
    client = await client_id(database, vf_account)
    first = await issued(database, vf_account, [line("100")], client=client)
    second = await issued(database, vf_account, [line("50", vat="10")], client=client)

    rows = await records(database, vf_account)
    assert [(r.chain_position, r.invoice_id, r.record_type) for r in rows] == [
        (1, first.id, "alta"),
        (2, second.id, "alta"),
    ]
    head, tail = (registro_from_row(r) for r in rows)
    assert isinstance(head, RegistroAlta) and isinstance(tail, RegistroAlta)
    assert head.previous is None and rows[0].is_first
    assert tail.previous == head.link()
    assert rows[1].previous_fingerprint == rows[0].fingerprint
    assert [r.fingerprint for r in rows] == [compute_fingerprint(head), compute_fingerprint(tail)]
    assert verify_chain([head, tail]) is None
    assert head.number == first.full_number and head.issue_date == first.date
    assert head.invoice_type.value == "F1" and head.recipient is not None
    assert head.recipient.nif == "A58818501"
    assert (head.cuota_total, head.importe_total) == (Decimal("21.00"), Decimal("121.00"))
    assert rows[0].generated_at_text.endswith(("+01:00", "+02:00"))  # Europe/Madrid
    pending = await submissions(database, vf_account)
    assert [(s.record_id, s.status) for s in pending] == [(r.id, "pending") for r in rows]


async def test_breakdown_leaves_irpf_out_and_ties_the_surcharge_to_its_iva_rate(
    database: Database, vf_account: Account
) -> None:
    iva21 = await tax_id(database, vf_account, "IVA (21%)")
    iva10 = await tax_id(database, vf_account, "IVA (10%)")
    irpf = await tax_id(database, vf_account, "IRPF (-15%)")
    re52 = await tax_id(database, vf_account, "Recargo de equivalencia (5.2%)")
    client = await client_id(database, vf_account)
    invoice = await issued(
        database,
        vf_account,
        [
            line("100", taxes=[iva21, irpf]),
            line("200", taxes=[iva21, irpf]),
            line("40", taxes=[iva21, re52]),
            line("10", taxes=[iva10]),
        ],
        client=client,
    )

    record = registro_from_row((await records(database, vf_account))[0])
    assert isinstance(record, RegistroAlta)
    shape = [
        (ln.clave_regimen and ln.clave_regimen.value, ln.rate, ln.base, ln.cuota, ln.surcharge_rate,
         ln.surcharge_cuota)
        for ln in record.lines
    ]  # fmt: skip
    assert shape == [
        ("01", Decimal("21.00"), Decimal("300.00"), Decimal("63.00"), None, None),
        ("18", Decimal("21.00"), Decimal("40.00"), Decimal("8.40"), Decimal("5.20"),
         Decimal("2.08")),
        ("01", Decimal("10.00"), Decimal("10.00"), Decimal("1.00"), None, None),
    ]  # fmt: skip
    assert record.cuota_total == Decimal("74.48")  # 63 + 8.40 + 2.08 + 1
    assert record.importe_total == Decimal("424.48")  # 350 of bases + 74.48
    # the invoice's total to pay withholds IRPF (−45): the record never does
    assert invoice.total_with_taxes == Decimal("379.48")


async def test_a_simplified_invoice_is_f2_without_recipient(
    database: Database, vf_account: Account
) -> None:
    series = await series_id(database, vf_account, "T", "simplified")
    await issued(database, vf_account, [line("10")], simplified=True, series=series)

    record = registro_from_row((await records(database, vf_account))[0])
    assert isinstance(record, RegistroAlta)
    assert record.invoice_type.value == "F2" and record.recipient is None


@pytest.mark.parametrize("cause", [None, "R4"])
async def test_a_rectificative_is_r1_to_r4_by_differences_naming_the_original(
    database: Database, vf_account: Account, cause: str | None
) -> None:
    original = await issued(
        database, vf_account, [line("100")], client=await client_id(database, vf_account)
    )
    correction = await rectified(database, vf_account, original, cause)

    rows = await records(database, vf_account)
    assert [r.invoice_id for r in rows] == [original.id, correction.id]
    record = registro_from_row(rows[1])
    assert isinstance(record, RegistroAlta)
    assert record.invoice_type.value == (cause or "R1")
    assert record.rectification_type is not None and record.rectification_type.value == "I"
    assert [(i.number, i.issue_date) for i in record.rectified] == [
        (original.full_number, original.date)
    ]
    assert (record.cuota_total, record.importe_total) == (Decimal("-21.00"), Decimal("-121.00"))
    assert record.previous == registro_from_row(rows[0]).link()


async def test_a_rectified_simplified_invoice_is_r5(
    database: Database, vf_account: Account
) -> None:
    series = await series_id(database, vf_account, "T", "simplified")
    original = await issued(database, vf_account, [line("10")], simplified=True, series=series)
    await rectified(database, vf_account, original)

    record = registro_from_row((await records(database, vf_account))[1])
    assert isinstance(record, RegistroAlta)
    assert record.invoice_type.value == "R5" and record.recipient is None


async def test_an_eu_recipient_goes_by_vat_number(database: Database, vf_account: Account) -> None:
    client = await client_id(database, vf_account, tax_id="FR40303265045", country="FR")
    await issued(database, vf_account, [line("100")], client=client)

    record = registro_from_row((await records(database, vf_account))[0])
    assert isinstance(record, RegistroAlta) and record.recipient is not None
    foreign = record.recipient.foreign_id
    assert foreign is not None
    assert (foreign.id_type.value, foreign.value, foreign.country) == ("02", "FR40303265045", "FR")


async def test_an_invoice_that_cannot_be_registered_is_not_issued(
    database: Database, vf_account: Account
) -> None:
    client = await client_id(database, vf_account, tax_id=None)
    with pytest.raises(ValidationFailed) as caught:
        await issued(database, vf_account, [line("100")], client=client)

    # refused at issue already: a complete invoice names the recipient's tax id
    assert [f.field for f in caught.value.fields] == ["client.tax_id"]
    assert await records(database, vf_account) == []
    again = await issued(
        database, vf_account, [line("100")], client=await client_id(database, vf_account)
    )
    assert again.number == 1  # the refused issue gave its number back


async def test_nothing_is_recorded_with_verifactu_off(database: Database, account: Account) -> None:
    await issued(database, account, [line("100")], client=await client_id(database, account))

    assert await records(database, account) == []


async def test_generation_times_never_go_backwards(
    database: Database, vf_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await client_id(database, vf_account)
    real = dt.datetime

    class FastClock(dt.datetime):
        """A server whose clock runs 30 seconds ahead of the next one's."""

        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return real.now(tz) + dt.timedelta(seconds=30)

    monkeypatch.setattr(registration, "datetime", FastClock)
    await issued(database, vf_account, [line("100")], client=client)
    monkeypatch.setattr(registration, "datetime", real)
    await issued(database, vf_account, [line("100")], client=client)

    first, second = await records(database, vf_account)
    assert second.generated_at == first.generated_at  # not 30 seconds before it
    assert second.generated_at_text == first.generated_at_text


async def test_records_refuse_update_and_delete(database: Database, vf_account: Account) -> None:
    await issued(database, vf_account, [line("100")], client=await client_id(database, vf_account))
    statements = [
        update(VerifactuRecord)
        .where(VerifactuRecord.account_id == vf_account.id)
        .values(invoice_number="X-1"),
        delete(VerifactuRecord).where(VerifactuRecord.account_id == vf_account.id),
    ]
    for statement in statements:
        async with database.sessions() as session:
            with pytest.raises(Exception, match="append-only"):
                async with session.begin():
                    await session.execute(statement)
    if database.dialect == "postgresql":
        async with database.sessions() as session:
            with pytest.raises(Exception, match="append-only"):
                async with session.begin():
                    await session.execute(text("TRUNCATE verifactu_records CASCADE"))
    assert len(await records(database, vf_account)) == 1


async def test_sandbox_records_are_test_mode(database: Database) -> None:
    async with database.sessions() as session:
        live = await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Sandbox S.L.",
            tax_id=new_tax_id(),
            plan="professional",
            verifactu=True,
        )
    async with database.sessions() as session:
        from sqlalchemy import select

        sandbox = await session.scalar(select(Account).where(Account.live_account_id == live.id))
        assert sandbox is not None
    await issued(database, sandbox, [line("100")], client=await client_id(database, sandbox))

    (row,) = await records(database, sandbox)
    assert row.test_mode is True
