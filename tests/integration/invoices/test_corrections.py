"""Corrections as the law allows (issue 14 point 7): a line's new price, discount or quantity
by differences, the whole invoice restated by substitution, and a rectificative rectified."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.domain.errors import Conflict, ValidationFailed
from invoicegraph.domain.rectification import LineCorrection

from .conftest import Catalogue
from .helpers import fields_of, get, issue, line, new_issued, rectify, returned


async def order(database: Database, account: Account, catalogue: Catalogue) -> int:
    """The Facturovia seed's order: one oil filter and two timing belts."""
    return await new_issued(
        database,
        account,
        catalogue,
        [
            line(catalogue, "Filtro aceite REF-001", "1", "15.99", reference="REF-001"),
            line(catalogue, "Correa distribución REF-045", "2", "89.50", reference="REF-045"),
        ],
    )


def figures(invoice: object) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            line.reference or "",
            f"{line.quantity.normalize():f}",
            f"{line.price.normalize():f}",
            f"{line.discount.normalize():f}",
            f"{line.total_before_taxes:f}",
        )
        for line in invoice.lines  # type: ignore[attr-defined]
    ]


async def test_a_new_price_by_differences_takes_the_line_back_and_states_it_again(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await order(database, account, catalogue)

    draft = await rectify(
        database,
        account,
        original_id,
        corrections=[LineCorrection(reference="REF-045", price=Decimal("80"))],
        reason="Precio pactado 80 €",
    )

    rectificative = await get(database, account, draft.id)
    assert rectificative.rectification_kind == "I"
    assert figures(rectificative) == [
        ("REF-045", "-2", "89.5", "0", "-179.00"),
        ("REF-045", "2", "80", "0", "160.00"),
    ]
    assert rectificative.lines[0].rectifies_line_id is not None
    assert rectificative.lines[1].rectifies_line_id is None
    # the difference, taxed on the summed base of its rate: -19.00 base, -3.99 IVA
    assert (rectificative.total_before_taxes, rectificative.total_vat) == (
        Decimal("-19.00"),
        Decimal("-3.99"),
    )
    assert (await get(database, account, original_id)).rectified_status == "partial"


async def test_a_discount_or_a_quantity_granted_afterwards(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await order(database, account, catalogue)

    draft = await rectify(
        database,
        account,
        original_id,
        corrections=[
            LineCorrection(description="Filtro aceite REF-001", discount=Decimal("10")),
            LineCorrection(reference="REF-045", quantity=Decimal("1.5")),
        ],
    )

    assert figures(await get(database, account, draft.id)) == [
        ("REF-001", "-1", "15.99", "0", "-15.99"),
        ("REF-001", "1", "15.99", "10", "14.39"),
        ("REF-045", "-2", "89.5", "0", "-179.00"),
        ("REF-045", "1.5", "89.5", "0", "134.25"),
    ]


async def test_corrections_name_every_bad_line_at_once(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await order(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await rectify(
            database,
            account,
            original_id,
            corrections=[
                LineCorrection(reference="REF-999", price=Decimal("1")),
                LineCorrection(reference="REF-045", price=Decimal("89.50")),
                LineCorrection(reference="REF-001", discount=Decimal("120")),
                LineCorrection(price=Decimal("1")),
            ],
        )

    assert fields_of(refused.value) == [
        "corrections.0.reference",
        "corrections.1",
        "corrections.2.discount",
        "corrections.3.reference",
    ]
    assert [f.code for f in refused.value.fields] == [
        "no_match",
        "unchanged",
        "out_of_range",
        "required",
    ]
    assert (await get(database, account, original_id)).rectified_status == "none"


async def test_items_and_corrections_do_not_mix(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await order(database, account, catalogue)

    with pytest.raises(ValidationFailed) as refused:
        await rectify(
            database,
            account,
            original_id,
            [returned("1", reference="REF-001")],
            corrections=[LineCorrection(reference="REF-045", price=Decimal("80"))],
        )

    assert fields_of(refused.value) == ["corrections"]


async def test_a_substitution_restates_the_whole_invoice_and_replaces_it(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await order(database, account, catalogue)

    draft = await rectify(
        database,
        account,
        original_id,
        kind="S",
        corrections=[LineCorrection(reference="REF-045", price=Decimal("80"))],
    )

    rectificative = await get(database, account, draft.id)
    assert rectificative.rectification_kind == "S"
    assert figures(rectificative) == [
        ("REF-001", "1", "15.99", "0", "15.99"),
        ("REF-045", "2", "80", "0", "160.00"),
    ]
    assert (rectificative.total_before_taxes, rectificative.total_with_taxes) == (
        Decimal("175.99"),
        Decimal("212.95"),
    )
    assert (await get(database, account, original_id)).rectified_status == "full"
    with pytest.raises(Conflict, match="fully rectified"):
        await rectify(database, account, original_id)


async def test_a_substitution_is_refused_once_the_invoice_was_corrected(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    original_id = await order(database, account, catalogue)
    await rectify(database, account, original_id, [returned("1", reference="REF-045")])

    with pytest.raises(Conflict) as refused:
        await rectify(
            database,
            account,
            original_id,
            kind="S",
            corrections=[LineCorrection(reference="REF-001", price=Decimal("14"))],
        )
    assert refused.value.fields == ["rectification_type"]

    for wrong in ({"kind": "X"}, {"kind": "S"}, {"kind": "S", "items": [returned("1")]}):
        with pytest.raises(ValidationFailed):
            await rectify(database, account, original_id, **wrong)  # type: ignore[arg-type]


async def test_a_rectificative_can_itself_be_rectified(
    database: Database, account: Account, catalogue: Catalogue
) -> None:
    """A price corrected by mistake: the correction is undone by rectifying it, and a belt
    later returned is taken back from the corrected line, at the corrected price."""
    original_id = await order(database, account, catalogue)
    correction = await rectify(
        database,
        account,
        original_id,
        corrections=[LineCorrection(reference="REF-045", price=Decimal("80"))],
    )
    correction_id = (await issue(database, account, correction.id)).id

    returned_belt = await rectify(
        database, account, correction_id, [returned("1", reference="REF-045")]
    )
    assert figures(await get(database, account, returned_belt.id)) == [
        ("REF-045", "-1", "80", "0", "-80.00"),
    ]
    undo = await rectify(database, account, correction_id)
    # what is left of the correction: +2 belts at 89.50 back, 1 belt at 80 still to take back
    assert figures(await get(database, account, undo.id)) == [
        ("REF-045", "2", "89.5", "0", "179.00"),
        ("REF-045", "-1", "80", "0", "-80.00"),
    ]
    issued = await issue(database, account, undo.id)
    assert issued.rectifies_invoice_id == correction_id and issued.full_number == "R2"
    assert (await get(database, account, correction_id)).rectified_status == "full"
