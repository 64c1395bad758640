"""The seed document's own examples, replayed word for word against us."""

from __future__ import annotations

import httpx

from .helpers import TALLERES, TODAY, fields


async def test_find_or_create_then_invoice_issue_and_download_the_pdf(
    api: httpx.AsyncClient,
) -> None:
    # 1. Find or create a client by tax_id (idempotent)
    client_res = await api.post("/clients/find-or-create", json=TALLERES)
    assert client_res.status_code == 201
    body = client_res.json()
    client, created = body["client"], body["created"]
    assert created is True
    assert client["tax_id"] == "B12345674" and client["name"] == "Talleres García S.L."
    again = await api.post("/clients/find-or-create", json=TALLERES)
    assert again.status_code == 200
    assert again.json() == {"client": client, "created": False}

    # 2. Create the invoice using the returned client.id
    invoice_res = await api.post(
        "/invoices",
        json={
            "client_id": client["id"],
            "invoice_date": TODAY,
            "currency": "EUR",
            "exchange_rate": 1,
            "items": [
                {
                    "description": "Filtro de aceite Toyota Corolla",
                    "quantity": 2,
                    "unit_price": 15.99,
                    "vat_rate": 21,
                    "discount_percent": 0,
                }
            ],
        },
    )
    assert invoice_res.status_code == 201
    invoice = invoice_res.json()
    assert invoice["status"] == "draft" and invoice["client_id"] == client["id"]
    assert (invoice["subtotal"], invoice["tax_total"], invoice["total"]) == (31.98, 6.72, 38.7)
    assert '"total":38.7' in invoice_res.text  # an exact JSON number, never "38.70" nor a float
    [item] = invoice["items"]
    assert item["quantity"] == 2 and item["unit_price"] == 15.99 and item["vat_rate"] == 21
    assert item["taxes"] == [
        {"kind": "vat", "name": "IVA (21%)", "rate": 21, "base": 31.98, "amount": 6.72}
    ]

    # 3. Issue the invoice and download the PDF
    issued = await api.post(f"/invoices/{invoice['id']}/issue")
    assert issued.status_code == 200
    assert issued.json()["id"] == invoice["id"]
    assert issued.json()["status"] == "issued" and issued.json()["full_number"] == "F1"
    pdf_res = await api.get(f"/invoices/{invoice['id']}/pdf")
    assert pdf_res.status_code == 200
    assert pdf_res.headers["content-type"] == "application/pdf"
    assert pdf_res.content.startswith(b"%PDF-")


async def test_external_reference_lookup_then_partial_rectification(
    api: httpx.AsyncClient,
) -> None:
    client = (await api.post("/clients/find-or-create", json=TALLERES)).json()["client"]
    # 1. Storefront creates the original invoice with its order id
    created = await api.post(
        "/invoices",
        json={
            "external_reference": "ORDER-2847",
            "client_id": client["id"],
            "invoice_date": TODAY,
            "currency": "EUR",
            "exchange_rate": 1,
            "items": [
                {
                    "description": "Filtro aceite REF-001",
                    "quantity": 1,
                    "unit_price": 15.99,
                    "vat_rate": 21,
                    "discount_percent": 0,
                },
                {
                    "description": "Correa distribución REF-045",
                    "quantity": 2,
                    "unit_price": 89.50,
                    "vat_rate": 21,
                    "discount_percent": 0,
                },
            ],
        },
    )
    assert created.status_code == 201
    assert created.json()["total"] == 235.94  # 194.99 + 3.36 + 37.59
    echoed = await api.post("/invoices", json={**created.json(), "items": []})
    assert echoed.status_code == 422  # an answer is not a body: its extra fields are named
    assert "status" in {f["field"] for f in echoed.json()["error"]["fields"]}
    issue = await api.post(f"/invoices/{created.json()['id']}/issue")
    assert issue.status_code == 200

    # 2. Look up the original by the storefront's own order id
    r = await api.get("/invoices", params={"external_reference": "ORDER-2847"})
    assert r.status_code == 200
    [original] = r.json()["data"]
    assert original["id"] == created.json()["id"]
    assert original["external_reference"] == "ORDER-2847"

    # 3. A partial rectificativa for only the returned items
    rectified = await api.post(
        f"/invoices/{original['id']}/rectify",
        json={
            "items": [
                {
                    "description": "Filtro aceite REF-001",
                    "reference": "REF-001",
                    "quantity": 1,
                    "unit_price": 15.99,
                    "vat_rate": 21,
                    "discount_percent": 0,
                },
                {
                    "description": "Correa distribución REF-045",
                    "reference": "REF-045",
                    "quantity": 2,
                    "unit_price": 89.50,
                    "vat_rate": 21,
                    "discount_percent": 0,
                },
            ],
            "notes": "Devolución parcial — piezas defectuosas",
            "causa_rectificacion": "R1",
        },
    )
    assert rectified.status_code == 201, rectified.text
    invoice = rectified.json()["invoice"]
    assert invoice["status"] == "draft" and invoice["is_corrective"] is True
    assert invoice["original_invoice_id"] == original["id"]
    assert invoice["total"] == -235.94 and invoice["tax_total"] == -40.95
    assert [i["quantity"] for i in invoice["items"]] == [-1, -2]
    assert invoice["causa_rectificacion"] == "R1"
    assert invoice["notes"] == "Devolución parcial — piezas defectuosas"

    # nothing is left to take back
    again = await api.post(
        f"/invoices/{original['id']}/rectify",
        json={"items": [{"description": "Filtro aceite REF-001", "quantity": 1}]},
    )
    assert again.status_code == 422
    assert fields(again) == {"items.0.quantity": "exceeds_remaining"}
