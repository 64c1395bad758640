"""Drafts: create, change and delete; lines from a product or in full; every bad field at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import NotFound, ValidationFailed
from invoicegraph.services.clients import ClientInput, update_client
from invoicegraph.services.invoices import (
    InvoiceData,
    InvoiceFilter,
    TextData,
    create_draft,
    delete_invoice,
    list_invoices,
)
from invoicegraph.services.invoices.loading import account_today
from invoicegraph.services.lines import LineData
from invoicegraph.services.pagination import PageRequest
from tests.parties import CLIENT_ADDRESS

from .conftest import Catalogue
from .helpers import fields_of, get, line, new_draft, update


async def test_the_orzame_invoice_a_is_created_to_the_cent(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """A line written in full with IRPF and IVA, and a line from a product (its data copied)."""
    draft_id = await new_draft(
        database,
        account,
        catalogue,
        [
            line(
                catalogue,
                "Development and services",
                "1",
                "1800",
                taxes=["IRPF (-15%)", "IVA (21%)"],
            ),
            LineData(product=catalogue.product_id),
        ],
        name="Development and services invoice",
        notes="Automatically created invoice via API",
        intro_texts=[TextData("Header", "# Invoice")],
    )

    invoice = await get(database, account, draft_id)
    assert invoice.status == "draft" and invoice.number is None and invoice.series_id is None
    development, consulting = invoice.lines
    assert [t.total for t in development.taxes] == [Decimal("-270"), Decimal("378")]
    assert (development.total_taxes, development.total_with_taxes) == (
        Decimal("108"),
        Decimal("1908"),
    )
    assert consulting.product_id == catalogue.product_id
    assert consulting.description == "Consulting with discount 5%"
    assert consulting.sku == "CS200010005"
    assert (consulting.quantity, consulting.price, consulting.discount) == (1, 2250, 5)
    assert [(t.name, t.percentage) for t in consulting.taxes] == [("IVA (21%)", 21)]
    assert consulting.total_discount == Decimal("112.5")
    assert consulting.total_before_taxes == Decimal("2137.5")
    assert consulting.total_with_taxes == Decimal("2586.38")
    assert invoice.total_before_taxes == Decimal("3937.5")
    assert invoice.total_taxes == Decimal("556.88")
    assert invoice.total_with_taxes == Decimal("4494.38")
    assert invoice.total_withholding == Decimal("-270")
    assert invoice.recipient_name == "Acme S.L." and invoice.recipient_tax_id == "B87654323"
    assert invoice.issuer_name == account.name and invoice.issuer_tax_id == account.tax_id
    assert invoice.payment_method_id == catalogue.payment_method_id
    assert invoice.intro_texts == [{"label": "Header", "text": "# Invoice"}]


async def test_the_orzame_invoice_b_is_created_to_the_cent(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(
        database,
        account,
        catalogue,
        [
            line(catalogue, "Producto one", "1", "2015", "10", ["IVA (4%)"]),
            line(catalogue, "Service two", "1", "2500", "15", ["IVA (21%)", "IRPF (-15%)"]),
        ],
    )

    invoice = await get(database, account, draft_id)
    assert [ln.total_with_taxes for ln in invoice.lines] == [Decimal("1886.04"), Decimal("2252.5")]
    assert [t.total for t in invoice.lines[1].taxes] == [Decimal("446.25"), Decimal("-318.75")]
    assert (invoice.total_before_taxes, invoice.total_taxes, invoice.total_with_taxes) == (
        Decimal("3938.5"),
        Decimal("200.04"),
        Decimal("4138.54"),
    )


async def test_a_facturovia_item_with_a_bare_vat_rate(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    item = LineData(
        description="Filtro de aceite Toyota Corolla",
        quantity=Decimal(2),
        price=Decimal("15.99"),
        vat_rate=Decimal(21),
        discount=Decimal(0),
    )
    draft_id = await new_draft(database, account, catalogue, [item], currency="EUR")

    invoice = await get(database, account, draft_id)
    (only,) = invoice.lines
    assert [(t.kind, t.name, t.tax_id) for t in only.taxes] == [
        ("vat", "IVA (21%)", catalogue.taxes["IVA (21%)"])
    ]
    assert (invoice.total_before_taxes, invoice.total_taxes, invoice.total_with_taxes) == (
        Decimal("31.98"),
        Decimal("6.72"),
        Decimal("38.70"),
    )


async def test_a_product_line_may_override_what_it_copies(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(
        database,
        account,
        catalogue,
        [
            LineData(
                product=catalogue.product_id,
                quantity=Decimal(2),
                discount=Decimal(0),
                taxes=[catalogue.taxes["IVA (10%)"]],
            ),
            LineData(product=catalogue.product_id, vat_rate=Decimal(4)),
        ],
    )

    first, second = (await get(database, account, draft_id)).lines
    assert (first.quantity, first.price, first.discount) == (2, 2250, 0)
    assert [t.name for t in first.taxes] == ["IVA (10%)"]
    assert first.total_with_taxes == Decimal("4950")
    assert [t.name for t in second.taxes] == ["IVA (4%)"]


async def test_a_client_changed_later_leaves_the_draft_as_it_was(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(database, account, catalogue)
    async with database.sessions() as session:
        await update_client(
            session, account, catalogue.client_id, ClientInput(**CLIENT_ADDRESS, name="Renamed")
        )

    assert (await get(database, account, draft_id)).recipient_name == "Acme S.L."
    reloaded = await update(database, account, draft_id, client=catalogue.client_uuid)
    assert reloaded.recipient_name == "Renamed"


async def test_an_external_reference_of_255_characters_is_found_by_exact_match(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    reference = "ORDER-" + "9" * 249
    draft_id = await new_draft(database, account, catalogue, external_reference=reference)
    await new_draft(database, account, catalogue, external_reference=reference[:-1])

    assert (await get(database, account, draft_id)).external_reference == reference
    async with database.sessions() as session:
        page = await list_invoices(
            session, account, PageRequest(), InvoiceFilter(external_reference=reference)
        )
    assert [i.id for i in page.items] == [draft_id]
    async with database.sessions() as session:
        page = await list_invoices(
            session, account, PageRequest(), InvoiceFilter(external_reference="ORDER-")
        )
    assert page.items == []


async def test_an_external_reference_of_256_characters_is_refused(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await new_draft(database, account, catalogue, external_reference="x" * 256)

    assert [(f.field, f.code) for f in refused.value.fields] == [("external_reference", "too_long")]


async def test_another_currency_with_its_exchange_rate(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(
        database, account, catalogue, currency="usd", exchange_rate=Decimal("1.084512")
    )

    invoice = await get(database, account, draft_id)
    assert invoice.currency == "USD" and invoice.exchange_rate == Decimal("1.084512")
    assert (
        await get(database, account, await new_draft(database, account, catalogue))
    ).currency == ("EUR")


async def test_a_bad_currency_and_exchange_rate_are_both_reported(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await new_draft(database, account, catalogue, currency="EURO", exchange_rate=Decimal(0))

    assert fields_of(refused.value) == ["currency", "exchange_rate"]


async def test_the_due_date_comes_from_the_term(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    date = account_today(account) - dt.timedelta(days=3)
    days = dt.timedelta(days=catalogue.term_days)
    explicit = await new_draft(
        database, account, catalogue, date=date, due_date_term=catalogue.term_id
    )
    by_default = await new_draft(database, account, catalogue, date=date)
    given = await new_draft(database, account, catalogue, date=date, due_date=date)

    assert (await get(database, account, explicit)).due_date == date + days
    default = await get(database, account, by_default)
    assert default.due_date == date + days and default.due_date_term_id == catalogue.term_id
    assert (await get(database, account, given)).due_date == date

    moved = await update(database, account, by_default, date=date - dt.timedelta(days=10))
    assert moved.due_date == date - dt.timedelta(days=10) + days
    cleared = await update(database, account, by_default, due_date_term=None)
    assert cleared.due_date is None and cleared.due_date_term_id is None


async def test_an_update_tells_explicit_null_from_omitted(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(
        database, account, catalogue, name="Named", notes="private", external_reference="ORD-1"
    )

    kept = await update(database, account, draft_id, notes="changed")
    assert (kept.name, kept.notes, kept.external_reference) == ("Named", "changed", "ORD-1")
    assert kept.recipient_name == "Acme S.L." and len(kept.lines) == 1

    nulled = await update(
        database, account, draft_id, name=None, external_reference=None, client=None
    )
    assert (nulled.name, nulled.notes, nulled.external_reference) == (None, "changed", None)
    assert nulled.client_id is None and nulled.recipient_name is None
    assert nulled.payment_method_id == catalogue.payment_method_id

    emptied = await update(database, account, draft_id, lines=[], intro_texts=[])
    assert emptied.lines == [] and emptied.total_with_taxes == 0 and emptied.intro_texts == []


async def test_updating_the_lines_replaces_them_and_the_totals(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(database, account, catalogue)

    changed = await update(
        database,
        account,
        draft_id,
        lines=[line(catalogue, "A", "2", "10"), line(catalogue, "B", "1", "5", taxes=[])],
    )

    assert [ln.description for ln in changed.lines] == ["A", "B"]
    assert changed.total_with_taxes == Decimal("29.20")
    again = await get(database, account, draft_id)
    assert [(ln.position, ln.description) for ln in again.lines] == [(1, "A"), (2, "B")]
    assert again.total_with_taxes == Decimal("29.20")


async def test_every_offending_field_is_listed_at_once(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    bad_quantity = LineData(description="A", quantity=Decimal("1.00001"), price=Decimal(1))
    bad_price = LineData(description="B", quantity=Decimal(1))

    with pytest.raises(ValidationFailed) as refused:
        await new_draft(database, account, catalogue, [bad_quantity, bad_price])
    assert fields_of(refused.value) == ["lines.0.quantity", "lines.1.price"]

    with pytest.raises(ValidationFailed) as refused:
        await new_draft(
            database,
            account,
            catalogue,
            [
                LineData(product=999_999),
                LineData(description="", quantity=Decimal(1), price=Decimal(1), taxes=[999_999]),
                LineData(
                    description="C",
                    quantity=Decimal(1),
                    price=Decimal(1),
                    discount=Decimal(101),
                    taxes=[catalogue.taxes["IVA (21%)"], catalogue.taxes["IVA (10%)"]],
                ),
                LineData(
                    description="D", quantity=Decimal(1), price=Decimal(1), vat_rate=Decimal(7)
                ),
            ],
            client=999_999,
            lang="xx",
        )
    assert sorted(fields_of(refused.value)) == sorted(
        [
            "lang",
            "client_id",
            "lines.0.product_id",
            "lines.1.taxes.0",
            "lines.1.description",
            "lines.2.discount",
            "lines.2.taxes",
            "lines.3.vat_rate",
        ]
    )


async def test_a_line_sku_longer_than_its_column_is_a_validation_error(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    too_long = LineData(description="A", quantity=Decimal(1), price=Decimal(1), sku="S" * 65)

    with pytest.raises(ValidationFailed) as refused:
        await new_draft(database, account, catalogue, [too_long])

    assert fields_of(refused.value) == ["lines.0.sku"]


async def test_nothing_is_written_when_a_draft_is_refused(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    with pytest.raises(ValidationFailed):
        await new_draft(database, account, catalogue, [LineData(description="A")])

    async with database.sessions() as session:
        assert (await list_invoices(session, account, PageRequest())).total == 0


async def test_a_draft_is_deleted(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(database, account, catalogue)

    async with database.sessions() as session:
        await delete_invoice(session, account, draft_id)

    with pytest.raises(NotFound):
        await get(database, account, draft_id)


async def test_a_draft_without_anything_is_a_valid_empty_draft(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        draft = await create_draft(session, account, InvoiceData())

    invoice = await get(database, account, draft.uuid)
    assert invoice.lines == [] and invoice.total_with_taxes == 0
    assert invoice.date == account_today(account) and invoice.lang == account.default_lang


async def test_the_issuer_is_reloaded_only_when_asked(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    draft_id = await new_draft(database, account, catalogue)
    issued_from = account.address
    account.name, account.address = "Acme Renamed S.A.", "Gran Via 2"  # the account moved on

    kept = await update(database, account, draft_id, notes="x")
    assert kept.issuer_name == "Acme Inc. S.A." and kept.issuer_address == issued_from
    reloaded = await update(database, account, draft_id, reload_issued_by=True)
    assert (reloaded.issuer_name, reloaded.issuer_address) == ("Acme Renamed S.A.", "Gran Via 2")


async def test_a_bad_exchange_rate_is_one_error(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    for rate, code in (
        (1.08, "invalid"),
        (Decimal("1.0000001"), "invalid"),
        (Decimal(-1), "out_of_range"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            await new_draft(database, account, catalogue, exchange_rate=rate)
        assert [(f.field, f.code) for f in refused.value.fields] == [("exchange_rate", code)], rate
