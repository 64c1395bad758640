"""Every mutation succeeds on good input and explains bad input in its payload."""

from __future__ import annotations

from tests.parties import CLIENT_FIELDS_GRAPHQL

from .conftest import GQL


async def _client(gql: GQL) -> str:
    body = await gql(
        'mutation { createClient(input: {name: "Cli S.L.", %s}) { client { id } } }'
        % CLIENT_FIELDS_GRAPHQL
    )
    return str(body["data"]["createClient"]["client"]["id"])


async def _draft(
    gql: GQL,
    client: str,
    lines: str = '[{description: "Hora", quantity: "2", price: "45", vatRate: "21"}]',
) -> str:
    body = await gql(
        "mutation($c: ID!) { createInvoice(input: {clientId: $c, lines: %s}) { invoice { id } errors { field message } } }"
        % lines,
        {"c": client},
    )
    assert body["data"]["createInvoice"]["errors"] == []
    return str(body["data"]["createInvoice"]["invoice"]["id"])


async def test_update_and_delete_a_draft(gql: GQL) -> None:
    invoice = await _draft(gql, await _client(gql))
    updated = await gql(
        'mutation($id: ID!) { updateInvoice(id: $id, input: {notes: "nota", lines: []}) { invoice { notes totalWithTaxes lines { uuid } } errors { field } } }',
        {"id": invoice},
    )
    assert updated["data"]["updateInvoice"]["invoice"] == {
        "notes": "nota",
        "totalWithTaxes": "0.00",
        "lines": [],
    }
    deleted = await gql(
        "mutation($id: ID!) { deleteInvoice(id: $id) { deletedId errors { code } } }",
        {"id": invoice},
    )
    assert deleted["data"]["deleteInvoice"] == {"deletedId": invoice, "errors": []}
    assert (await gql("query($id: ID!) { invoice(id: $id) { id } }", {"id": invoice}))["data"][
        "invoice"
    ] is None


async def test_bad_lines_are_listed_field_by_field(gql: GQL) -> None:
    body = await gql(
        'mutation { createInvoice(input: {lines: [{description: "a", quantity: "x1", price: "1"}, {description: "", quantity: "1", price: "1.1234567"}]}) { invoice { id } errors { field code } } }',
        expect_errors=True,
    )
    # "x1" is not a Decimal: refused by the scalar before any resolver runs
    assert "Decimal" in body["errors"][0]["message"] and "x1" in body["errors"][0]["message"]
    body = await gql(
        'mutation { createInvoice(input: {lines: [{description: "a", quantity: "-2000000000", price: "1"}, {description: "", quantity: "1", price: "1.1234567"}]}) { invoice { id } errors { field code } } }'
    )
    errors = {(e["field"], e["code"]) for e in body["data"]["createInvoice"]["errors"]}
    assert errors == {
        ("lines.0.quantity", "OUT_OF_RANGE"),
        ("lines.1.description", "REQUIRED"),
        ("lines.1.price", "INVALID"),
    }


async def test_an_issued_invoice_refuses_fiscal_changes_but_takes_notes_and_payment(
    gql: GQL,
) -> None:
    invoice = await _draft(gql, await _client(gql))
    await gql("mutation($id: ID!) { issueInvoice(id: $id) { invoice { id } } }", {"id": invoice})
    refused = await gql(
        'mutation($id: ID!) { updateInvoice(id: $id, input: {currency: "USD", date: "2020-01-01"}) { invoice { id } errors { field code } } }',
        {"id": invoice},
    )
    assert refused["data"]["updateInvoice"]["invoice"] is None
    assert {e["field"] for e in refused["data"]["updateInvoice"]["errors"]} == {"currency", "date"}
    assert {e["code"] for e in refused["data"]["updateInvoice"]["errors"]} == {"CONFLICT"}
    ok = await gql(
        'mutation($id: ID!) { updateInvoice(id: $id, input: {notes: "pagado por banco", payedAt: "2024-01-02"}) { invoice { notes payedAt } errors { code } } }',
        {"id": invoice},
    )
    assert ok["data"]["updateInvoice"]["invoice"] == {
        "notes": "pagado por banco",
        "payedAt": "2024-01-02",
    }
    unpaid = await gql(
        "mutation($id: ID!) { unmarkInvoicePaid(id: $id) { invoice { isPaid } errors { code } } }",
        {"id": invoice},
    )
    assert unpaid["data"]["unmarkInvoicePaid"]["invoice"] == {"isPaid": False}


