"""Who may call what: 401 without a working key, 402 over the plan, 403 for read-only keys on
every write route, 404 for another account's ids."""

from __future__ import annotations

import uuid

import httpx
import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain import plans
from invoicegraph.rest.api import OPERATIONS
from invoicegraph.services.api_keys import create_key, revoke_key

from .helpers import invoice_body, issued_invoice, new_client, new_invoice


async def test_a_missing_malformed_or_unknown_key_is_401(http: httpx.AsyncClient) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
        {"Authorization": "Bearer fv_live_nonsense"},
        {"Authorization": f"Bearer fv_live_{uuid.uuid4().hex}_{'a' * 40}"},
    ):
        response = await http.get("/invoices", headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["error"]["code"] == "unauthenticated"


async def test_a_revoked_key_is_401(
    http: httpx.AsyncClient, database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        created = await create_key(session, account, access="write")
    headers = {"Authorization": f"Bearer {created.text}"}
    assert (await http.get("/clients", headers=headers)).status_code == 200
    async with database.sessions() as session:
        await revoke_key(session, account, created.key.uuid)
    response = await http.get("/clients", headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


async def test_a_free_plan_issuing_beyond_its_monthly_limit_is_402(
    http: httpx.AsyncClient, other_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        plans.LIMITS, "free", plans.PlanLimits(issued_invoices_per_month=1, api_keys=3)
    )
    http.headers["Authorization"] = f"Bearer {other_key}"
    await issued_invoice(http)
    draft = await new_invoice(http)
    response = await http.post(f"/invoices/{draft['id']}/issue")
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "plan_limit"
    assert (await http.get(f"/invoices/{draft['id']}")).json()["status"] == "draft"


async def test_a_read_key_reads_but_is_refused_on_every_write_route(
    http: httpx.AsyncClient, read_key: str
) -> None:
    http.headers["Authorization"] = f"Bearer {read_key}"
    assert (await http.get("/invoices")).status_code == 200
    write_routes = [op for op in OPERATIONS if op.write]
    assert len(write_routes) == 13
    for route in write_routes:
        path = route.path.replace("{id}", str(uuid.uuid4()))
        response = await http.request(route.method, path, json=invoice_body(str(uuid.uuid4())))
        assert response.status_code == 403, (route.method, path)
        assert response.json()["error"]["code"] == "forbidden"


async def test_another_accounts_ids_are_not_found(
    api: httpx.AsyncClient, http: httpx.AsyncClient, database: Database, other_account: Account
) -> None:
    invoice = await issued_invoice(api)
    draft = await new_invoice(api)
    client = await new_client(api)
    quote = await api.post("/quotes", json={"client_id": client["id"], "items": []})
    assert quote.status_code == 201
    async with database.sessions() as session:
        other_key = (await create_key(session, other_account, access="write")).text
    stranger = httpx.AsyncClient(
        transport=http._transport,
        base_url=http.base_url,
        headers={"Authorization": f"Bearer {other_key}"},
        event_hooks=http.event_hooks,
    )
    item = {"description": "Filtro de aceite Toyota Corolla", "quantity": 1}
    requests = [
        ("GET", f"/invoices/{invoice['id']}", None),
        ("GET", f"/invoices/{invoice['id']}/pdf", None),
        ("POST", f"/invoices/{draft['id']}/issue", None),
        ("POST", f"/invoices/{invoice['id']}/correct", None),
        ("POST", f"/invoices/{invoice['id']}/rectify", {"items": [item]}),
        ("POST", f"/invoices/{invoice['id']}/void", None),
        ("GET", f"/clients/{client['id']}", None),
        ("GET", f"/quotes/{quote.json()['id']}", None),
    ]
    async with stranger:
        for method, path, body in requests:
            response = await stranger.request(method, path, json=body)
            assert response.status_code == 404, (path, response.text)
            assert response.json()["error"]["code"] == "not_found"
        borrowed = await stranger.post("/invoices", json=invoice_body(client["id"]))
        assert borrowed.status_code == 422
        assert borrowed.json()["error"]["fields"][0]["field"] == "client_id"
        listed = await stranger.get("/invoices", params={"external_reference": "x"})
        assert listed.json() == {"data": [], "next_cursor": None}
        assert (await stranger.get("/clients")).json()["data"] == []
    # the owner still sees everything as it was
    assert (await api.get(f"/invoices/{draft['id']}")).json()["status"] == "draft"


async def test_an_id_that_is_not_a_uuid_is_not_found(api: httpx.AsyncClient) -> None:
    for path in ("/invoices/42", "/invoices/not-a-uuid/pdf", "/clients/%00", "/quotes/1"):
        response = await api.get(path)
        assert response.status_code == 404, path
