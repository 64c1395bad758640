"""HTML and markdown injected into an invoice's texts reach its PDF as text: no script, no
image fetched from the address the probe names, on both dialects."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from .conftest import TODAY, Prober, World, assert_clean, bearer


@pytest.fixture
async def listener() -> AsyncIterator[tuple[int, list[str]]]:
    """A loopback port that records every connection made to it."""
    seen: list[str] = []

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append((await reader.read(200)).decode(errors="replace"))
        writer.close()

    server = await asyncio.start_server(record, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield port, seen
    server.close()
    await server.wait_closed()


def probes(port: int) -> dict[str, str]:
    base = f"http://127.0.0.1:{port}"
    return {
        "script": "<script>alert(1)</script>",
        "img": f'<img src="{base}/html-img">',
        "markdown": f"![x]({base}/markdown-img) [link](javascript:alert(1))",
        "style": f"<style>@import url({base}/css);</style>",
    }


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.fixture
async def api(world: World, prober: Prober) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world.app, raise_app_exceptions=False),
        base_url="http://security.test",
        headers=bearer(prober.key),
        timeout=60,
    ) as client:
        yield client


async def _pdf(api: httpx.AsyncClient, path: str) -> bytes:
    response = await api.get(path)
    assert_clean(response)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


def _check(text: str, probe: dict[str, str], seen: list[str]) -> None:
    assert seen == [], f"the renderer fetched a URL a client wrote: {seen}"
    flat = " ".join(text.split())
    assert "<script>alert(1)</script>" in flat, flat[:2000]


async def test_v1_texts_and_lines_print_as_text_and_fetch_nothing(
    api: httpx.AsyncClient, prober: Prober, listener: tuple[int, list[str]]
) -> None:
    port, seen = listener
    probe = probes(port)
    o = prober.objects
    body: dict[str, Any] = {
        "name": "Factura " + probe["script"],
        "contact_id": o.ints["client"],
        "due_date_id": o.ints["due_date_term"],
        "payment_method_id": o.ints["payment_method"],
        "lang": "es",
        "currency": "EUR",
        "date_format": "dd/mm/yyyy",
        "money_format": "symbol_after,point,comma",
        "date": TODAY,
        "notes": probe["img"],
        "intro_texts": [{"label": "Intro", "text": probe["markdown"] + "\n\n" + probe["script"]}],
        "close_texts": [{"label": "Cierre", "text": probe["style"] + " " + probe["img"]}],
        "lines": [{"description": probe["script"], "quantity": 1, "price": 10}],
    }
    created = await api.post("/v1/invoices", json=body)
    assert created.status_code == 201, created.text
    draft = created.json()["data"]["id"]
    issued = await api.post(
        f"/v1/invoices/{draft}/issue", json={"date": TODAY, "serie_id": o.ints["series"]}
    )
    assert issued.status_code == 201, issued.text
    content = await _pdf(api, f"/v1/invoices/{issued.json()['data']['issue_invoice_id']}/download")
    _check(pdf_text(content), probe, seen)


async def test_api_notes_and_items_print_as_text_and_fetch_nothing(
    api: httpx.AsyncClient, prober: Prober, listener: tuple[int, list[str]]
) -> None:
    port, seen = listener
    probe = probes(port)
    body = {
        "client_id": str(prober.objects.uuids["client"]),
        "notes": probe["img"] + " " + probe["markdown"] + " " + probe["style"],
        "external_reference": probe["script"],
        "items": [
            {"description": probe["script"], "quantity": 1, "unit_price": 10, "vat_rate": 21},
            {"description": probe["img"], "quantity": 1, "unit_price": 5, "vat_rate": 21},
        ],
    }
    created = await api.post("/api/invoices", json=body)
    assert created.status_code == 201, created.text
    issued = await api.post(f"/api/invoices/{created.json()['id']}/issue")
    assert issued.status_code == 200, issued.text
    content = await _pdf(api, f"/api/invoices/{created.json()['id']}/pdf")
    _check(pdf_text(content), probe, seen)