async def test_issue_twice_and_correct_a_draft_are_conflicts(gql: GQL) -> None:
    invoice = await _draft(gql, await _client(gql))
    draft_correct = await gql(
        "mutation($id: ID!) { correctInvoice(id: $id) { invoice { id } errors { code } } }",
        {"id": invoice},
    )
    assert draft_correct["data"]["correctInvoice"]["errors"] == [{"code": "CONFLICT"}]
    await gql("mutation($id: ID!) { issueInvoice(id: $id) { invoice { id } } }", {"id": invoice})
    again = await gql(
        "mutation($id: ID!) { issueInvoice(id: $id) { invoice { id } errors { code } } }",
        {"id": invoice},
    )
    assert again["data"]["issueInvoice"]["errors"] == [{"code": "CONFLICT"}]
    corrected = await gql(
        "mutation($id: ID!) { correctInvoice(id: $id, input: {cause: R4, issue: {}}) { invoice { status totalWithTaxes rectificationCause fullNumber } errors { code } } }",
        {"id": invoice},
    )
    assert corrected["data"]["correctInvoice"]["invoice"] == {
        "status": "ISSUED",
        "totalWithTaxes": "-108.90",
        "rectificationCause": "R4",
        "fullNumber": "R1",
    }
    unmatched = await gql(
        'mutation($id: ID!) { rectifyInvoice(id: $id, input: {items: [{description: "nope", quantity: "1"}]}) { errors { field code } } }',
        {"id": invoice},
    )
    assert unmatched["data"]["rectifyInvoice"]["errors"] == [
        {"field": "items.0.description", "code": "NO_MATCH"}
    ]


async def test_issue_with_a_date_before_the_series_last_is_refused(gql: GQL) -> None:
    client = await _client(gql)
    first = await _draft(gql, client)
    await gql(
        'mutation($id: ID!) { issueInvoice(id: $id, input: {date: "2026-01-10"}) { invoice { id } } }',
        {"id": first},
    )
    second = await _draft(gql, client)
    body = await gql(
        'mutation($id: ID!) { issueInvoice(id: $id, input: {date: "2026-01-09"}) { invoice { id } errors { field code } } }',
        {"id": second},
    )
    assert body["data"]["issueInvoice"]["errors"] == [
        {"field": "date", "code": "BEFORE_LAST_ISSUE"}
    ]


async def test_quotes_create_update_convert(gql: GQL) -> None:
    client = await _client(gql)
    created = await gql(
        'mutation($c: ID!) { createQuote(input: {clientId: $c, externalReference: "Q-1", lines: [{description: "Obra", quantity: "1", price: "100", vatRate: "10"}]}) { quote { id status totalWithTaxes } errors { field } } }',
        {"c": client},
    )
    quote = created["data"]["createQuote"]["quote"]
    assert quote["status"] == "DRAFT" and quote["totalWithTaxes"] == "110.00"
    early = await gql(
        "mutation($id: ID!) { convertQuoteToInvoice(id: $id) { invoice { id } errors { code } } }",
        {"id": quote["id"]},
    )
    assert early["data"]["convertQuoteToInvoice"]["errors"] == [{"code": "CONFLICT"}]
    bad = await gql(
        "mutation($id: ID!) { updateQuote(id: $id, input: {status: CONVERTED}) { errors { field code } } }",
        {"id": quote["id"]},
    )
    assert bad["data"]["updateQuote"]["errors"] == [{"field": "status", "code": "INVALID_CHOICE"}]
    won = await gql(
        "mutation($id: ID!) { updateQuote(id: $id, input: {status: WON}) { errors { code } } }",
        {"id": quote["id"]},
        expect_errors=True,
    )
    assert won["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await gql(
        "mutation($id: ID!) { updateQuote(id: $id, input: {status: ACCEPTED}) { quote { status } } }",
        {"id": quote["id"]},
    )
    converted = await gql(
        "mutation($id: ID!) { convertQuoteToInvoice(id: $id) { quote { status } invoice { status totalWithTaxes externalReference } errors { code } } }",
        {"id": quote["id"]},
    )
    assert converted["data"]["convertQuoteToInvoice"] == {
        "quote": {"status": "CONVERTED"},
        "invoice": {"status": "DRAFT", "totalWithTaxes": "110.00", "externalReference": "Q-1"},
        "errors": [],
    }
    listed = await gql('{ quotes(first: 5, filter: {externalReference: "Q-1"}) { totalCount } }')
    assert listed["data"]["quotes"]["totalCount"] == 1


