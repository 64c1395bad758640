"""Fixtures for the export tests: the account's catalogue, and a small book of invoices that
mixes rates, IRPF, the equivalence surcharge, a payment, an annulment and rectificatives."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.invoices.annulling import annul_invoice
from invoicegraph.services.invoices.payments import mark_paid

from ..invoices.conftest import Catalogue, load_catalogue
from ..invoices.helpers import issue, line, new_issued, rectify, returned


@pytest.fixture
async def catalogue(database: Database, account: Account) -> Catalogue:
    return await load_catalogue(database, account)


@dataclass(frozen=True)
class Book:
    """Plain ids of the invoices the book holds."""

    ordinary: list[int]
    rectificatives: list[int]
    annulled: int
    original: int


async def make_book(database: Database, account: Account, catalogue: Catalogue) -> Book:
    c = catalogue
    mixed = [
        line(c, "Consultoría", "3", "1234.50", taxes=("IVA (21%)", "IRPF (-15%)")),
        line(c, "Libros", "2", "19.99", taxes=("IVA (4%)",)),
        line(c, "Hostelería", "1", "80.10", discount="5", taxes=("IVA (10%)",)),
        line(c, "Material", "7", "0.35", taxes=("IVA (21%)", "Recargo de equivalencia (5.2%)")),
        line(c, "Exportación", "1", "500", taxes=("IVA (0%)",)),
    ]
    ordinary = [await new_issued(database, account, c, mixed, external_reference="=ORDER-1")]
    ordinary.append(
        await new_issued(
            database,
            account,
            c,
            [line(c, "Formación", "1", "650", taxes=("IVA (21%)", "IRPF (-7%)"))],
        )
    )
    ordinary.append(await new_issued(database, account, c, [line(c, "Suelto", "1", "0.10")]))
    async with database.sessions() as session:
        await mark_paid(session, account, ordinary[1])
    annulled = await new_issued(database, account, c, [line(c, "Error", "1", "10")])
    async with database.sessions() as session:
        await annul_invoice(session, account, annulled, "emitida por error")
    partial = await rectify(
        database, account, ordinary[0], [returned("1", description="Consultoría")], cause="R1"
    )
    full = await rectify(database, account, ordinary[1], cause="R2")
    rectificatives = [
        (await issue(database, account, partial.id)).id,
        (await issue(database, account, full.id)).id,
    ]
    return Book(ordinary, rectificatives, annulled, ordinary[0])


@pytest.fixture
async def book(database: Database, account: Account, catalogue: Catalogue) -> Book:
    return await make_book(database, account, catalogue)


def today() -> dt.date:
    return dt.date.today()


def xlsx_rows(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    [sheet] = workbook.worksheets
    return [list(row) for row in sheet.iter_rows(values_only=True)]
