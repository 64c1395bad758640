"""The records of corrections: by differences with corrected lines, by substitution (``S``
with ``ImporteRectificacion``) and a rectificative rectified; all valid agency XML, all kept
through the stored row and verified against their invoices."""

from __future__ import annotations

from decimal import Decimal

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice
from invoicegraph.domain.rectification import LineCorrection
from invoicegraph.domain.verifactu.records import RectifiedAmounts, RegistroAlta
from invoicegraph.domain.verifactu.xml import ObligadoEmision, submission_element
from invoicegraph.services.invoices import (
    IssueOptions,
    RectifyOptions,
    get_invoice,
    rectify_invoice,
)
from invoicegraph.services.verifactu.stored import registro_from_row
from invoicegraph.services.verifactu.verify import verify_account_chain

from ...unit.verifactu.conftest import Validate
from .helpers import client_id, issued, line, records, rectified


async def _rectify(database: Database, account: Account, invoice_id: int, **options: object) -> int:
    async with database.sessions() as session:
        done = await rectify_invoice(
            session,
            account,
            invoice_id,
            RectifyOptions(issue=IssueOptions(), **options),  # type: ignore[arg-type]
        )
        return done.id


async def test_corrections_register_as_the_law_reads(
    database: Database, vf_account: Account, validate: Validate
) -> None:
    client = await client_id(database, vf_account)
    original = await issued(
        database, vf_account, [line("100"), line("40", vat="10")], client=client
    )
    other = await issued(database, vf_account, [line("50")], client=client)
    by_price = await _rectify(
        database,
        vf_account,
        original.id,
        corrections=[LineCorrection(description="Servicio de reparación", price=Decimal("90"))],
    )
    substitution = await _rectify(
        database,
        vf_account,
        other.id,
        kind="S",
        corrections=[LineCorrection(description="Servicio de reparación", quantity=Decimal("2"))],
    )
    undone = await rectified(database, vf_account, await _invoice(database, vf_account, by_price))

    chain = [registro_from_row(row) for row in await records(database, vf_account)]
    altas = [r for r in chain if isinstance(r, RegistroAlta)]
    assert [r.invoice_type.value for r in altas] == ["F1", "F1", "R1", "R1", "R1"]
    differences, replaced, rectified_rectificative = altas[2:]
    assert differences.rectification_type is not None
    assert differences.rectification_type.value == "I"
    # -100 + 90 at 21 %: the difference, the 10 % line untouched
    assert (differences.cuota_total, differences.importe_total) == (
        Decimal("-2.10"),
        Decimal("-12.10"),
    )
    assert replaced.rectification_type is not None and replaced.rectification_type.value == "S"
    assert replaced.rectified_amounts == RectifiedAmounts(
        base=Decimal("50.00"), cuota=Decimal("10.50")
    )
    assert (replaced.cuota_total, replaced.importe_total) == (Decimal("21.00"), Decimal("121.00"))
    assert [i.number for i in replaced.rectified] == [other.full_number]
    assert [i.number for i in rectified_rectificative.rectified] == [differences.number]
    assert rectified_rectificative.importe_total == Decimal("12.10")
    assert undone.rectifies_invoice_id == by_price
    assert altas[3].number == (await _invoice(database, vf_account, substitution)).full_number

    obligado = ObligadoEmision(name=vf_account.name, nif=vf_account.tax_id)
    validate(submission_element(obligado, chain), "SuministroLR.xsd")
    async with database.sessions() as session, session.begin():
        assert await verify_account_chain(session, vf_account) is None


async def _invoice(database: Database, account: Account, invoice_id: int) -> Invoice:
    async with database.sessions() as session:
        return await get_invoice(session, account, invoice_id)
