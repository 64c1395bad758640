"""VERI*FACTU through the faces: an account with it on issues, rectifies and annuls through
GraphQL, /api and /v1; every answer shows the e_invoicing block with the QR link, and the
resulting chain verifies."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.verifactu.verify import verify_account_chain
from invoicegraph.settings import Settings
from tests.parties import CLIENT_FIELDS_GRAPHQL

LINES = [{"description": "Revisión", "quantity": "1", "price": "100", "vatRate": "21"}]


async def _client(database: Database, account: Account, mode: str = "live") -> httpx.AsyncClient:
    async with database.sessions() as session:
        key = (await create_key(session, account, access="write", mode=mode)).text
    app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        headers={"Authorization": f"Bearer {key}"},
    )


async def _gql(http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = (await http.post("/graphql", json={"query": query, "variables": variables or {}})).json()
    assert "errors" not in body, body
    return body["data"]


def _qr(link: str) -> dict[str, str]:
    parts = urlsplit(link)
    return {"host": parts.netloc, **dict(parse_qsl(parts.query))}


async def test_issue_rectify_and_annul_through_every_face(
    database: Database, vf_account: Account
) -> None:
    async with await _client(database, vf_account) as http:
        client = await _gql(
            http,
            'mutation { createClient(input: {name: "Cliente S.L.", %s}) { client { id legacyId uuid } } }'
            % CLIENT_FIELDS_GRAPHQL,
        )
        client_id = client["createClient"]["client"]["id"]

        # GraphQL: issue, then a partial rectification issued at once
        draft = await _gql(
            http,
            "mutation($c: ID!, $l: [LineInput!]) { createInvoice(input: {clientId: $c, lines: $l}) { invoice { id } } }",
            {"c": client_id, "l": LINES},
        )
        invoice_id = draft["createInvoice"]["invoice"]["id"]
        issued = await _gql(
            http,
            "mutation($id: ID!) { issueInvoice(id: $id) { invoice { fullNumber eInvoicing { system country processed onError externalLink } } errors { message } } }",
            {"id": invoice_id},
        )
        block = issued["issueInvoice"]["invoice"]["eInvoicing"]
        assert block["system"] == "VERIFACTU" and block["country"] == "ES"
        assert block["processed"] is False and block["onError"] is False
        qr = _qr(block["externalLink"])
        assert qr["host"] == "www2.agenciatributaria.gob.es"  # live key: production host
        assert (
            qr["nif"] == vf_account.tax_id
            and qr["numserie"] == issued["issueInvoice"]["invoice"]["fullNumber"]
        )
        assert qr["importe"] == "121.00"
        rectified = await _gql(
            http,
            'mutation($id: ID!) { rectifyInvoice(id: $id, input: {items: [{description: "Revisión", quantity: "1"}], cause: R1, issue: {}}) { invoice { fullNumber eInvoicing { externalLink } } errors { message } } }',
            {"id": invoice_id},
        )
        assert (
            _qr(rectified["rectifyInvoice"]["invoice"]["eInvoicing"]["externalLink"])["importe"]
            == "-121.00"
        )

        # /api: create, issue, read the block, void
        created = await http.post(
            "/api/invoices",
            json={
                "client_id": client["createClient"]["client"]["uuid"],
                "items": [
                    {"description": "Aceite", "quantity": 2, "unit_price": 15.99, "vat_rate": 21}
                ],
            },
        )
        assert created.status_code == 201, created.text
        api_id = created.json()["id"]
        assert (await http.post(f"/api/invoices/{api_id}/issue")).status_code == 200
        shown = (await http.get(f"/api/invoices/{api_id}")).json()
        assert shown["e_invoicing"]["system"] == "VERIFACTU"
        assert _qr(shown["e_invoicing"]["external_link"])["importe"] == "38.70"
        voided = await http.post(
            f"/api/invoices/{api_id}/void", json={"reason": "emitida por error"}
        )
        assert voided.status_code == 200 and voided.json()["status"] == "annulled"

        # /v1: a proforma issued as a new invoice answers the e_invoicing block
        info = (await http.get("/v1/series")).json()["data"]
        ordinary = next(s for s in info if s["name"] == "F")
        v1_draft = await http.post(
            "/v1/invoices",
            json={
                "name": "Proforma",
                "contact_id": client["createClient"]["client"]["legacyId"],
                "due_date_id": (await http.get("/v1/due-dates")).json()["data"][0]["id"],
                "payment_method_id": (await http.get("/v1/payment-methods")).json()["data"][0][
                    "id"
                ],
                "lang": "es",
                "currency": "EUR",
                "date_format": "dd/mm/yyyy",
                "money_format": "symbol_after,point,comma",
                "lines": [
                    {
                        "quantity": 1,
                        "description": "Servicio",
                        "price": 50,
                        "discount": 0,
                        "taxes": [
                            t["id"]
                            for t in (await http.get("/v1/taxes")).json()["data"]
                            if t["name"] == "IVA (21%)"
                        ],
                    }
                ],
            },
        )
        assert v1_draft.status_code == 201, v1_draft.text
        from invoicegraph.services.invoices.loading import account_today

        v1_issue = await http.post(
            f"/v1/invoices/{v1_draft.json()['data']['id']}/issue",
            json={"date": account_today(vf_account).isoformat(), "serie_id": ordinary["id"]},
        )
        assert v1_issue.status_code == 201, v1_issue.text
        v1_block = v1_issue.json()["data"]["e_invoicing"]
        assert (
            v1_block["system"] == "VERIFACTU"
            and _qr(v1_block["external_link"])["importe"] == "60.50"
        )

    async with database.sessions() as session:
        assert await verify_account_chain(session, vf_account) is None


async def test_a_test_key_gets_the_agencys_test_host(
    database: Database, vf_account: Account
) -> None:
    async with await _client(database, vf_account, mode="test") as http:
        created = await _gql(
            http,
            'mutation($l: [LineInput!]) { createClient(input: {name: "C", %s}) { client { id } } createInvoice(input: {lines: $l}) { invoice { id } } }'
            % CLIENT_FIELDS_GRAPHQL,
            {"l": LINES},
        )
        await _gql(
            http,
            "mutation($id: ID!, $c: ID!) { updateInvoice(id: $id, input: {clientId: $c}) { errors { message } } }",
            {
                "id": created["createInvoice"]["invoice"]["id"],
                "c": created["createClient"]["client"]["id"],
            },
        )
        issued = await _gql(
            http,
            "mutation($id: ID!) { issueInvoice(id: $id) { invoice { eInvoicing { externalLink } } errors { message } } }",
            {"id": created["createInvoice"]["invoice"]["id"]},
        )
    assert (
        _qr(issued["issueInvoice"]["invoice"]["eInvoicing"]["externalLink"])["host"]
        == "prewww2.aeat.es"
    )
