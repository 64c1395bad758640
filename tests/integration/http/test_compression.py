"""Brotli or gzip for JSON and the OpenAPI document above the threshold; never for PDFs,
small answers, or clients that did not ask."""

from __future__ import annotations

import gzip

import brotli
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicegraph.db.engine import Database
from invoicegraph.http.compression import Compression, chosen_encoding

from .conftest import client_for


@pytest.mark.parametrize(("accepted", "encoding"), [("gzip", "gzip"), ("gzip, br", "br")])
async def test_the_openapi_document_is_compressed(
    accepted: str, encoding: str, database: Database
) -> None:
    async with client_for(database) as http:
        plain = await http.get("/openapi.json", headers={"accept-encoding": "identity"})
        packed = await http.send(
            http.build_request("GET", "/openapi.json", headers={"accept-encoding": accepted}),
            stream=True,
        )
        raw = b"".join([chunk async for chunk in packed.aiter_raw()])
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == encoding
    assert packed.headers["vary"] == "Accept-Encoding"
    decoded = brotli.decompress(raw) if encoding == "br" else gzip.decompress(raw)
    assert decoded == plain.content
    assert len(raw) * 4 < len(plain.content)


async def test_small_answers_stay_as_they_are(database: Database) -> None:
    async with client_for(database) as http:
        answer = await http.get("/health", headers={"accept-encoding": "gzip, br"})
    assert "content-encoding" not in answer.headers


def test_the_client_decides() -> None:
    assert chosen_encoding(b"gzip;q=1.0, br;q=0") == b"gzip"
    assert chosen_encoding(b"deflate") is None
    assert chosen_encoding(b"BR") == b"br"


async def test_pdfs_are_never_compressed() -> None:
    async def pdf(request: Request) -> Response:
        return Response(b"%PDF-1.7 " + b"0" * 50_000, media_type="application/pdf")

    async def json(request: Request) -> Response:
        return Response(b'{"a":"' + b"0" * 50_000 + b'"}', media_type="application/json")

    app = Compression(Starlette(routes=[Route("/p", pdf), Route("/j", json)]), minimum_size=1024)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        document = await http.get("/p", headers={"accept-encoding": "gzip, br"})
        data = await http.get("/j", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in document.headers
    assert document.content.startswith(b"%PDF")
    assert data.headers["content-encoding"] == "gzip"
