"""Records built from real issued, rectified and annulled invoices are valid agency XML.

Validated offline against the agency's own SuministroLR.xsd (and the schemas it imports), as
the unit tests of the XML builders are: this checks what the services put *into* the records.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.verifactu.records import RegistroAlta
from invoicegraph.domain.verifactu.xml import (
    ObligadoEmision,
    submission_element,
    submission_request,
)
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.taxes import TaxInput, create_tax
from invoicegraph.services.verifactu.stored import registro_from_row

from ...unit.verifactu.conftest import Validate
from .helpers import client_id, issued, line, records, rectified, series_id, tax_id


async def test_records_of_real_invoices_validate_against_the_agency_schema(
    database: Database, vf_account: Account, validate: Validate
) -> None:
    iva21 = await tax_id(database, vf_account, "IVA (21%)")
    irpf = await tax_id(database, vf_account, "IRPF (-15%)")
    re14 = await tax_id(database, vf_account, "Recargo de equivalencia (1.4%)")
    iva10 = await tax_id(database, vf_account, "IVA (10%)")
    async with database.sessions() as session:
        exempt = await create_tax(
            session,
            vf_account,
            TaxInput(kind="vat", name="Exento art. 20", percentage=Decimal(0), exemption_code="E1"),
        )
    async with database.sessions() as session:
        not_subject = await create_tax(
            session,
            vf_account,
            TaxInput(kind="vat", name="No sujeto", percentage=Decimal(0), qualification="N1"),
        )
    spanish = await client_id(database, vf_account)
    french = await client_id(database, vf_account, tax_id="FR40303265045", country="FR")
    ordinary = await issued(
        database,
        vf_account,
        [
            line("1000", taxes=[iva21, irpf]),
            line("80", quantity="3", taxes=[iva10, re14]),
            line("250", taxes=[exempt.tax.id]),
            line("60", taxes=[not_subject.tax.id]),
        ],
        client=spanish,
    )
    foreign = await issued(database, vf_account, [line("99.99")], client=french)
    simplified = await issued(
        database,
        vf_account,
        [line("12.40", vat="10")],
        simplified=True,
        series=await series_id(database, vf_account, "T", "simplified"),
    )
    await rectified(database, vf_account, ordinary, "R2")
    await rectified(database, vf_account, simplified)
    async with database.sessions() as session:
        await annul_invoice(session, vf_account, foreign.id, "duplicated order")

    chain = [registro_from_row(row) for row in await records(database, vf_account)]
    assert [type(r).__name__ for r in chain] == ["RegistroAlta"] * 5 + ["RegistroAnulacion"]
    kinds = [r.invoice_type.value for r in chain if isinstance(r, RegistroAlta)]
    assert kinds == ["F1", "F1", "F2", "R2", "R5"]
    obligado = ObligadoEmision(name=vf_account.name, nif=vf_account.tax_id)

    validate(submission_element(obligado, chain), "SuministroLR.xsd")
    envelope = etree.fromstring(submission_request(obligado, chain))
    validate(envelope[1][0], "SuministroLR.xsd")  # the bytes that go on the wire
