"""Documents through the faces: the PDF of an issued invoice from /api and GraphQL in every
language and template, read back; the e-invoices validated offline; drafts refused by /api."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.pdf.einvoice.validate import validate_einvoice
from invoicegraph.pdf.labels import LANGUAGES, labels_for
from invoicegraph.pdf.layouts import INVOICE_TEMPLATES
from invoicegraph.settings import Settings
from tests.tax_ids import new_tax_id

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
async def http(database: Database, write_key: str) -> Any:
    app = create_app(Settings(rate_limit_per_minute=100_000), database=database)
    headers = {"Authorization": f"Bearer {write_key}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
    ) as client:
        yield client


async def _gql(http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def _issued(http: httpx.AsyncClient, lang: str, template: int) -> dict[str, Any]:
    client = await _gql(
        http,
        'mutation { findOrCreateClient(input: {name: "Talleres García S.L.", taxId: "B27346063", address: "Calle Mayor 1", city: "Madrid", postalCode: "28001"}) { client { id } } }',
    )
    created = await _gql(
        http,
        """mutation($input: InvoiceInput!) { createInvoice(input: $input) { invoice { id uuid legacyId } errors { field message } } }""",
        {
            "input": {
                "clientId": client["findOrCreateClient"]["client"]["id"],
                "lang": lang,
                "template": {"id": template, "useCompanyColor": True},
                "introTexts": [{"label": "Intro", "text": "**Gracias** por su confianza"}],
                "lines": [
                    {
                        "description": "Consulting",
                        "quantity": "1",
                        "price": "2250",
                        "discount": "5",
                        "vatRate": "21",
                    },
                    {
                        "description": "Development",
                        "quantity": "1",
                        "price": "1800",
                        "vatRate": "21",
                    },
                ],
            }
        },
    )
    invoice = created["createInvoice"]["invoice"]
    issued = await _gql(
        http,
        "mutation($id: ID!) { issueInvoice(id: $id) { invoice { fullNumber totalWithTaxes } errors { message } } }",
        {"id": invoice["id"]},
    )
    errors = {"errors": issued["issueInvoice"]["errors"]}
    return {**invoice, **(issued["issueInvoice"]["invoice"] or {}), **errors}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_pdf_from_api_and_graphql_in_every_language(
    http: httpx.AsyncClient, lang: str
) -> None:
    invoice = await _issued(http, lang, template=1)
    response = await http.get(f"/api/invoices/{invoice['uuid']}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = _text(response.content)
    labels = labels_for(lang)
    assert invoice["fullNumber"] in text
    assert "Talleres García S.L." in text and "B27346063" in text
    assert labels.invoice.upper() in text.upper()
    data = await _gql(
        http,
        "query($id: ID!) { invoice(id: $id) { document(format: PDF) { mediaType filename contentBase64 } } }",
        {"id": invoice["id"]},
    )
    document = data["invoice"]["document"]
    assert document["mediaType"] == "application/pdf"
    assert (
        base64.b64decode(document["contentBase64"]) == response.content
    )  # stored once, served again


@pytest.mark.parametrize("template", [t.id for t in INVOICE_TEMPLATES])
async def test_every_template_renders_the_totals(http: httpx.AsyncClient, template: int) -> None:
    invoice = await _issued(http, "es", template=template)
    text = _text((await http.get(f"/api/invoices/{invoice['uuid']}/pdf")).content)
    assert invoice["fullNumber"] in text
    assert "3.937,50" in text and "826,88" in text and "4.764,38" in text  # es: 1.234,56


async def test_a_draft_has_no_pdf_on_api_but_a_preview_on_graphql(http: httpx.AsyncClient) -> None:
    created = await _gql(
        http,
        'mutation { createInvoice(input: {lines: [{description: "x", quantity: "1", price: "1"}]}) { invoice { id uuid } } }',
    )
    invoice = created["createInvoice"]["invoice"]
    refused = await http.get(f"/api/invoices/{invoice['uuid']}/pdf")
    assert refused.status_code == 409
    preview = await _gql(
        http,
        "query($id: ID!) { invoice(id: $id) { document { contentBase64 } } }",
        {"id": invoice["id"]},
    )
    assert base64.b64decode(preview["invoice"]["document"]["contentBase64"]).startswith(b"%PDF")


@pytest.mark.parametrize("fmt", ["facturx", "ubl", "facturae"])
async def test_the_e_invoice_xml_validates(
    http: httpx.AsyncClient, fmt: str, facturae_schemas: None
) -> None:
    invoice = await _issued(http, "es", template=1)
    response = await http.get(f"/api/invoices/{invoice['uuid']}/xml", params={"format": fmt})
    assert response.status_code == 200, response.text
    for report in validate_einvoice(response.content, fmt):  # type: ignore[arg-type]
        assert report.ok, report.errors


async def test_facturx_pdf_embeds_the_xml(http: httpx.AsyncClient) -> None:
    from invoicegraph.pdf.einvoice import extract_facturx_xml

    invoice = await _issued(http, "es", template=2)
    response = await http.get(
        f"/api/invoices/{invoice['uuid']}/xml", params={"format": "facturx-pdf"}
    )
    assert response.headers["content-type"] == "application/pdf"
    xml = extract_facturx_xml(response.content)
    assert xml is not None and invoice["fullNumber"].encode() in xml
    bad = await http.get(f"/api/invoices/{invoice['uuid']}/xml", params={"format": "docx"})
    assert bad.status_code == 422


async def test_an_incomplete_issuer_is_refused_at_issue_before_any_document(
    database: Database, facturae_schemas: None
) -> None:
    from invoicegraph.services.accounts import create_account
    from invoicegraph.services.api_keys import create_key

    async with database.sessions() as session:
        bare = await create_account(
            session, name="Sin Dirección S.L.", tax_id=new_tax_id(), plan="professional"
        )
    async with database.sessions() as session:
        key = (await create_key(session, bare, access="write")).text
    app = create_app(Settings(), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        headers={"Authorization": f"Bearer {key}"},
    ) as http:
        invoice = await _issued(http, "es", template=1)
    # a complete invoice names the issuer's address (RD 1619/2012 art. 6): no number, no XML
    assert "fullNumber" not in invoice
    assert any("street address of the issuer" in e["message"] for e in invoice["errors"])
