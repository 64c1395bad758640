"""A varied book of invoices, quotes and clients, read through both paths of the app: the
SQL-built answers (``sql_reads``, the default) and the ORM + shapers reference
(``sql_reads=False``), on the same database with the same key.

The book has IVA at several rates, IRPF, the equivalence surcharge, discounts, a foreign
currency with its exchange rate, texts and template options, unicode and JSON-escaped text,
nulls (no client, no due date, no notes), paid, annulled and rectified invoices (full and
partial), drafts kept after issuing, and a quote. Another tenant's live and sandbox books hold
the same kind of rows, which must never show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account, sandbox_of
from invoicegraph.services.api_keys import create_key
from invoicegraph.services.verifactu import system
from invoicegraph.settings import Settings
from tests.parties import CLIENT_BODY_API, CONTACT_BODY_V1
from tests.tax_ids import new_tax_id

from ..conftest_helpers import start_ids_at

BASE = "http://api.test"
PRODUCER = Settings(verifactu_producer_name="Producer S.L.", verifactu_producer_nif="B27346063")
TODAY = dt.date.today().isoformat()
ODD_TEXT = 'Ñandú — 東京 "quoted" back\\slash tab\t new\nline 😀 \u2028 \x01 end'


@dataclass
class Book:
    """What was written, by face: /api uuids and /v1 ids."""

    api_invoices: list[str] = field(default_factory=list)
    api_quotes: list[str] = field(default_factory=list)
    api_clients: list[str] = field(default_factory=list)
    v1_invoices: list[int] = field(default_factory=list)
    v1_contacts: list[int] = field(default_factory=list)


@dataclass
class Faces:
    """The same key on both paths: ``sql`` answers from SQL-built JSON, ``orm`` through the
    shapers."""

    sql: httpx.AsyncClient
    orm: httpx.AsyncClient
    book: Book
    verifactu: bool
    others: list[Book] = field(default_factory=list)  # the other tenants' live and sandbox books
    database: Database | None = None

    async def both(self, path: str) -> tuple[httpx.Response, httpx.Response]:
        return await self.sql.get(path), await self.orm.get(path)


def _client(database: Database, key: str, *, sql_reads: bool) -> httpx.AsyncClient:
    settings = Settings(public_base_url=BASE, sql_reads=sql_reads, rate_limit_per_minute=100_000)
    app = create_app(settings, database=database)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE,
        headers={"Authorization": f"Bearer {key}"},
    )


def _ok(response: httpx.Response, *statuses: int) -> Any:
    assert response.status_code in (statuses or (200, 201)), response.text
    return response.json()


async def write_book(http: httpx.AsyncClient, marker: str, *, verifactu: bool) -> Book:
    """Invoices, quotes and clients of every kind the faces show, written through the faces.
    With VERI*FACTU on, what is issued is in euros (its records are)."""
    book = Book()
    issued_currency = "EUR" if verifactu else "USD"
    taxes = _ok(await http.get("/v1/taxes"))["data"]
    surcharge = next(t["id"] for t in taxes if t["kind"] == "surcharge")
    series = {s["name"]: s["id"] for s in _ok(await http.get("/v1/series"))["data"]}
    odd = _ok(
        await http.post(
            "/api/clients",
            json={
                "name": f"{marker} {ODD_TEXT}",
                "tax_id": new_tax_id(),
                "email": "odd@example.com",
                "address": "Rúa do Vilar 1",
                "city": "Santiago",
                "province": "A Coruña",
                "postal_code": "15705",
                "notes": ODD_TEXT,
            },
        )
    )
    plain = _ok(
        await http.post(
            "/api/clients",
            json={"name": f"{marker} Plain S.L.", **CLIENT_BODY_API, "tax_id": new_tax_id()},
        )
    )
    book.api_clients += [odd["id"], plain["id"]]
    contact = _ok(
        await http.post(
            "/v1/contacts",
            json={"name": f"{marker} Contacto", **CONTACT_BODY_V1, "number": new_tax_id()},
        )
    )["data"]
    book.v1_contacts.append(contact["id"])
    items = [
        {"description": "Horas de consultoría", "quantity": 7.5, "unit_price": 60, "vat_rate": 21,
         "reference": "H-1"},
        {"description": ODD_TEXT, "quantity": 3, "unit_price": 19.99, "vat_rate": 10,
         "withholding_rate": 15, "discount_percent": 12.5},
        {"description": "Mercancía con recargo", "quantity": 0.333, "unit_price": 0.125,
         "vat_rate": 21, "tax_ids": [surcharge], "reference": "M-3"},
        {"description": "Libro", "quantity": 2, "unit_price": 24, "vat_rate": 4},
        {"description": "Exento", "quantity": 1, "unit_price": 1000, "vat_rate": 0,
         "withholding_rate": 7},
    ]  # fmt: skip
    bodies = [
        {"client_id": odd["id"], "items": items, "notes": ODD_TEXT, "due_date": TODAY,
         "external_reference": f"{marker}-order-1"},
        {"client_id": plain["id"], "currency": issued_currency, "exchange_rate": 1.0834,
         "items": items[:2]},
        {"items": [items[3]]},  # no client: client and client_id are null
        {"client_id": odd["id"], "currency": "GBP", "exchange_rate": 0.85, "items": [],
         "invoice_date": "2024-02-29"},
        {"client_id": plain["id"], "items": items[2:], "external_reference": f"{marker}-2"},
    ]  # fmt: skip
    created = [_ok(await http.post("/api/invoices", json=body)) for body in bodies]
    book.api_invoices += [invoice["id"] for invoice in created]
    issued = [_ok(await http.post(f"/api/invoices/{created[i]['id']}/issue")) for i in (0, 1, 4)]
    corrected = _ok(await http.post(f"/api/invoices/{issued[1]['id']}/correct", json={}))
    book.api_invoices.append(corrected["invoice"]["id"])
    partial = _ok(
        await http.post(
            f"/api/invoices/{issued[0]['id']}/rectify",
            json={"items": [{"reference": "H-1", "quantity": 2.5}], "causa_rectificacion": "R2",
                  "notes": "Devolución parcial"},
        )
    )  # fmt: skip
    book.api_invoices.append(partial["invoice"]["id"])
    _ok(await http.post(f"/api/invoices/{partial['invoice']['id']}/issue"))
    _ok(await http.post(f"/api/invoices/{issued[2]['id']}/void", json={"reason": "duplicada"}))
    quote = _ok(
        await http.post(
            "/api/quotes",
            json={"client_id": odd["id"], "items": items, "valid_until": TODAY, "notes": ODD_TEXT},
        )
    )
    empty_quote = _ok(await http.post("/api/quotes", json={"currency": "USD", "exchange_rate": 2}))
    book.api_quotes += [quote["id"], empty_quote["id"]]
    proforma = _ok(
        await http.post(
            "/v1/invoices",
            json={
                "name": f"{marker} {ODD_TEXT}",
                "contact_id": contact["id"],
                "due_date_id": _ok(await http.get("/v1/due-dates"))["data"][0]["id"],
                "payment_method_id": _ok(await http.get("/v1/payment-methods"))["data"][0]["id"],
                "date": TODAY,
                "lang": "gl",
                "currency": "€" if verifactu else "ARS",
                "date_format": "yyyy-mm-dd",
                "money_format": "symbol_before,none,point",
                "intro_texts": [{"label": "Header", "text": "# Invoice \n{document_title}"}],
                "close_texts": [{"label": "Thanks", "text": ODD_TEXT}],
                "lines": [
                    {"quantity": 1, "description": "Development", "price": 1800, "discount": 0,
                     "taxes": [t["id"] for t in taxes if t["name"] in ("IVA (21%)", "IRPF (-15%)")]},
                    {"quantity": "2.5", "description": "Soporte", "price": "-100.05",
                     "discount": 5, "taxes": [t["id"] for t in taxes if t["name"] == "IVA (10%)"]},
                ],
                "template": {"id": 3, "options": {"use_company_color": True,
                             "include_texts_before": False, "include_texts_after": True}},
            },
        )
    )["data"]  # fmt: skip
    issued_v1 = _ok(
        await http.post(
            f"/v1/invoices/{proforma['id']}/issue", json={"date": TODAY, "serie_id": series["F"]}
        )
    )["data"]
    _ok(await http.patch(f"/v1/invoices/{issued_v1['issue_invoice_id']}", json={"payed_at": TODAY}))
    book.v1_invoices += [proforma["id"], issued_v1["issue_invoice_id"]]
    listed = _ok(await http.get("/v1/invoices"))["data"]
    book.v1_invoices = sorted({invoice["id"] for invoice in listed})
    return book


async def _tenant(database: Database, *, verifactu: bool, sandbox: bool) -> tuple[Account, str]:
    async with database.sessions() as session:
        live = await create_account(
            session, name="Libros Ñ S.L.", tax_id=new_tax_id(), plan="professional",
            address="Gran Vía 1", city="Madrid", province="Madrid", postal_code="28013",
        )  # fmt: skip
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(Account)
            .where((Account.id == live.id) | (Account.live_account_id == live.id))
            .values(verifactu_enabled=verifactu)
        )
    async with database.sessions() as session:
        key = await create_key(session, live, access="write", mode="test" if sandbox else "live")
    async with database.sessions() as session:
        account = await sandbox_of(session, live) if sandbox else live
    return account, key.text


@pytest.fixture(
    scope="module",
    params=[
        ("sqlite", "live"),
        ("sqlite", "sandbox_verifactu"),
        ("postgresql", "live"),
        ("postgresql", "sandbox_verifactu"),
    ],
    ids=lambda p: "-".join(p),
)
def setting(request: pytest.FixtureRequest) -> tuple[Database, str]:
    """Each engine's database, with a live tenant (VERI*FACTU off) or a sandbox one (on)."""
    engine, flavour = request.param
    database = request.getfixturevalue(f"{engine}_database")
    assert isinstance(database, Database)
    return database, flavour


