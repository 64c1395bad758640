"""Listing: every filter, every order both ways, cursor pages both ways and offset pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Invoice
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.services.catalog import SeriesInput, create_series
from invoicegraph.services.clients import ClientInput, create_client
from invoicegraph.services.invoices import InvoiceFilter, list_invoices, mark_paid
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.services.pagination import Page, PageRequest
from tests.parties import CLIENT_ADDRESS

from .conftest import Catalogue
from .helpers import line, new_draft, new_issued, rectify

ORDERS = (
    "id",
    "name",
    "date",
    "due_date",
    "total_before_taxes",
    "total_taxes",
    "total_with_taxes",
)


@dataclass(frozen=True)
class Ledger:
    """One account's invoices, by role."""

    alpha: int  # F1, client Acme, 10 days ago, paid
    beta: int  # F2, client Beta, 5 days ago, unpaid
    gamma: int  # SX1 (second series), client Beta, today, unpaid, external reference
    draft: int  # a proforma for Acme
    rectificative: int  # a draft rectificative of alpha
    beta_client: int
    second_series: int


async def ledger(database: Database, account: Account, catalogue: Catalogue) -> Ledger:
    today = account_today(account)
    async with database.sessions() as session:
        beta_client = await create_client(
            session,
            account,
            ClientInput(**CLIENT_ADDRESS, name="Beta 100% Industries", tax_id="B27346063"),
        )
    async with database.sessions() as session:
        second = await create_series(session, account, SeriesInput(code="SX", kind="ordinary"))
    alpha = await new_issued(
        database,
        account,
        catalogue,
        [line(catalogue, "Alpha work", "3", "100")],
        name="Alpha services",
        date=today - dt.timedelta(days=10),
    )
    beta = await new_issued(
        database,
        account,
        catalogue,
        [line(catalogue, "Beta work", "1", "50", taxes=["IVA (21%)", "IRPF (-15%)"])],
        name="Beta project",
        client=beta_client.id,
        date=today - dt.timedelta(days=5),
        due_date=today + dt.timedelta(days=90),
    )
    gamma = await new_issued(
        database,
        account,
        catalogue,
        [line(catalogue, "Gamma work", "2", "400", taxes=["IVA (4%)"])],
        name="Gamma_order",
        client=beta_client.uuid,
        external_reference="ORDER-2847",
        series=second.id,
    )
    draft = await new_draft(
        database, account, catalogue, [line(catalogue, "Draft work", "1", "10")], name="Delta draft"
    )
    rectificative = (await rectify(database, account, alpha)).id
    async with database.sessions() as session:
        await mark_paid(session, account, alpha)
    return Ledger(alpha, beta, gamma, draft, rectificative, beta_client.id, second.id)


async def listed(
    database: Database, account: Account, flt: InvoiceFilter | None = None, **page: Any
) -> Page[Invoice]:
    page.setdefault("descending", False)
    async with database.sessions() as session:
        return await list_invoices(session, account, PageRequest(**page), flt)


async def ids(database: Database, account: Account, **flt: Any) -> list[int]:
    return [i.id for i in (await listed(database, account, InvoiceFilter(**flt))).items]


async def test_every_filter(database: Database, account: Account, catalogue: Catalogue) -> None:
    book = await ledger(database, account, catalogue)
    today = account_today(account)

    assert await ids(database, account) == [
        book.alpha,
        book.beta,
        book.gamma,
        book.draft,
        book.rectificative,
    ]
    assert await ids(database, account, kind="ordinary") == [book.alpha, book.beta, book.gamma]
    assert await ids(database, account, kind="draft") == [book.draft, book.rectificative]
    assert await ids(database, account, kind="rectificative") == []
    assert await ids(database, account, status="issued") == [book.alpha, book.beta, book.gamma]
    assert await ids(database, account, status="annulled") == []
    assert await ids(database, account, client=book.beta_client) == [book.beta, book.gamma]
    assert await ids(database, account, client=catalogue.client_uuid) == [
        book.alpha,
        book.draft,
        book.rectificative,
    ]
    assert await ids(database, account, series=book.second_series) == [book.gamma]
    assert await ids(database, account, series=catalogue.series["F"]) == [book.alpha, book.beta]
    assert await ids(
        database,
        account,
        date_from=today - dt.timedelta(days=10),
        date_to=today - dt.timedelta(days=5),
    ) == [book.alpha, book.beta]
    assert await ids(
        database, account, date_from=today - dt.timedelta(days=4), kind="ordinary"
    ) == [book.gamma]
    assert await ids(database, account, unpaid=True) == [book.beta, book.gamma]
    assert await ids(database, account, external_reference="ORDER-2847") == [book.gamma]
    assert await ids(database, account, external_reference="order-2847") == []
    assert await ids(database, account, rectifies=book.alpha) == [book.rectificative]


