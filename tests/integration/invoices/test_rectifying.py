"""Rectificative invoices: full or partial, capped across every earlier rectification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import Conflict, ValidationFailed
from invoicegraph.services.catalog import SeriesInput, create_series
from invoicegraph.services.invoices import IssueOptions, delete_invoice
from invoicegraph.services.invoices.loading import account_today

from .conftest import Catalogue
from .helpers import (
    fields_of,
    get,
    issue,
    line,
    new_draft,
    new_issued,
    rectify,
    returned,
    update,
)

TOTALS = ("subtotal", "total_discount", "total_before_taxes", "total_taxes", "total_with_taxes")


async def returns_order(database: Database, account: Account, catalogue: Catalogue) -> int:
    """The Facturovia seed's order: one oil filter and two timing belts, with references."""
    return await new_issued(
        database,
        account,
        catalogue,
        [
            line(catalogue, "Filtro aceite REF-001", "1", "15.99", reference="REF-001"),
            line(catalogue, "Correa distribución REF-045", "2", "89.50", reference="REF-045"),
        ],
        external_reference="ORDER-2847",
    )


async def assert_sums_to_zero(database: Database, account: Account, *ids: int) -> None:
    invoices = [await get(database, account, i) for i in ids]
    for name in TOTALS:
        assert sum(getattr(i, name) for i in invoices) == 0, name


