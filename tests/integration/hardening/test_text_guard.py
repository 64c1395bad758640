"""The text rule at flush (``db/text_guard.py``): whatever path writes a row, a NUL or a lone
surrogate in any column that holds text is refused naming the column, and nothing is written.
The guard looks only at the columns that can hold text, so these are its cases."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Client, Invoice
from invoicegraph.db.text_guard import _text_columns
from invoicegraph.domain.errors import ValidationFailed


@pytest.mark.parametrize(
    ("column", "value"), [("name", "Cliente\x00 S.L."), ("notes", "nota \ud800 suelta")]
)
async def test_a_row_with_unstorable_text_is_refused_at_flush(
    database: Database, account: Account, column: str, value: str
) -> None:
    values = {"name": "Cliente S.L.", column: value}
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as refused:
            async with session.begin():
                session.add(Client(account_id=account.id, **values))
    assert [(f.field, f.code) for f in refused.value.fields] == [(column, "invalid_characters")]
    async with database.sessions() as session:
        found = await session.scalar(select(Client.id).where(Client.account_id == account.id))
    assert found is None


def test_the_guard_reads_text_and_json_columns_and_skips_the_others() -> None:
    checked = set(_text_columns(inspect(Invoice)))
    assert {"name", "recipient_name", "template_options", "intro_texts"} <= checked
    assert not checked & {"id", "account_id", "date", "total_with_taxes", "issued_at", "uuid"}
