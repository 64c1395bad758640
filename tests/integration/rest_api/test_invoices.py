"""Invoices through /api: the shape, the list and its pagination, issuing, correcting,
annulling, and the 409s of the wrong state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import event

from invoicegraph.db.engine import Database

from .helpers import TODAY, fields, filter_item, issued_invoice, new_client, new_invoice

INVOICE_KEYS = {
    "id", "status", "serie_id", "series", "number", "full_number", "invoice_date", "due_date",
    "client_id", "client", "issuer", "currency", "exchange_rate", "items", "subtotal",
    "discount_total", "tax_base", "tax_total", "vat_total", "withholding_total", "total", "taxes",
    "is_corrective", "original_invoice_id", "causa_rectificacion", "rectification_reason",
    "rectification_status", "external_reference", "notes", "payed_at", "issued_at",
    "annulled_at", "e_invoicing", "created_at", "updated_at",
}  # fmt: skip
ITEM_KEYS = {
    "id", "position", "description", "reference", "quantity", "unit_price", "discount_percent",
    "vat_rate",
    "withholding_rate", "subtotal", "discount_total", "tax_base", "tax_total", "total", "taxes",
}  # fmt: skip


async def test_a_draft_shows_every_field_and_get_answers_the_same(api: httpx.AsyncClient) -> None:
    client = await new_client(api)
    created = await new_invoice(
        api,
        external_reference="ORDER-1",
        notes="private",
        items=[filter_item(reference="REF-9", discount_percent=10)],
    )
    assert set(created) == INVOICE_KEYS
    assert set(created["items"][0]) == ITEM_KEYS
    assert created["status"] == "draft" and created["number"] is None
    assert created["full_number"] is None and created["series"] is None
    assert created["invoice_date"] == TODAY and created["currency"] == "EUR"
    assert created["client_id"] == client["id"]
    assert created["client"]["name"] == "Talleres García S.L."
    assert created["client"]["tax_id"] == "B12345674"
    assert created["issuer"]["name"] == "Acme Inc. S.A."
    assert (created["subtotal"], created["discount_total"], created["tax_base"]) == (
        31.98,
        3.2,
        28.78,
    )
    assert (created["tax_total"], created["total"]) == (6.04, 34.82)
    assert created["is_corrective"] is False and created["original_invoice_id"] is None
    assert created["e_invoicing"] is None
    assert created["items"][0]["reference"] == "REF-9"
    fetched = await api.get(f"/invoices/{created['id']}")
    assert fetched.status_code == 200 and fetched.json() == created


async def test_issue_numbers_in_place_and_a_second_issue_is_409(api: httpx.AsyncClient) -> None:
    first = await issued_invoice(api)
    second = await issued_invoice(api)
    assert (first["full_number"], second["full_number"]) == ("F1", "F2")
    assert first["series"] == "F" and first["serie_id"] is not None
    assert first["issued_at"] is not None
    again = await api.post(f"/invoices/{first['id']}/issue", json={})
    assert again.status_code == 409
    assert again.json()["error"]["fields"][0]["field"] == "status"


async def test_issue_takes_a_date_and_a_series(api: httpx.AsyncClient) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    draft = await new_invoice(api)
    response = await api.post(
        f"/invoices/{draft['id']}/issue", json={"invoice_date": yesterday, "serie_id": draft["id"]}
    )
    assert response.status_code == 422 and fields(response) == {"serie_id": "not_found"}
    response = await api.post(f"/invoices/{draft['id']}/issue", json={"serie_id": "F"})
    assert response.status_code == 422 and fields(response) == {"serie_id": "invalid_id"}
    response = await api.post(f"/invoices/{draft['id']}/issue", json={"invoice_date": yesterday})
    assert response.status_code == 200 and response.json()["invoice_date"] == yesterday


async def test_an_empty_draft_cannot_be_issued(api: httpx.AsyncClient) -> None:
    response = await api.post("/invoices", json={"items": []})
    assert response.status_code == 201
    refused = await api.post(f"/invoices/{response.json()['id']}/issue")
    assert refused.status_code == 422
    assert fields(refused) == {"items": "required", "client_id": "required"}


async def test_a_draft_has_no_pdf_and_cannot_be_rectified(api: httpx.AsyncClient) -> None:
    draft = await new_invoice(api)
    pdf = await api.get(f"/invoices/{draft['id']}/pdf")
    assert pdf.status_code == 409
    for action, body in (("correct", {}), ("rectify", {"items": [filter_item(quantity=1)]})):
        response = await api.post(f"/invoices/{draft['id']}/{action}", json=body)
        assert response.status_code == 409, action
        assert response.json()["error"]["code"] == "conflict"


async def test_correct_negates_every_line_and_is_issued_in_the_rectificative_series(
    api: httpx.AsyncClient,
) -> None:
    original = await issued_invoice(api)
    response = await api.post(
        f"/invoices/{original['id']}/correct",
        json={"causa_rectificacion": "R4", "notes": "Precio erróneo"},
    )
    assert response.status_code == 201
    rectificative = response.json()["invoice"]
    assert rectificative["status"] == "draft" and rectificative["is_corrective"] is True
    assert rectificative["original_invoice_id"] == original["id"]
    assert rectificative["causa_rectificacion"] == "R4"
    assert (rectificative["tax_base"], rectificative["total"]) == (-31.98, -38.7)
    assert rectificative["client"] == original["client"]
    issued = await api.post(f"/invoices/{rectificative['id']}/issue")
    assert issued.status_code == 200 and issued.json()["full_number"] == "R1"
    assert (await api.get(f"/invoices/{original['id']}")).json()["rectification_status"] == "full"
    nothing_left = await api.post(f"/invoices/{original['id']}/correct")
    assert nothing_left.status_code == 409
    of_a_rectificative = await api.post(f"/invoices/{rectificative['id']}/correct")
    # a rectificative can itself be rectified (issue 14): the new one corrects the rectificative
    assert of_a_rectificative.status_code == 201
    assert of_a_rectificative.json()["invoice"]["original_invoice_id"] == rectificative["id"]


async def test_partial_rectifications_are_capped_across_rectificatives(
    api: httpx.AsyncClient,
) -> None:
    original = await issued_invoice(api)
    path = f"/invoices/{original['id']}/rectify"
    first = await api.post(path, json={"items": [filter_item(quantity=1)]})
    assert first.status_code == 201 and first.json()["invoice"]["total"] == -19.35
    second = await api.post(path, json={"items": [filter_item(quantity=1.5)]})
    assert second.status_code == 422
    assert fields(second) == {"items.0.quantity": "exceeds_remaining"}
    last = await api.post(path, json={"items": [filter_item(quantity=1)]})
    assert last.status_code == 201
    assert (await api.get(f"/invoices/{original['id']}")).json()["rectification_status"] == "full"


async def test_void_annuls_an_issued_invoice_only(api: httpx.AsyncClient) -> None:
    draft = await new_invoice(api)
    assert (await api.post(f"/invoices/{draft['id']}/void")).status_code == 409
    invoice = await issued_invoice(api)
    response = await api.post(f"/invoices/{invoice['id']}/void", json={"reason": "duplicada"})
    assert response.status_code == 200
    assert response.json()["status"] == "annulled" and response.json()["annulled_at"]
    assert response.json()["full_number"] == invoice["full_number"]
    assert (await api.post(f"/invoices/{invoice['id']}/void")).status_code == 409
    bad = await api.post(f"/invoices/{invoice['id']}/void", json={"reason": ["x"]})
    assert bad.status_code == 422 and fields(bad) == {"reason": "invalid_type"}


async def test_the_list_pages_with_a_cursor_and_filters(api: httpx.AsyncClient) -> None:
    created = [await new_invoice(api, external_reference=f"ORDER-{n}") for n in range(5)]
    await api.post(f"/invoices/{created[0]['id']}/issue")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await api.get("/invoices", params=params)).json()
        assert len(page["data"]) <= 2
        seen += [invoice["id"] for invoice in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [invoice["id"] for invoice in reversed(created)]
    only = (await api.get("/invoices", params={"external_reference": "ORDER-3"})).json()
    assert [invoice["id"] for invoice in only["data"]] == [created[3]["id"]]
    assert only["data"][0]["items"][0]["description"] == "Filtro de aceite Toyota Corolla"
    none = await api.get("/invoices", params={"external_reference": "order-3"})
    assert none.json() == {"data": [], "next_cursor": None}  # exact, case included
    issued = (await api.get("/invoices", params={"status": "issued"})).json()["data"]
    assert [invoice["id"] for invoice in issued] == [created[0]["id"]]
    by_client = await api.get("/invoices", params={"client_id": created[0]["client_id"]})
    assert len(by_client.json()["data"]) == 5


async def test_a_page_costs_the_same_statements_whatever_its_length(
    api: httpx.AsyncClient, database: Database
) -> None:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # the key's own statements (a lookup when its cache entry expires, last_used_at once a
        # minute) come with time, not with the page
        if "api_keys" not in statement:
            statements.append(statement)

    async def cost() -> int:
        statements.clear()
        event.listen(database.engine.sync_engine, "before_cursor_execute", count)
        try:
            assert (await api.get("/invoices")).status_code == 200
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    await issued_invoice(api)
    one = await cost()
    for _ in range(6):
        await issued_invoice(api, items=[filter_item(), filter_item(reference="R")])
    await new_invoice(api)
    assert await cost() == one, statements