async def test_a_full_rectification_negates_every_line_as_a_draft(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await new_issued(
        database,
        account,
        catalogue,
        [
            line(catalogue, "Consulting", "1", "2250", "5"),
            line(catalogue, "Development", "1", "1800", taxes=["IRPF (-15%)", "IVA (21%)"]),
        ],
    )
    assert (await get(database, account, original_id)).rectified_status == "none"

    draft = await rectify(database, account, original_id, reason="Wrong client")

    rectificative = await get(database, account, draft.id)
    original = await get(database, account, original_id)
    assert (rectificative.status, rectificative.is_rectificative) == ("draft", True)
    assert rectificative.rectifies_invoice_id == original_id
    assert (rectificative.rectification_cause, rectificative.rectification_reason) == (
        "R1",
        "Wrong client",
    )
    assert rectificative.name == "Rectificativa de F1"
    assert [(ln.description, ln.quantity, ln.price) for ln in rectificative.lines] == [
        ("Consulting", -1, 2250),
        ("Development", -1, 1800),
    ]
    assert [ln.rectifies_line_id for ln in rectificative.lines] == [ln.id for ln in original.lines]
    assert [t.total for t in rectificative.lines[1].taxes] == [Decimal("270"), Decimal("-378")]
    assert rectificative.total_with_taxes == Decimal("-4494.38")
    assert rectificative.recipient_name == original.recipient_name
    assert original.rectified_status == "full"
    await assert_sums_to_zero(database, account, original_id, draft.id)

    issued = await issue(database, account, draft.id)
    assert (issued.id, issued.full_number, issued.series_id) == (
        draft.id,
        "R1",
        catalogue.series["R"],
    )


async def test_the_issue_now_form_issues_in_the_rectificative_series(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await new_issued(database, account, catalogue)
    today = account_today(account)

    issued = await rectify(
        database,
        account,
        original_id,
        issue=IssueOptions(date=today, series=catalogue.series["R"]),
    )

    stored = await get(database, account, issued.id)
    assert (stored.status, stored.full_number, stored.date) == ("issued", "R1", today)
    assert stored.total_with_taxes == Decimal("-121")


async def test_the_issue_now_form_refuses_an_ordinary_series_and_writes_nothing(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await new_issued(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await rectify(
            database, account, original_id, issue=IssueOptions(series=catalogue.series["F"])
        )

    assert fields_of(refused.value) == ["serie_id"]
    assert (await get(database, account, original_id)).rectified_status == "none"
    await rectify(database, account, original_id)  # nothing was taken


async def test_a_partial_rectification_by_reference_and_by_description(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await returns_order(database, account, catalogue)

    first = await rectify(
        database, account, original_id, [returned("1", reference="ref-045")], cause="R4"
    )
    second = await rectify(
        database, account, original_id, [returned("1", description="filtro aceite  ref-001")]
    )

    one = await get(database, account, first.id)
    assert [(ln.description, ln.quantity) for ln in one.lines] == [
        ("Correa distribución REF-045", -1)
    ]
    assert one.rectification_cause == "R4"
    assert one.total_with_taxes == Decimal("-108.30")
    assert [
        (ln.description, ln.quantity) for ln in (await get(database, account, second.id)).lines
    ] == [("Filtro aceite REF-001", -1)]
    assert (await get(database, account, original_id)).rectified_status == "partial"


async def test_the_facturovia_return_workflow(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """The seed creates the original without references and rectifies with them."""
    original_id = await new_issued(
        database,
        account,
        catalogue,
        [
            line(catalogue, "Filtro aceite REF-001", "1", "15.99"),
            line(catalogue, "Correa distribución REF-045", "2", "89.50"),
        ],
        external_reference="ORDER-2847",
    )

    rectificative = await rectify(
        database,
        account,
        original_id,
        [
            returned("1", reference="REF-001", description="Filtro aceite REF-001"),
            returned("2", reference="REF-045", description="Correa distribución REF-045"),
        ],
        cause="R1",
        reason="Devolución parcial — piezas defectuosas",
    )

    assert rectificative.status == "draft" and rectificative.is_rectificative
    assert (
        rectificative.total_with_taxes
        == -(await get(database, account, original_id)).total_with_taxes
    )
    assert (await get(database, account, original_id)).rectified_status == "full"


async def test_quantities_are_capped_across_earlier_rectifications_drafts_included(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await returns_order(database, account, catalogue)
    await rectify(database, account, original_id, [returned("1", reference="REF-045")])

    with pytest.raises(ValidationFailed) as refused:
        await rectify(database, account, original_id, [returned("2", reference="REF-045")])
    assert [(f.field, f.code) for f in refused.value.fields] == [
        ("items.0.quantity", "exceeds_remaining")
    ]

    await rectify(
        database,
        account,
        original_id,
        [returned("1", reference="REF-045"), returned("1", reference="REF-001")],
    )
    assert (await get(database, account, original_id)).rectified_status == "full"
    with pytest.raises(Conflict):
        await rectify(database, account, original_id)
    with pytest.raises(ValidationFailed):
        await rectify(database, account, original_id, [returned("1", reference="REF-001")])


async def test_unmatched_items_are_named(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await returns_order(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await rectify(
            database,
            account,
            original_id,
            [
                returned("1", description="Pastillas de freno"),
                returned("1", reference="REF-001"),
                returned("1", reference="REF-999"),
            ],
        )

    assert [(f.field, f.code) for f in refused.value.fields] == [
        ("items.0.description", "no_match"),
        ("items.2.reference", "no_match"),
    ]
    assert (await get(database, account, original_id)).rectified_status == "none"


async def test_a_full_rectification_after_partials_takes_what_remains_and_closes_to_the_cent(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """2 × 0.25 at 21 %: 0.11 of IVA, while one unit alone is 0.05 of IVA."""
    original_id = await new_issued(
        database,
        account,
        catalogue,
        [line(catalogue, "Tornillo", "2", "0.25"), line(catalogue, "Tuerca", "3", "0.35", "10")],
    )

    first = await rectify(database, account, original_id, [returned("1", description="Tornillo")])
    second = await rectify(database, account, original_id, [returned("2", description="Tuerca")])
    last = await rectify(database, account, original_id)

    closing = await get(database, account, last.id)
    assert [(ln.description, ln.quantity) for ln in closing.lines] == [
        ("Tornillo", -1),
        ("Tuerca", -1),
    ]
    assert (await get(database, account, first.id)).total_taxes == Decimal("-0.05")
    assert closing.lines[0].total_taxes == Decimal("-0.06")
    await assert_sums_to_zero(database, account, original_id, first.id, second.id, last.id)


async def test_causes_r1_to_r4_and_r5_only_for_simplified_invoices(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await new_issued(database, account, catalogue, [line(catalogue, quantity="4")])
    for index, cause in enumerate(("R1", "R2", "R3", "R4")):
        rectificative = await rectify(
            database, account, original_id, [returned("1", description="Service")], cause=cause
        )
        assert rectificative.rectification_cause == cause, index
    with pytest.raises(ValidationFailed) as refused:
        await rectify(database, account, original_id, cause="R5")
    assert fields_of(refused.value) == ["causa_rectificacion"]

    async with database.sessions() as session:
        await create_series(session, account, SeriesInput(code="T", kind="simplified"))
    ticket_id = await new_issued(database, account, catalogue, client=None, is_simplified=True)
    with pytest.raises(ValidationFailed):
        await rectify(database, account, ticket_id, cause="R1")
    rectified = await rectify(database, account, ticket_id)
    assert rectified.rectification_cause == "R5" and rectified.is_simplified
    issued = await issue(database, account, rectified.id)
    assert issued.full_number == "R1" and issued.recipient_name is None


async def test_a_draft_or_a_draft_rectificative_is_not_rectified(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """Only issued invoices are rectified (an issued rectificative too: test_corrections)."""
    original_id = await new_issued(database, account, catalogue)
    draft_rectificative = await rectify(database, account, original_id)
    draft_id = await new_draft(database, account, catalogue)

    for target in (draft_rectificative.id, draft_id):
        with pytest.raises(Conflict):
            await rectify(database, account, target)


async def test_deleting_a_draft_rectificative_gives_the_quantity_back(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await returns_order(database, account, catalogue)
    partial = await rectify(database, account, original_id, [returned("2", reference="REF-045")])
    full = await rectify(database, account, original_id)
    assert (await get(database, account, original_id)).rectified_status == "full"

    async with database.sessions() as session:
        await delete_invoice(session, account, full.id)
    assert (await get(database, account, original_id)).rectified_status == "partial"
    async with database.sessions() as session:
        await delete_invoice(session, account, partial.id)
    assert (await get(database, account, original_id)).rectified_status == "none"

    again = await rectify(database, account, original_id, [returned("2", reference="REF-045")])
    assert [ln.quantity for ln in again.lines] == [-2]


async def test_deleting_the_last_issued_rectificative_gives_the_quantity_back(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await returns_order(database, account, catalogue)
    issued = await rectify(
        database, account, original_id, issue=IssueOptions(date=account_today(account))
    )

    async with database.sessions() as session:
        await delete_invoice(session, account, issued.id)

    assert (await get(database, account, original_id)).rectified_status == "none"
    again = await rectify(database, account, original_id, issue=IssueOptions())
    assert again.full_number == "R1"


async def test_a_rectificative_keeps_the_original_parties_and_currency(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await new_issued(
        database, account, catalogue, currency="USD", exchange_rate=Decimal("1.1")
    )

    rectificative = await get(database, account, (await rectify(database, account, original_id)).id)

    assert (rectificative.currency, rectificative.exchange_rate) == ("USD", Decimal("1.1"))
    assert rectificative.client_id == catalogue.client_id
    assert rectificative.date == account_today(account)
    assert rectificative.date >= dt.date(2000, 1, 1)


async def test_a_draft_rectificative_keeps_the_lines_and_parties_of_its_original(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """Its lines are what it takes back from the original: editing them would slip past the
    cap (or give quantities back) without the original knowing."""
    original_id = await returns_order(database, account, catalogue)
    draft = await rectify(database, account, original_id, [returned("1", reference="REF-001")])

    with pytest.raises(Conflict) as refused:
        await update(
            database,
            account,
            draft.id,
            lines=[line(catalogue, "Correa distribución REF-045", "-20", "89.50")],
            client=None,
            currency="USD",
        )
    assert refused.value.fields == ["client", "currency", "lines"]

    changed = await update(
        database, account, draft.id, name="Abono", notes="Devolución", currency="EUR"
    )
    assert (changed.name, changed.notes, len(changed.lines)) == ("Abono", "Devolución", 1)
    assert (await get(database, account, original_id)).rectified_status == "partial"
