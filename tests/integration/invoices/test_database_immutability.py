"""Issued invoices are immutable in the database too (issue 14 point 6: ``UPDATE invoices``
in SQL raised a registered invoice's total by 100 € and nothing noticed)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account

from .conftest import Catalogue
from .helpers import new_draft, new_issued


async def _execute(database: Database, sql: str, **params: object) -> None:
    async with database.sessions() as session, session.begin():
        await session.execute(text(sql), params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE invoices SET total_with_taxes = total_with_taxes + 100 WHERE id = :id AND account_id = :account",
        "UPDATE invoices SET recipient_tax_id = 'B00000000' WHERE id = :id AND account_id = :account",
        "UPDATE invoices SET date = '2020-01-15' WHERE id = :id AND account_id = :account",
        "UPDATE invoice_lines SET price = price + 1 WHERE invoice_id = :id AND account_id = :account",
        "UPDATE invoice_line_taxes SET total = total + 1 WHERE invoice_id = :id AND account_id = :account",
    ],
)
async def test_sql_cannot_change_the_fiscal_data_of_an_issued_invoice(
    database: Database, account: Account, catalogue: Catalogue, sql: str
) -> None:
    issued = await new_issued(database, account, catalogue)

    with pytest.raises(DBAPIError, match="issued invoices are immutable"):
        await _execute(database, sql, id=issued, account=account.id)


async def test_payment_notes_and_print_settings_stay_editable(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    issued = await new_issued(database, account, catalogue)
    draft = await new_draft(database, account, catalogue)

    await _execute(
        database,
        "UPDATE invoices SET payed_at = '2025-01-02', notes = 'paid by card', lang = 'en', "
        "external_reference = 'PO-1' WHERE id = :id AND account_id = :account",
        id=issued,
        account=account.id,
    )
    await _execute(
        database,
        "UPDATE invoices SET total_with_taxes = 1 WHERE id = :id AND account_id = :account",
        id=draft,
        account=account.id,
    )
    await _execute(
        database,
        "UPDATE invoice_lines SET price = 1 WHERE invoice_id = :id AND account_id = :account",
        id=draft,
        account=account.id,
    )