async def test_products_taxes_series(gql: GQL) -> None:
    taxes = await gql("{ taxes(kind: VAT) { id name percentage version } }")
    vat = next(t for t in taxes["data"]["taxes"] if t["percentage"] == "21.00")
    product = await gql(
        'mutation($t: ID!) { createProduct(input: {name: "Filtro", sku: "REF-1", price: "15.99", taxIds: [$t]}) { product { id taxIds } errors { field } } }',
        {"t": vat["id"]},
    )
    product_id = product["data"]["createProduct"]["product"]["id"]
    updated = await gql(
        'mutation($id: ID!) { updateProduct(id: $id, input: {price: "16.50"}) { product { price } } }',
        {"id": product_id},
    )
    assert updated["data"]["updateProduct"]["product"]["price"] == "16.50"
    bad = await gql('mutation { createProduct(input: {name: "X"}) { errors { field code } } }')
    assert bad["data"]["createProduct"]["errors"] == [{"field": "price", "code": "REQUIRED"}]
    new_rate = await gql(
        'mutation($id: ID!) { updateTax(id: $id, input: {percentage: "22"}) { tax { percentage version } } }',
        {"id": vat["id"]},
    )
    assert new_rate["data"]["updateTax"]["tax"]["percentage"] == "22.00"
    assert new_rate["data"]["updateTax"]["tax"]["version"] != vat["version"]
    wrong_sign = await gql(
        'mutation { createTax(input: {kind: WITHHOLDING, name: "IRPF", percentage: "19"}) { errors { field } } }'
    )
    assert wrong_sign["data"]["createTax"]["errors"] == [{"field": "percentage"}]
    series = await gql(
        'mutation { createSeries(input: {code: "W", kind: ORDINARY, numberFormat: "{code}{year}-{number}"}) { series { id code } errors { field } } }'
    )
    assert series["data"]["createSeries"]["series"]["code"] == "W"
    dup = await gql(
        'mutation { createSeries(input: {code: "W", kind: ORDINARY}) { errors { field code } } }'
    )
    assert dup["data"]["createSeries"]["errors"] == [{"field": "code", "code": "DUPLICATE"}]
    renamed = await gql(
        'mutation($id: ID!) { updateSeries(id: $id, input: {name: "Web"}) { series { name } } }',
        {"id": series["data"]["createSeries"]["series"]["id"]},
    )
    assert renamed["data"]["updateSeries"]["series"]["name"] == "Web"


async def test_update_client_and_invalid_tax_id(gql: GQL) -> None:
    client = await _client(gql)
    ok = await gql(
        'mutation($id: ID!) { updateClient(id: $id, input: {email: "a@b.es", city: null}) { client { email city } } }',
        {"id": client},
    )
    assert ok["data"]["updateClient"]["client"] == {"email": "a@b.es", "city": None}
    bad = await gql(
        'mutation { createClient(input: {name: "X", taxId: "B12345675"}) { client { id } errors { field code } } }'
    )
    assert bad["data"]["createClient"] == {
        "client": None,
        "errors": [{"field": "taxId", "code": "INVALID"}],
    }


async def test_annul_an_issued_invoice(gql: GQL) -> None:
    invoice = await _draft(gql, await _client(gql))
    draft = await gql(
        "mutation($id: ID!) { annulInvoice(id: $id) { invoice { id } errors { code } } }",
        {"id": invoice},
    )
    assert draft["data"]["annulInvoice"]["errors"] == [{"code": "CONFLICT"}]
    await gql("mutation($id: ID!) { issueInvoice(id: $id) { invoice { id } } }", {"id": invoice})
    annulled = await gql(
        'mutation($id: ID!) { annulInvoice(id: $id, reason: "emitida por error") { invoice { status annulmentReason annulledAt } errors { code } } }',
        {"id": invoice},
    )
    result = annulled["data"]["annulInvoice"]["invoice"]
    assert result["status"] == "ANNULLED" and result["annulmentReason"] == "emitida por error"
    assert result["annulledAt"] is not None


async def test_issued_payload_shows_the_lines_issuing_did_not_load(gql: GQL) -> None:
    """issueInvoice reads the draft without its lines; a payload asking for them still
    gets them, with their taxes and the breakdown."""
    lines = (
        '[{description: "Hora", quantity: "2", price: "45", vatRate: "21"},'
        ' {description: "Libro", quantity: "1", price: "20", vatRate: "4"}]'
    )
    invoice = await _draft(gql, await _client(gql), lines)
    body = await gql(
        "mutation($id: ID!) { issueInvoice(id: $id) { invoice { status number"
        " lines { description totalBeforeTaxes taxes { percentage total } }"
        " taxBreakdown { percentage base amount } } errors { code } } }",
        {"id": invoice},
    )
    issued = body["data"]["issueInvoice"]
    assert issued["errors"] == []
    assert issued["invoice"]["status"] == "ISSUED" and issued["invoice"]["number"] == 1
    assert issued["invoice"]["lines"] == [
        {
            "description": "Hora",
            "totalBeforeTaxes": "90.00",
            "taxes": [{"percentage": "21.00", "total": "18.90"}],
        },
        {
            "description": "Libro",
            "totalBeforeTaxes": "20.00",
            "taxes": [{"percentage": "4.00", "total": "0.80"}],
        },
    ]
    assert sorted(issued["invoice"]["taxBreakdown"], key=lambda r: r["base"]) == [
        {"percentage": "4.00", "base": "20.00", "amount": "0.80"},
        {"percentage": "21.00", "base": "90.00", "amount": "18.90"},
    ]


async def test_a_draft_without_lines_is_not_issued(gql: GQL) -> None:
    invoice = await _draft(gql, await _client(gql), "[]")
    body = await gql(
        "mutation($id: ID!) { issueInvoice(id: $id) { invoice { id } errors { field code } } }",
        {"id": invoice},
    )
    assert body["data"]["issueInvoice"]["invoice"] is None
    assert body["data"]["issueInvoice"]["errors"] == [{"field": "lines", "code": "REQUIRED"}]
