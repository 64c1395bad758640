"""Real objects for the routes with an ``{id}``: ids are checked before bodies, so a body
sent to a missing id is a 404 and its fields are never judged. A draft and an issued invoice
per dialect, made through the faces themselves (their ids as each face shows them)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.catalog import (
    DueDateTermInput,
    PaymentMethodInput,
    create_due_date_term,
    create_payment_method,
)
from invoicegraph.services.webhook_endpoints import EndpointInput, create_endpoint
from tests.integration.rest_api.helpers import TALLERES, filter_item

TODAY = dt.datetime.now(ZoneInfo("Europe/Madrid")).date().isoformat()
CONTACT = {
    "name": "Acme S.L.",
    "number": "B87654323",
    "address": "Acme address nº 99",
    "population": "My City",
    "province_state": "My Province",
    "country": "ES",
    "zip": "55555",
}


def _created(response: httpx.Response) -> dict[str, object]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, object] = response.json()
    return body


async def _api_invoices(http: httpx.AsyncClient) -> tuple[str, str]:
    client = _created(await http.post("/api/clients/find-or-create", json=TALLERES))["client"]
    assert isinstance(client, dict)
    body = {"client_id": client["id"], "invoice_date": TODAY, "items": [filter_item()]}
    draft = _created(await http.post("/api/invoices", json=body))["id"]
    other = _created(await http.post("/api/invoices", json=body))["id"]
    issued = _created(await http.post(f"/api/invoices/{other}/issue"))["id"]
    return str(draft), str(issued)


async def _v1_invoices(
    http: httpx.AsyncClient, database: Database, account: Account
) -> tuple[str, str]:
    contact = _created(await http.post("/v1/contacts", json=CONTACT))["data"]
    assert isinstance(contact, dict)
    async with database.sessions() as session:
        term = await create_due_date_term(session, account, DueDateTermInput(name="10", days=10))
    async with database.sessions() as session:
        method = await create_payment_method(
            session, account, PaymentMethodInput(name="Transfer", description="IBAN")
        )
    body = {
        "name": "Fuzz",
        "contact_id": contact["id"],
        "due_date_id": term.id,
        "payment_method_id": method.id,
        "date": TODAY,
        "lang": "es",
        "currency": "EUR",
        "date_format": "yyyy-mm-dd",
        "money_format": "symbol_before,none,point",
        "lines": [{"quantity": 1, "description": "Work", "price": 100, "discount": 0}],
    }
    draft = _created(await http.post("/v1/invoices", json=body))["data"]
    other = _created(await http.post("/v1/invoices", json=body))["data"]
    assert isinstance(draft, dict) and isinstance(other, dict)
    series = (await http.get("/v1/series")).json()["data"]
    ordinary = next(s["id"] for s in series if s["name"] == "F")
    issue = {"date": TODAY, "serie_id": ordinary}
    issued = _created(await http.post(f"/v1/invoices/{other['id']}/issue", json=issue))["data"]
    assert isinstance(issued, dict)
    return str(draft["id"]), str(issued["issue_invoice_id"])


async def real_ids(
    http: httpx.AsyncClient, database: Database, account: Account
) -> dict[tuple[str, str], str]:
    """``(method, path template)`` → the concrete path to send a body to: drafts for edits and
    issuing, issued invoices for corrections, voids and annulments, a webhook endpoint for its
    changes."""
    api_draft, api_issued = await _api_invoices(http)
    v1_draft, v1_issued = await _v1_invoices(http, database, account)
    async with database.sessions() as session:
        hook = await create_endpoint(
            session,
            account,
            EndpointInput(url="https://93.184.215.14/hooks/fuzz", events=["invoice.issued"]),
            allow_private=False,
        )
    return {
        ("PATCH", "/api/webhook-endpoints/{id}"): f"/api/webhook-endpoints/{hook.endpoint.uuid}",
        ("POST", "/api/invoices/{id}/issue"): f"/api/invoices/{api_draft}/issue",
        ("POST", "/api/invoices/{id}/correct"): f"/api/invoices/{api_issued}/correct",
        ("POST", "/api/invoices/{id}/rectify"): f"/api/invoices/{api_issued}/rectify",
        ("POST", "/api/invoices/{id}/void"): f"/api/invoices/{api_issued}/void",
        ("PATCH", "/v1/invoices/{id}"): f"/v1/invoices/{v1_draft}",
        ("POST", "/v1/invoices/{id}/issue"): f"/v1/invoices/{v1_draft}/issue",
        ("POST", "/v1/invoices/{id}/rectify"): f"/v1/invoices/{v1_issued}/rectify",
        ("POST", "/v1/invoices/{id}/annul"): f"/v1/invoices/{v1_issued}/annul",
    }
