"""A complete invoice names both parties in full before it gets a number (RD 1619/2012 art. 6);
a simplified one names its issuer, and its recipient is optional (art. 7)."""

from __future__ import annotations

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.services.account_settings import AccountSettings, update_account
from invoicegraph.services.accounts import create_account
from invoicegraph.services.catalog import SeriesInput, create_series
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices.loading import load_invoice
from tests.parties import CLIENT_ADDRESS
from tests.tax_ids import new_tax_id

from .conftest import Catalogue, load_catalogue
from .helpers import get, issue, new_draft


async def _client(database: Database, account: Account, **fields: str) -> int:
    async with database.sessions() as session:
        return (
            await create_client(
                session, account, ClientInput(name="Talleres García S.L.", **fields)
            )
        ).id


def _refused(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {f.field: f.code for f in exc.value.fields}


async def test_a_client_without_tax_id_nor_address_is_refused_naming_each_field(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    client = await _client(database, account)
    draft = await new_draft(database, account, catalogue, client=client)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, account, draft)

    assert _refused(refused) == {
        "client.tax_id": "required",
        "client.address": "required",
        "client.postal_code": "required",
        "client.city": "required",
    }
    assert (await get(database, account, draft)).status == "draft"  # nothing half-written


async def test_an_issuer_without_address_is_refused_naming_the_account_settings(
    database: Database,
) -> None:
    async with database.sessions() as session:
        bare = await create_account(session, name="Sin Dirección S.L.", tax_id=new_tax_id())
    catalogue = await load_catalogue(database, bare)
    draft = await new_draft(database, bare, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await issue(database, bare, draft)

    assert _refused(refused) == {
        "issuer.address": "required",
        "issuer.postal_code": "required",
        "issuer.city": "required",
    }
    message = next(f.message for f in refused.value.fields if f.field == "issuer.address")
    assert "account" in message

    async with database.sessions() as session:
        bare = await update_account(
            session,
            bare,
            AccountSettings(address="Gran Vía 1", postal_code="28013", city="Madrid"),
        )
    issued = await issue(database, bare, draft)
    assert issued.status == "issued" and issued.issuer_address == "Gran Vía 1"


async def test_a_foreign_recipient_needs_no_postal_code(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    client = await _client(
        database,
        account,
        tax_id="IE6388047V",
        country="IE",
        address="1 Grand Canal Quay",
        city="Dublin",
    )
    draft = await new_draft(database, account, catalogue, client=client)

    issued = await issue(database, account, draft)

    assert issued.status == "issued" and issued.recipient_postal_code is None


async def test_a_simplified_invoice_keeps_its_own_rules(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """No recipient at all, or a recipient named only by name: both are a simplified invoice."""
    async with database.sessions() as session:
        await create_series(session, account, SeriesInput(code="T", kind="simplified"))
    anonymous = await new_draft(database, account, catalogue, client=None, is_simplified=True)
    named = await new_draft(
        database,
        account,
        catalogue,
        client=await _client(database, account),
        is_simplified=True,
    )

    assert (await issue(database, account, anonymous)).status == "issued"
    assert (await issue(database, account, named)).status == "issued"


async def test_a_complete_client_is_issued_with_its_snapshot(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    client = await _client(database, account, tax_id="B27346063", **CLIENT_ADDRESS)
    draft = await new_draft(database, account, catalogue, client=client)

    issued = await issue(database, account, draft)

    async with database.sessions() as session, session.begin():
        stored = await load_invoice(session, account, issued.id)
        assert (stored.recipient_address, stored.recipient_postal_code) == (
            CLIENT_ADDRESS["address"],
            CLIENT_ADDRESS["postal_code"],
        )