async def test_search_over_name_number_recipient_and_reference(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    book = await ledger(database, account, catalogue)

    assert await ids(database, account, search="alpha") == [book.alpha]
    assert await ids(database, account, search="ACME S.L.") == [
        book.alpha,
        book.draft,
        book.rectificative,
    ]
    assert await ids(database, account, search=" sx1 ") == [book.gamma]
    assert await ids(database, account, search="beta 100%") == [book.beta, book.gamma]
    assert await ids(database, account, search="B27346063") == [book.beta, book.gamma]
    assert await ids(database, account, search="order-28") == [book.gamma]
    assert await ids(database, account, search="a_o") == [book.gamma]  # "_" is not a wildcard
    assert await ids(database, account, search="100%", kind="draft") == []


async def test_bad_filters_name_their_field(database: Database, account: Account) -> None:
    today = account_today(account)
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"search": "ab"}, ["search"]),
        ({"search": "  ab  "}, ["search"]),
        ({"kind": "quote"}, ["type_id"]),
        ({"status": "paid"}, ["status"]),
        ({"date_from": today, "date_to": today - dt.timedelta(days=1)}, ["from"]),
        ({"search": "x", "status": "x"}, ["status", "search"]),
    ]
    for flt, fields in cases:
        with pytest.raises(ValidationFailed) as refused:
            await listed(database, account, InvoiceFilter(**flt))
        assert [f.field for f in refused.value.fields] == fields, flt
    with pytest.raises(ValidationFailed) as refused:
        await listed(database, account, order_by="number_of_lines")
    assert [f.field for f in refused.value.fields] == ["order"]


def sort_key(order: str) -> Any:
    def key(invoice: Invoice) -> tuple[Any, int]:
        return (getattr(invoice, order), invoice.id)

    return key


