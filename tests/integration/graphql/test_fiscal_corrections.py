"""Corrections go as far as the law allows, on GraphQL."""

from __future__ import annotations

from .conftest import GQL

ORDER = (
    '[{description: "Filtro aceite REF-001", reference: "REF-001", quantity: "1", '
    'price: "15.99", vatRate: "21"}, {description: "Correa distribución REF-045", '
    'reference: "REF-045", quantity: "2", price: "89.50", vatRate: "21"}]'
)
RECTIFICATIVE = (
    "invoice { status fullNumber rectificationType totalBeforeTaxes totalWithTaxes "
    "lines { reference quantity price discount } rectifies { rectifiedStatus } } "
    "errors { field code }"
)


async def _issued_order(gql: GQL, key: str | None = None) -> str:
    client = await gql(
        'mutation { createClient(input: {name: "Talleres García S.L.", taxId: "B27346063", '
        'address: "Calle Mayor 1", postalCode: "28001", city: "Madrid"}) { client { id } } }',
        key=key,
    )
    created = await gql(
        "mutation($c: ID!) { createInvoice(input: {clientId: $c, lines: %s}) "
        "{ invoice { id } } }" % ORDER,
        {"c": client["data"]["createClient"]["client"]["id"]},
        key=key,
    )
    invoice = created["data"]["createInvoice"]["invoice"]["id"]
    issued = await gql(
        "mutation($id: ID!) { issueInvoice(id: $id) { invoice { id } errors { field } } }",
        {"id": invoice},
        key=key,
    )
    assert issued["data"]["issueInvoice"]["errors"] == []
    return str(invoice)


async def test_a_price_corrected_by_differences(gql: GQL) -> None:
    invoice = await _issued_order(gql)

    body = await gql(
        "mutation($id: ID!) { correctInvoice(id: $id, input: {issue: {}, corrections: "
        '[{reference: "REF-045", price: "80"}]}) { %s } }' % RECTIFICATIVE,
        {"id": invoice},
    )

    assert body["data"]["correctInvoice"] == {
        "invoice": {
            "status": "ISSUED",
            "fullNumber": "R1",
            "rectificationType": "DIFFERENCES",
            "totalBeforeTaxes": "-19.00",
            "totalWithTaxes": "-22.99",
            "lines": [
                {"reference": "REF-045", "quantity": "-2.00", "price": "89.50", "discount": "0.00"},
                {"reference": "REF-045", "quantity": "2.00", "price": "80.00", "discount": "0.00"},
            ],
            "rectifies": {"rectifiedStatus": "PARTIAL"},
        },
        "errors": [],
    }


async def test_a_substitution_and_its_rectification(gql: GQL) -> None:
    invoice = await _issued_order(gql)

    substitution = await gql(
        "mutation($id: ID!) { correctInvoice(id: $id, input: {rectificationType: SUBSTITUTION, issue: {}, "
        'corrections: [{reference: "REF-001", discount: "10"}]}) { %s } }' % RECTIFICATIVE,
        {"id": invoice},
    )
    replaced = substitution["data"]["correctInvoice"]["invoice"]
    assert (replaced["rectificationType"], replaced["totalBeforeTaxes"]) == (
        "SUBSTITUTION",
        "193.39",
    )
    assert replaced["rectifies"] == {"rectifiedStatus": "FULL"}

    again = await gql(
        "mutation($id: ID!) { correctInvoice(id: $id, input: {rectificationType: SUBSTITUTION, "
        'corrections: [{reference: "REF-001", discount: "20"}]}) { errors { field code } } }',
        {"id": invoice},
    )
    assert again["data"]["correctInvoice"]["errors"] == [
        {"field": "rectificationType", "code": "CONFLICT"}
    ]
    listed = await gql(
        "query($id: ID!) { invoice(id: $id) { rectifications { id } } }", {"id": invoice}
    )
    substitute = listed["data"]["invoice"]["rectifications"][0]["id"]
    undone = await gql(
        "mutation($id: ID!) { correctInvoice(id: $id, input: {issue: {}}) { %s } }" % RECTIFICATIVE,
        {"id": substitute},
    )
    assert undone["data"]["correctInvoice"]["invoice"]["totalBeforeTaxes"] == "-193.39"


async def test_bad_corrections_are_listed(gql: GQL) -> None:
    invoice = await _issued_order(gql)

    body = await gql(
        "mutation($id: ID!) { correctInvoice(id: $id, input: {corrections: "
        '[{reference: "REF-999", price: "1"}, {reference: "REF-045"}]}) '
        "{ invoice { id } errors { field code } } }",
        {"id": invoice},
    )

    assert body["data"]["correctInvoice"] == {
        "invoice": None,
        "errors": [
            {"field": "corrections.0.reference", "code": "NO_MATCH"},
            {"field": "corrections.1", "code": "UNCHANGED"},
        ],
    }
