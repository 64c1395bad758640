"""A transfer method without an account of its own is paid into the issuer's IBAN (account
settings): the PDF's payment block and every e-invoice's payment means name it, and the
documents still pass their XSD and EN 16931 schematron."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from lxml import etree

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.pdf.einvoice.validate import validate_einvoice
from invoicegraph.pdf.view import build_view
from invoicegraph.services.account_settings import AccountSettings, update_account
from invoicegraph.services.catalog import PaymentMethodInput, create_payment_method
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.documents import invoice_einvoice, load_document
from invoicegraph.services.invoices import InvoiceData, create_draft, issue_invoice
from invoicegraph.services.invoices.loading import load_invoice
from invoicegraph.services.lines import LineData
from tests.parties import CLIENT_ADDRESS

ACCOUNT_IBAN = "ES7921000813610123456789"
# where each format names the payee's account
PAYEE_ACCOUNT = {
    "facturx": "//*[local-name()='PayeePartyCreditorFinancialAccount']/*[local-name()='IBANID']",
    "ubl": "//*[local-name()='PayeeFinancialAccount']/*[local-name()='ID']",
    "facturae": "//AccountToBeCredited/IBAN",
}
TRANSFER = PaymentMethodInput(name="Bank transfer", kind="bank_transfer")  # no IBAN of its own


@pytest.fixture
async def with_iban(database: Database, account: Account) -> Account:
    """The account as a request loads it after an admin set its IBAN."""
    async with database.sessions() as session:
        return await update_account(session, account, AccountSettings(iban=ACCOUNT_IBAN))


async def _issued(database: Database, account: Account, method: PaymentMethodInput) -> uuid.UUID:
    async with database.sessions() as session:
        created = await create_payment_method(session, account, method)
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(name="Talleres García S.L.", tax_id="B27346063", **CLIENT_ADDRESS),
        )
    line = LineData(
        description="Consulting", quantity=Decimal(1), price=Decimal(100), vat_rate=Decimal(21)
    )
    async with database.sessions() as session:
        draft = await create_draft(
            session, account, InvoiceData(client=client.id, payment_method=created.id, lines=[line])
        )
    async with database.sessions() as session:
        return (await issue_invoice(session, account, draft.id)).uuid


async def test_the_pdf_names_the_account_iban_for_a_transfer(
    database: Database, with_iban: Account
) -> None:
    account = with_iban
    ref = await _issued(database, account, TRANSFER)

    async with database.sessions() as session, session.begin():
        document = await load_document(session, account, await load_invoice(session, account, ref))

    assert document.payment_iban == ACCOUNT_IBAN
    assert ("IBAN", ACCOUNT_IBAN) in build_view(document).payment


@pytest.mark.parametrize("fmt", ["facturx", "ubl", "facturae"])
async def test_every_e_invoice_names_the_account_iban_and_still_validates(
    database: Database, with_iban: Account, fmt: str, facturae_schemas: None
) -> None:
    account = with_iban
    ref = await _issued(database, account, TRANSFER)

    async with database.sessions() as session:
        xml, _ = await invoice_einvoice(session, account, ref, fmt)

    assert etree.fromstring(xml).xpath(f"string({PAYEE_ACCOUNT[fmt]})") == ACCOUNT_IBAN
    for report in validate_einvoice(xml, fmt):  # type: ignore[arg-type]
        assert report.ok, (report.check, report.errors)


async def test_cash_never_names_the_account_iban(database: Database, with_iban: Account) -> None:
    account = with_iban
    ref = await _issued(database, account, PaymentMethodInput(name="Cash", kind="cash"))

    async with database.sessions() as session:
        xml, _ = await invoice_einvoice(session, account, ref, "ubl")
    async with database.sessions() as session, session.begin():
        document = await load_document(session, account, await load_invoice(session, account, ref))

    assert document.payment_iban is None
    assert ACCOUNT_IBAN.encode() not in xml
