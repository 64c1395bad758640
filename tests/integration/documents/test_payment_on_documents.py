"""The printable document knows how the invoice is paid: the method's kind (so its name can be
printed in the invoice's language) and, for a transfer, the account to pay into."""

from __future__ import annotations

import uuid
from decimal import Decimal

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.pdf.view import build_view
from invoicegraph.services.catalog import PaymentMethodInput, create_payment_method
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.documents import load_document
from invoicegraph.services.invoices import InvoiceData, create_draft, issue_invoice
from invoicegraph.services.invoices.loading import load_invoice
from invoicegraph.services.lines import LineData

IBAN = "ES9121000418450200051332"


async def _issued_with(
    database: Database, account: Account, method: PaymentMethodInput
) -> uuid.UUID:
    async with database.sessions() as session:
        created = await create_payment_method(session, account, method)
    async with database.sessions() as session:
        client = await create_client(
            session,
            account,
            ClientInput(
                name="Talleres García S.L.",
                tax_id="B27346063",
                address="Calle Mayor 1",
                city="Madrid",
                postal_code="28001",
            ),
        )
    line = LineData(description="Consulting", quantity=Decimal(1), price=Decimal(100))
    async with database.sessions() as session:
        draft = await create_draft(
            session,
            account,
            InvoiceData(client=client.id, payment_method=created.id, lines=[line]),
        )
    async with database.sessions() as session:
        return (await issue_invoice(session, account, draft.id)).uuid


async def test_a_transfer_prints_its_kind_translated_and_its_iban(
    database: Database, account: Account
) -> None:
    method = PaymentMethodInput(name="Bank transfer", kind="bank_transfer", iban=IBAN)
    ref = await _issued_with(database, account, method)

    async with database.sessions() as session:
        invoice = await load_invoice(session, account, ref)
        document = await load_document(session, account, invoice)

    assert (document.payment_kind, document.payment_iban) == ("bank_transfer", IBAN)
    assert build_view(document).payment == (
        ("Forma de pago", "Transferencia bancaria"),
        ("IBAN", IBAN),
    )


async def test_cash_carries_no_iban(database: Database, account: Account) -> None:
    ref = await _issued_with(database, account, PaymentMethodInput(name="Cash", kind="cash"))

    async with database.sessions() as session:
        invoice = await load_invoice(session, account, ref)
        document = await load_document(session, account, invoice)

    assert (document.payment_kind, document.payment_iban) == ("cash", None)
    assert build_view(document).payment == (("Forma de pago", "Efectivo"),)
