"""Issue 12, finding 15: one date rule for every date input of every face, and a
rectificative is never dated before its original."""

from __future__ import annotations

import httpx

from .conftest import api_invoice, bearer, new_client


async def _issued_v1_id(http: httpx.AsyncClient, key: str) -> int:
    client = await new_client(http, key)
    draft = await http.post("/api/invoices", json=api_invoice(client["id"]), headers=bearer(key))
    issued = await http.post(f"/api/invoices/{draft.json()['id']}/issue", headers=bearer(key))
    assert issued.status_code == 200, issued.text
    [listed] = (await http.get("/v1/invoices?type_id=1", headers=bearer(key))).json()["data"]
    return int(listed["id"])


async def test_a_v1_rectificative_dated_before_its_original_is_refused(
    http: httpx.AsyncClient, write_key: str
) -> None:
    original = await _issued_v1_id(http, write_key)
    series = (await http.get("/v1/series", headers=bearer(write_key))).json()["data"]
    [rectificative] = [s["id"] for s in series if s["name"] == "R"]
    body = {"date": "1901-01-01", "serie_id": rectificative}
    answer = await http.post(
        f"/v1/invoices/{original}/rectify", json=body, headers=bearer(write_key)
    )
    assert answer.status_code == 422, answer.text
    assert list(answer.json()["errors"]) == ["date"]
    listed = (await http.get("/v1/invoices?type_id=3", headers=bearer(write_key))).json()
    assert listed["meta"]["total"] == 0


async def _graphql(http: httpx.AsyncClient, key: str, query: str) -> dict:  # type: ignore[type-arg]
    answer = await http.post("/graphql", json={"query": query}, headers=bearer(key))
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def test_graphql_quotes_take_only_sensible_dates(
    http: httpx.AsyncClient, write_key: str
) -> None:
    for field, value in (("date", "0001-01-01"), ("validUntil", "9999-12-31")):
        body = await _graphql(
            http,
            write_key,
            f'mutation {{ createQuote(input: {{{field}: "{value}"}}) {{ quote {{ id }} errors {{ field }} }} }}',
        )
        payload = body["data"]["createQuote"]
        assert payload["quote"] is None and [e["field"] for e in payload["errors"]] == [field]


async def test_a_payment_date_out_of_range_is_refused(
    http: httpx.AsyncClient, write_key: str
) -> None:
    client = await new_client(http, write_key)
    draft = await http.post(
        "/api/invoices", json=api_invoice(client["id"]), headers=bearer(write_key)
    )
    invoice_id = draft.json()["id"]
    await http.post(f"/api/invoices/{invoice_id}/issue", headers=bearer(write_key))
    body = await _graphql(
        http,
        write_key,
        f'mutation {{ markInvoicePaid(id: "{invoice_id}", date: "0001-01-01") {{ errors {{ field }} }} }}',
    )
    assert [e["field"] for e in body["data"]["markInvoicePaid"]["errors"]] == ["payedAt"]
