"""Dates and amounts the agency and the database accept (issue 14 points 4 and 5)."""

from __future__ import annotations

import datetime as dt

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.services.accounts import create_account
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.settings import get_settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from .conftest import Catalogue, load_catalogue
from .helpers import fields_of, issue, line, new_draft


async def test_a_total_beyond_twelve_integer_digits_is_refused_at_the_draft(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """Each line fits, their sum does not: this was a 500 at issue."""
    big = line(catalogue, "Obra", "100", "9000000000")

    with pytest.raises(ValidationFailed) as refused:
        await new_draft(database, account, catalogue, [big, big])

    assert fields_of(refused.value) == ["lines"]
    assert "12 integer digits" in refused.value.fields[0].message
    assert "total with taxes" in refused.value.fields[0].message
    one = await new_draft(
        database, account, catalogue, [line(catalogue, "Obra", "100", "8000000000")]
    )
    assert one > 0  # 968 000 000 000 with IVA still fits


async def test_an_issue_date_in_the_future_is_refused(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft = await new_draft(database, account, catalogue)
    tomorrow = account_today(account) + dt.timedelta(days=1)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, draft, date=tomorrow)

    assert fields_of(refused.value) == ["date"]
    assert "future" in refused.value.fields[0].message
    assert (await issue(database, account, draft, date=account_today(account))).number == 1


async def test_with_verifactu_an_issue_date_before_2024_10_28_is_refused(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIFACTU_PRODUCER_NAME", "Productor S.L.")
    monkeypatch.setenv("VERIFACTU_PRODUCER_NIF", "A58818501")
    get_settings.cache_clear()
    async with database.sessions() as session:
        account = await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Registro S.L.",
            tax_id=new_tax_id(),
            plan="professional",
            verifactu=True,
        )
    catalogue = await load_catalogue(database, account)
    draft = await new_draft(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, draft, date=dt.date(2020, 1, 15))

    assert fields_of(refused.value) == ["date"]
    assert "2024-10-28" in refused.value.fields[0].message
    issued = await issue(database, account, draft, date=dt.date(2024, 10, 28))
    assert issued.full_number is not None
    get_settings.cache_clear()
