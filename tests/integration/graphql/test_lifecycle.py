"""The whole lifecycle through GraphQL alone: find-or-create client → draft → issue →
partial rectify → issue the rectificative → mark paid."""

from __future__ import annotations

from tests.parties import CLIENT_ADDRESS_GRAPHQL

from .conftest import GQL

INVOICE_FIELDS = """
  id uuid legacyId status kind number fullNumber totalBeforeTaxes totalTaxes totalWithTaxes
  rectifiedStatus payedAt isPaid
  lines { description quantity price subtotal totalWithTaxes taxes { name percentage total } }
  taxBreakdown { kind percentage base amount }
  client { name taxId }
  series { code }
"""


async def test_full_lifecycle_through_graphql(gql: GQL) -> None:
    client = await gql(
        """mutation($input: ClientInput!) { findOrCreateClient(input: $input) {
             created client { id name } errors { field message code } } }""",
        {"input": {"taxId": "B12345674", "name": "Talleres García S.L.", **CLIENT_ADDRESS_GRAPHQL}},
    )
    payload = client["data"]["findOrCreateClient"]
    assert payload["errors"] == [] and payload["created"] is True
    again = await gql(
        """mutation($input: ClientInput!) { findOrCreateClient(input: $input) { created client { id } } }""",
        {"input": {"taxId": "B12345674", "name": "Other name"}},
    )
    assert again["data"]["findOrCreateClient"] == {
        "created": False,
        "client": {"id": payload["client"]["id"]},
    }

    draft = await gql(
        f"""mutation($input: InvoiceInput!) {{ createInvoice(input: $input) {{
             invoice {{ {INVOICE_FIELDS} }} errors {{ field message code }} }} }}""",
        {
            "input": {
                "clientId": payload["client"]["id"],
                "externalReference": "ORDER-2847",
                "lines": [
                    {
                        "description": "Filtro aceite REF-001",
                        "reference": "REF-001",
                        "quantity": "1",
                        "price": "15.99",
                        "vatRate": "21",
                    },
                    {
                        "description": "Correa distribución REF-045",
                        "reference": "REF-045",
                        "quantity": "2",
                        "price": "89.50",
                        "vatRate": "21",
                    },
                ],
            }
        },
    )
    invoice = draft["data"]["createInvoice"]["invoice"]
    assert draft["data"]["createInvoice"]["errors"] == []
    assert invoice["status"] == "DRAFT" and invoice["kind"] == "PROFORMA"
    assert invoice["totalBeforeTaxes"] == "194.99"
    assert invoice["totalTaxes"] == "40.95"
    assert invoice["totalWithTaxes"] == "235.94"

    issued = await gql(
        f"""mutation($id: ID!) {{ issueInvoice(id: $id) {{ invoice {{ {INVOICE_FIELDS} }} errors {{ field message }} }} }}""",
        {"id": invoice["id"]},
    )
    issued_invoice = issued["data"]["issueInvoice"]["invoice"]
    assert issued_invoice["status"] == "ISSUED" and issued_invoice["number"] == 1
    assert issued_invoice["fullNumber"] == "F1" and issued_invoice["series"] == {"code": "F"}

    rectified = await gql(
        f"""mutation($id: ID!, $input: PartialRectifyInput!) {{ rectifyInvoice(id: $id, input: $input) {{
             invoice {{ {INVOICE_FIELDS} }} errors {{ field message code }} }} }}""",
        {
            "id": invoice["id"],
            "input": {
                "items": [{"reference": "REF-045", "quantity": "1"}],
                "cause": "R1",
                "reason": "Devolución",
            },
        },
    )
    rectificative = rectified["data"]["rectifyInvoice"]["invoice"]
    assert rectified["data"]["rectifyInvoice"]["errors"] == []
    assert rectificative["status"] == "DRAFT"
    assert rectificative["totalWithTaxes"] == "-108.30"
    assert rectificative["lines"][0]["quantity"] == "-1.00"

    issued_rect = await gql(
        """mutation($id: ID!) { issueInvoice(id: $id) { invoice { status fullNumber kind rectifies { uuid rectifiedStatus } } errors { message } } }""",
        {"id": rectificative["id"]},
    )
    result = issued_rect["data"]["issueInvoice"]["invoice"]
    assert (
        result["status"] == "ISSUED"
        and result["fullNumber"] == "R1"
        and result["kind"] == "RECTIFICATIVE"
    )
    assert result["rectifies"] == {"uuid": invoice["uuid"], "rectifiedStatus": "PARTIAL"}

    paid = await gql(
        """mutation($id: ID!) { markInvoicePaid(id: $id) { invoice { isPaid payedAt } errors { message } } }""",
        {"id": invoice["id"]},
    )
    assert paid["data"]["markInvoicePaid"]["invoice"]["isPaid"] is True

    listed = await gql(
        """{ invoices(first: 10, filter: {externalReference: "ORDER-2847"}) {
             totalCount edges { node { fullNumber totalWithTaxes } } } }"""
    )
    numbers = {
        e["node"]["fullNumber"]: e["node"]["totalWithTaxes"]
        for e in listed["data"]["invoices"]["edges"]
    }
    assert numbers == {"F1": "235.94", "R1": "-108.30"}
    assert listed["data"]["invoices"]["totalCount"] == 2
