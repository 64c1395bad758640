"""Idempotency-Key on POST: a retry replays the first answer and creates nothing."""

from __future__ import annotations

import asyncio

import httpx

from .helpers import invoice_body, new_client


async def _count(api: httpx.AsyncClient) -> int:
    return len((await api.get("/invoices")).json()["data"])


async def test_the_same_key_and_body_replays_the_first_answer(api: httpx.AsyncClient) -> None:
    client = await new_client(api)
    body = invoice_body(client["id"], external_reference="ORDER-1")
    headers = {"Idempotency-Key": "order-1-invoice"}
    first = await api.post("/invoices", json=body, headers=headers)
    second = await api.post("/invoices", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    assert await _count(api) == 1
    other = await api.post("/invoices", json=body, headers={"Idempotency-Key": "another"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


async def test_the_same_key_with_another_body_is_refused(api: httpx.AsyncClient) -> None:
    client = await new_client(api)
    headers = {"Idempotency-Key": "k-1"}
    assert (
        await api.post("/invoices", json=invoice_body(client["id"]), headers=headers)
    ).is_success
    changed = invoice_body(client["id"], notes="changed")
    response = await api.post("/invoices", json=changed, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "Idempotency-Key"
    assert await _count(api) == 1


async def test_a_replayed_error_and_a_replayed_action(api: httpx.AsyncClient) -> None:
    client = await new_client(api)
    draft = (await api.post("/invoices", json=invoice_body(client["id"]))).json()
    headers = {"Idempotency-Key": "issue-1"}
    issued = await api.post(f"/invoices/{draft['id']}/issue", headers=headers)
    replay = await api.post(f"/invoices/{draft['id']}/issue", headers=headers)
    assert issued.status_code == replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true" and replay.json()["number"] == 1
    bad = {"client_id": "nope"}
    first = await api.post("/invoices", json=bad, headers={"Idempotency-Key": "bad"})
    again = await api.post("/invoices", json=bad, headers={"Idempotency-Key": "bad"})
    assert first.status_code == again.status_code == 422
    assert again.headers["idempotent-replayed"] == "true"


async def test_fifty_concurrent_identical_posts_create_one_invoice(api: httpx.AsyncClient) -> None:
    client = await new_client(api)
    body = invoice_body(client["id"], external_reference="ORDER-RACE")
    headers = {"Idempotency-Key": "race"}
    answers = await asyncio.gather(
        *(api.post("/invoices", json=body, headers=headers) for _ in range(50))
    )
    statuses = {answer.status_code for answer in answers}
    assert statuses <= {201, 409}, statuses
    created = {answer.json()["id"] for answer in answers if answer.status_code == 201}
    assert len(created) == 1
    listed = (await api.get("/invoices", params={"external_reference": "ORDER-RACE"})).json()
    assert [invoice["id"] for invoice in listed["data"]] == list(created)
    late = await api.post("/invoices", json=body, headers=headers)
    assert late.status_code == 201 and late.headers["idempotent-replayed"] == "true"
