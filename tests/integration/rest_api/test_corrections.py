"""POST /api/invoices/{id}/rectify beyond the seed: ``corrections`` state items with a new
unit_price, discount_percent or quantity, by differences (the default) or by substitution."""

from __future__ import annotations

from typing import Any

import httpx

from .helpers import fields, filter_item, issued_invoice

FILTER = "Filtro de aceite Toyota Corolla"
BELT = "Correa distribución"


async def _original(api: httpx.AsyncClient) -> dict[str, Any]:
    belt = filter_item(description=BELT, reference="REF-045", quantity=1, unit_price=89.5)
    return await issued_invoice(api, items=[filter_item(), belt])


async def _rectify(api: httpx.AsyncClient, original: dict[str, Any], **body: Any) -> httpx.Response:
    return await api.post(f"/invoices/{original['id']}/rectify", json=body)


async def test_a_later_discount_by_differences_is_a_draft_stating_the_difference(
    api: httpx.AsyncClient,
) -> None:
    original = await _original(api)

    response = await _rectify(
        api, original, corrections=[{"reference": "REF-045", "discount_percent": 10}]
    )

    assert response.status_code == 201, response.text
    invoice = response.json()["invoice"]
    assert (invoice["status"], invoice["is_corrective"]) == ("draft", True)
    # −89.50 and +89.50 less 10 %: −8.95 of base, −1.88 of IVA at 21 %
    assert [(i["quantity"], i["discount_percent"]) for i in invoice["items"]] == [(-1, 0), (1, 10)]
    assert (invoice["tax_base"], invoice["tax_total"], invoice["total"]) == (-8.95, -1.88, -10.83)
    issued = await api.post(f"/invoices/{invoice['id']}/issue")
    assert issued.status_code == 200, issued.text


async def test_a_substitution_restates_every_item(api: httpx.AsyncClient) -> None:
    original = await _original(api)

    response = await _rectify(
        api,
        original,
        rectification_type="substitution",
        corrections=[{"description": FILTER, "quantity": 1, "unit_price": 14.99}],
    )

    assert response.status_code == 201, response.text
    invoice = response.json()["invoice"]
    assert [(i["quantity"], i["unit_price"]) for i in invoice["items"]] == [(1, 14.99), (1, 89.5)]
    # 104.49 at 21 % on the summed base: 21.9429 → 21.94
    assert (invoice["tax_base"], invoice["tax_total"], invoice["total"]) == (104.49, 21.94, 126.43)


async def test_correction_refusals_are_422s_in_the_dialects_names(api: httpx.AsyncClient) -> None:
    original = await _original(api)
    item = {"description": FILTER, "quantity": 1}

    both = await _rectify(api, original, items=[item], corrections=[item])
    neither = await _rectify(api, original, notes="nada")
    unknown = await _rectify(api, original, corrections=[{"reference": "NOPE", "quantity": 1}])
    bad_price = await _rectify(
        api, original, corrections=[{"description": FILTER, "unit_price": 1.1234567}]
    )
    bad_type = await _rectify(api, original, rectification_type="S", corrections=[item])
    substitution_of_items = await _rectify(
        api, original, rectification_type="substitution", items=[item]
    )

    assert (both.status_code, fields(both)) == (422, {"corrections": "invalid"})
    assert (neither.status_code, fields(neither)) == (422, {"items": "required"})
    assert (unknown.status_code, fields(unknown)) == (422, {"corrections.0.reference": "no_match"})
    assert bad_price.status_code == 422 and list(fields(bad_price)) == ["corrections.0.unit_price"]
    assert bad_type.status_code == 422 and list(fields(bad_type)) == ["rectification_type"]
    assert substitution_of_items.status_code == 422
    assert list(fields(substitution_of_items)) == ["items"]