async def test_every_order_ascending_and_descending(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    book = await ledger(database, account, catalogue)
    everything = (await listed(database, account, InvoiceFilter(status="issued"))).items
    assert {i.id for i in everything} == {book.alpha, book.beta, book.gamma}

    for order in ORDERS:
        for descending in (False, True):
            page = await listed(
                database,
                account,
                InvoiceFilter(status="issued"),
                order_by=order,
                descending=descending,
            )
            expected = sorted(everything, key=sort_key(order), reverse=descending)
            assert [i.id for i in page.items] == [i.id for i in expected], (order, descending)
    by_total = await listed(
        database, account, InvoiceFilter(status="issued"), order_by="total_with_taxes"
    )
    assert [i.total_with_taxes for i in by_total.items] == [
        Decimal("53.00"),
        Decimal("363.00"),
        Decimal("832.00"),
    ]


async def walk(
    database: Database, account: Account, order: str, descending: bool, limit: int
) -> tuple[list[int], list[int]]:
    """Every id forward with ``after`` cursors, then backward from the end with ``before``."""
    forward: list[int] = []
    pages: list[Page[Invoice]] = []
    after: str | None = None
    for _ in range(20):  # a cursor that does not move on must not hang the suite
        page = await listed(
            database, account, order_by=order, descending=descending, limit=limit, after=after
        )
        pages.append(page)
        forward += [i.id for i in page.items]
        assert page.has_previous == (after is not None)
        if not page.has_next or not page.cursors:
            break
        after = page.cursors[-1]
    backward = [i.id for i in pages[-1].items]
    before = pages[-1].cursors[0] if pages[-1].cursors else None
    for _ in range(20):
        if before is None:
            break
        page = await listed(
            database, account, order_by=order, descending=descending, limit=limit, before=before
        )
        backward = [i.id for i in page.items] + backward
        assert page.has_next
        if not page.has_previous or not page.cursors:
            break
        before = page.cursors[0]
    return forward, backward


async def drafts_with_ties(
    database: Database, account: Account, catalogue: Catalogue, *, missing_due_dates: bool = False
) -> None:
    """Eight drafts whose names, dates, due dates and amounts tie in places."""
    today = account_today(account)
    for number, (name, days_ago, price) in enumerate(
        [
            ("Delta", 3, "10"),
            ("Alpha", 1, "20"),
            ("Delta", 3, "10"),
            ("Charlie", 0, "5.5"),
            ("Bravo", 1, "20"),
            ("Delta", 2, "100"),
            ("Alpha", 3, "0"),
            ("Echo", 0, "10"),
        ]
    ):
        date = today - dt.timedelta(days=days_ago)
        due: dict[str, Any] = {}
        if missing_due_dates and number % 3 == 0:
            due = {"due_date": None}
        await new_draft(
            database,
            account,
            catalogue,
            [line(catalogue, price=price)],
            name=name,
            date=date,
            **due,
        )


async def assert_walks(database: Database, account: Account, orders: tuple[str, ...]) -> None:
    for order in orders:
        for descending in (False, True):
            full = await listed(database, account, order_by=order, descending=descending, limit=100)
            forward, backward = await walk(database, account, order, descending, limit=3)
            assert forward == [i.id for i in full.items], (order, descending)
            assert backward == forward, (order, descending)


async def test_cursor_pages_forward_and_backward_in_every_order(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    await drafts_with_ties(database, account, catalogue)

    await assert_walks(database, account, ("id", "name", "date", "due_date"))


async def test_cursor_pages_by_amount(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    await drafts_with_ties(database, account, catalogue)

    await assert_walks(database, account, ("total_before_taxes", "total_taxes", "total_with_taxes"))


async def test_cursor_pages_over_missing_due_dates(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    await drafts_with_ties(database, account, catalogue, missing_due_dates=True)

    await assert_walks(database, account, ("due_date",))


async def test_offset_pages(database: Database, account: Account, catalogue: Catalogue) -> None:
    await ledger(database, account, catalogue)

    first = await listed(database, account, limit=2)
    second = await listed(database, account, limit=2, offset=2)
    last = await listed(database, account, limit=2, offset=4)

    assert (first.total, first.has_previous, first.has_next) == (5, False, True)
    assert (second.has_previous, second.has_next) == (True, True)
    assert (len(last.items), last.has_previous, last.has_next) == (1, True, False)
    everything = [i.id for p in (first, second, last) for i in p.items]
    assert everything == sorted(everything)
    assert (await listed(database, account, limit=2, with_total=False)).total is None
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}):
        with pytest.raises(ValidationFailed):
            PageRequest(**bad)  # type: ignore[arg-type]


async def test_lines_are_loaded_only_when_asked(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    await new_draft(database, account, catalogue)

    async with database.sessions() as session:
        page = await list_invoices(session, account, PageRequest(), with_lines=True)

    assert [ln.description for ln in page.items[0].lines] == ["Service"]


async def test_cursor_pages_by_number_over_drafts_and_issued(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """Found by schemathesis on GraphQL (``order: {field: NUMBER}``): a draft's missing number
    sorted as a sentinel beyond PostgreSQL's INTEGER, so every number order was a 500 there."""
    book = await ledger(database, account, catalogue)

    await assert_walks(database, account, ("number",))
    ascending = await listed(database, account, order_by="number", limit=100)
    drafts = {book.draft, book.rectificative}
    assert {i.id for i in ascending.items[:2]} == drafts  # no number sorts first ascending
    assert [i.number for i in ascending.items[2:]] == sorted(i.number for i in ascending.items[2:])
