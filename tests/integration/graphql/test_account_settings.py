"""The issuer's settings on GraphQL: ``account`` reads them, ``updateAccount`` (admin keys,
live mode) changes them; issued invoices keep the issuer data they were issued with (issue 14
point 1: nothing could set the issuer's address)."""

from __future__ import annotations

from decimal import Decimal

import httpx

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import get_account
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceData, create_draft, get_invoice, issue_invoice
from invoicegraph.services.lines import LineData
from tests.parties import CLIENT_ADDRESS, CLIENT_TAX_ID

from .conftest import GQL, make_key

UPDATE = """mutation($input: AccountSettingsInput!) {
  updateAccount(input: $input) {
    account { name tradeName taxId address postalCode city province country email phone iban
              defaultLang defaultDateFormat defaultMoneyFormat brandColor timezone
              verifactuEnabled }
    errors { field code message }
  }
}"""

SETTINGS = {
    "name": "Talleres Pérez S.L.",
    "tradeName": "Taller Pérez",
    "address": "Calle Mayor 7",
    "postalCode": "28013",
    "city": "Madrid",
    "province": "Madrid",
    "email": "facturas@perez.example",
    "phone": "+34 910 000 000",
    "iban": "ES91 2100 0418 4502 0005 1332",
    "defaultLang": "en",
    "defaultDateFormat": "yyyy-mm-dd",
    "brandColor": "#112233",
    "timezone": "Atlantic/Canary",
}


async def test_an_admin_key_sets_the_issuers_data_and_the_account_query_shows_it(
    database: Database, account: Account, gql: GQL
) -> None:
    admin = await make_key(database, account, "admin")

    body = await gql(UPDATE, {"input": SETTINGS}, key=admin)

    payload = body["data"]["updateAccount"]
    assert payload["errors"] == []
    shown = payload["account"]
    assert shown["address"] == "Calle Mayor 7" and shown["tradeName"] == "Taller Pérez"
    assert shown["iban"] == "ES9121000418450200051332" and shown["defaultLang"] == "en"
    assert shown["timezone"] == "Atlantic/Canary" and shown["taxId"] == account.tax_id
    read = await gql("{ account { address postalCode city defaultDateFormat } }", key=admin)
    assert read["data"]["account"] == {
        "address": "Calle Mayor 7",
        "postalCode": "28013",
        "city": "Madrid",
        "defaultDateFormat": "yyyy-mm-dd",
    }
    # the sandbox twin shares the identity
    test_key = await make_key(database, account, "read", mode="test")
    sandbox = await gql("{ account { isSandbox address } }", key=test_key)
    assert sandbox["data"]["account"] == {"isSandbox": True, "address": "Calle Mayor 7"}


async def test_every_bad_setting_is_named_at_once(
    database: Database, account: Account, gql: GQL
) -> None:
    admin = await make_key(database, account, "admin")
    bad = {
        "name": " ",
        "taxId": "B12345675",
        "iban": "ES00 0000",
        "brandColor": "red",
        "timezone": "Mars/Olympus",
        "defaultLang": "xx",
    }

    payload = (await gql(UPDATE, {"input": bad}, key=admin))["data"]["updateAccount"]

    assert payload["account"] is None
    fields = {e["field"] for e in payload["errors"]}
    assert fields == {"name", "taxId", "iban", "brandColor", "timezone", "defaultLang"}, payload


async def test_a_time_zone_that_is_not_a_zone_file_is_named(
    database: Database, account: Account, gql: GQL
) -> None:
    """Found by the text walker: a time zone was checked by opening the file of that name, so
    an over-long one (or a directory such as "Europe") was an internal error."""
    admin = await make_key(database, account, "admin")

    for bad in ("x" * 10_001, "Europe", "../../etc/passwd", "Europe/"):
        body = await gql(UPDATE, {"input": {"timezone": bad}}, key=admin)

        payload = body["data"]["updateAccount"]
        assert [e["field"] for e in payload["errors"]] == ["timezone"], (bad[:20], payload)
    kept = await gql("{ account { timezone } }", key=admin)
    assert kept["data"]["account"]["timezone"] == account.timezone


async def test_explicit_nulls_are_named_not_internal_errors(
    database: Database, account: Account, gql: GQL
) -> None:
    """Found by schemathesis on GraphQL: ``timezone: null`` was an internal error, and
    ``verifactuEnabled: null`` silently turned VERI*FACTU off."""
    admin = await make_key(database, account, "admin")
    nulls = {
        "timezone": None,
        "verifactuEnabled": None,
        "defaultDateFormat": None,
        "defaultLang": None,
        "country": None,
        "defaultCurrency": None,
        "name": None,
    }

    body = await gql(UPDATE, {"input": nulls}, key=admin)

    assert "errors" not in body, body
    payload = body["data"]["updateAccount"]
    assert payload["account"] is None
    fields = {e["field"] for e in payload["errors"]}
    assert fields == {
        "timezone",
        "verifactuEnabled",
        "defaultDateFormat",
        "defaultLang",
        "country",
        "defaultCurrency",
        "name",
    }, payload
    kept = await gql("{ account { timezone verifactuEnabled } }", key=admin)
    assert kept["data"]["account"]["timezone"] is not None


async def test_a_write_key_cannot_change_the_settings(http: httpx.AsyncClient, gql: GQL) -> None:
    body = await gql(UPDATE, {"input": {"address": "X"}}, expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_tax_id_of_another_live_account_is_a_conflict(
    database: Database, account: Account, other_account: Account, gql: GQL
) -> None:
    admin = await make_key(database, account, "admin")

    payload = (await gql(UPDATE, {"input": {"taxId": other_account.tax_id}}, key=admin))["data"][
        "updateAccount"
    ]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("taxId", "CONFLICT")]


async def test_an_issued_invoice_keeps_the_issuer_data_it_was_issued_with(
    database: Database, account: Account, gql: GQL
) -> None:
    admin = await make_key(database, account, "admin")
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(**CLIENT_ADDRESS, name="Cliente S.L.", tax_id=CLIENT_TAX_ID),
        )
        draft = await create_draft(
            session,
            account,
            InvoiceData(
                client=client.id,
                lines=[LineData(description="Hora", quantity=Decimal(1), price=Decimal(50))],
            ),
        )
    # settings changed after the draft was made reach the invoice when it is issued
    await gql(UPDATE, {"input": {"address": "Calle Nueva 2", "city": "Lugo"}}, key=admin)
    async with database.sessions() as session:
        issuer = await get_account(session, account.uuid)
        issued = await issue_invoice(session, issuer, draft.id)
    assert (issued.issuer_address, issued.issuer_city) == ("Calle Nueva 2", "Lugo")

    await gql(UPDATE, {"input": {"address": "Calle Otra 3", "city": "Vigo"}}, key=admin)

    async with database.sessions() as session:
        kept = await get_invoice(session, account, issued.id)
    assert (kept.issuer_address, kept.issuer_city) == ("Calle Nueva 2", "Lugo")


async def test_v1_info_shows_the_owner_as_set(
    database: Database, account: Account, gql: GQL, http: httpx.AsyncClient
) -> None:
    admin = await make_key(database, account, "admin")
    await gql(UPDATE, {"input": SETTINGS}, key=admin)

    info = await http.get("/v1/info", headers={"Authorization": f"Bearer {admin}"})

    owner = info.json()["data"]["app"]["owner"]
    assert (owner["name"], owner["vat"], owner["address"], owner["zip"], owner["population"]) == (
        "Talleres Pérez S.L.",
        account.tax_id,
        "Calle Mayor 7",
        "28013",
        "Madrid",
    )