@pytest.fixture(scope="module")
async def faces(setting: tuple[Database, str]) -> AsyncIterator[Faces]:
    """The tenant's book, with another tenant's live and sandbox books beside it. Written once
    per module: the tests only read it."""
    database, flavour = setting
    verifactu = sandbox = flavour == "sandbox_verifactu"
    _, key = await _tenant(database, verifactu=verifactu, sandbox=sandbox)
    async with (
        _client(database, key, sql_reads=True) as sql,
        _client(database, key, sql_reads=False) as orm,
    ):
        with pytest.MonkeyPatch.context() as patch:
            # the records name the software's producer, which the services read from settings
            patch.setattr(system, "get_settings", lambda: PRODUCER)
            others = []
            for first, other_sandbox in ((5001, False), (6001, True)):
                other_account, other_key = await _tenant(
                    database, verifactu=True, sandbox=other_sandbox
                )
                # ids count per account: the others' numbers must not be mine too
                await start_ids_at(database, other_account.id, first)
                async with _client(database, other_key, sql_reads=False) as other:
                    others.append(await write_book(other, "OTHER", verifactu=True))
            book = await write_book(orm, "MINE", verifactu=verifactu)
        yield Faces(sql, orm, book, verifactu, others, database)


def without_request_id(body: dict[str, Any]) -> dict[str, Any]:
    """An error body but its ``request_id`` (each answer has its own)."""
    return {name: value for name, value in body.items() if name != "request_id"}
