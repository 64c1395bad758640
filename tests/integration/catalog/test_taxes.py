"""The tax catalogue: kinds and signs, versioned rates, one default per kind, IVA by rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account, Tax, TaxVersion
from invoicegraph.domain.errors import NotFound, ValidationFailed
from invoicegraph.services.pagination import PageRequest
from invoicegraph.services.taxes import (
    TaxInput,
    create_tax,
    current_rates,
    default_vat_id,
    get_tax,
    list_taxes,
    update_tax,
    vat_by_rate,
)

from .helpers import field_codes


async def _tax_named(database: Database, account: Account, name: str) -> Tax:
    async with database.sessions() as session:
        tax = await session.scalar(
            select(Tax).where(Tax.account_id == account.id, Tax.name == name)
        )
    assert tax is not None
    return tax


async def test_each_kind_takes_a_rate_of_its_sign(database: Database, account: Account) -> None:
    for kind, percentage in (
        ("vat", "21"),
        ("vat", "0"),
        ("withholding", "-19"),
        ("surcharge", "5.2"),
    ):
        async with database.sessions() as session:
            created = await create_tax(
                session,
                account,
                TaxInput(kind=kind, name=f"{kind} {percentage}", percentage=Decimal(percentage)),
            )
        assert created.tax.kind == kind and created.version.percentage == Decimal(percentage)
        assert created.tax.current_version_id == created.version.id
        assert created.version.valid_from == dt.date.today()


async def test_a_rate_of_the_wrong_sign_or_size_is_refused(
    database: Database, account: Account
) -> None:
    for kind, percentage, code in (
        ("withholding", "15", "invalid"),
        ("vat", "-21", "invalid"),
        ("surcharge", "-1.4", "invalid"),
        ("vat", "100.5", "out_of_range"),
        ("vat", "21.00001", "invalid"),
    ):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await create_tax(
                    session, account, TaxInput(kind=kind, name="T", percentage=Decimal(percentage))
                )
        assert field_codes(error.value) == {"percentage": code}, (kind, percentage)


async def test_every_offending_field_is_reported(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_tax(session, account, TaxInput(qualification="S9", exemption_code="E9"))
    assert field_codes(error.value) == {
        "kind": "required",
        "name": "required",
        "percentage": "required",
        "qualification": "invalid",
        "exemption_code": "invalid",
    }
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await create_tax(
                session, account, TaxInput(kind="iva", name="IVA", percentage=Decimal(21))
            )
    assert field_codes(error.value) == {"kind": "invalid_choice"}


async def test_an_exempt_or_not_subject_vat_has_a_zero_rate(
    database: Database, account: Account
) -> None:
    async with database.sessions() as session:
        exempt = await create_tax(
            session,
            account,
            TaxInput(kind="vat", name="Exenta", percentage=Decimal(0), exemption_code="E1"),
        )
    assert exempt.tax.exemption_code == "E1"
    for extra in ({"exemption_code": "E5"}, {"qualification": "N1"}, {"qualification": "S2"}):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await create_tax(
                    session,
                    account,
                    TaxInput(kind="vat", name="X", percentage=Decimal(21), **extra),  # type: ignore[arg-type]
                )
        assert field_codes(error.value) == {"percentage": "invalid"}
    twenty_one = await _tax_named(database, account, "IVA (21%)")
    for ref, data in (
        (twenty_one.id, TaxInput(exemption_code="E2")),  # exempt, but still 21%
        (twenty_one.id, TaxInput(exemption_code="E2", percentage=Decimal("NaN"))),  # one error
    ):
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await update_tax(session, account, ref, data)
        assert field_codes(error.value) == {"percentage": "invalid"}


async def test_an_explicit_null_is_a_validation_error_not_a_crash(
    database: Database, account: Account
) -> None:
    for field in ("valid_from", "is_default", "active", "kind", "name"):
        data = TaxInput(kind="vat", name="IVA 5", percentage=Decimal(5))
        setattr(data, field, None)
        async with database.sessions() as session:
            with pytest.raises(ValidationFailed) as error:
                await create_tax(session, account, data)
        assert list(field_codes(error.value)) == [field]


async def test_a_rate_change_adds_a_version_and_keeps_the_old_one(
    database: Database, account: Account
) -> None:
    tax = await _tax_named(database, account, "IVA (10%)")
    old_version_id = tax.current_version_id
    next_month = dt.date.today() + dt.timedelta(days=30)
    async with database.sessions() as session:
        changed = await update_tax(
            session,
            account,
            tax.uuid,
            TaxInput(name="IVA (12%)", percentage=Decimal(12), valid_from=next_month),
        )
    assert changed.version.id != old_version_id
    assert changed.version.percentage == Decimal(12) and changed.version.valid_from == next_month
    async with database.sessions() as session:
        versions = list(
            await session.scalars(
                select(TaxVersion)
                .where(TaxVersion.account_id == account.id, TaxVersion.tax_id == tax.id)
                .order_by(TaxVersion.id)
            )
        )
    async with database.sessions() as session:
        current = await get_tax(session, account, tax.id)
    assert [(v.id, v.percentage) for v in versions] == [
        (old_version_id, Decimal(10)),
        (changed.version.id, Decimal(12)),
    ]
    assert current.tax.name == "IVA (12%)" and current.version.id == changed.version.id


async def test_the_same_rate_or_a_rename_adds_no_version(
    database: Database, account: Account
) -> None:
    tax = await _tax_named(database, account, "IVA (4%)")
    async with database.sessions() as session:
        same = await update_tax(
            session, account, tax.id, TaxInput(name="Superreducido", percentage=Decimal("4.00"))
        )
    assert same.version.id == tax.current_version_id and same.tax.name == "Superreducido"


async def test_a_new_version_cannot_start_before_the_current_one(
    database: Database, account: Account
) -> None:
    tax = await _tax_named(database, account, "IVA (10%)")
    last_year = dt.date.today() - dt.timedelta(days=365)
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await update_tax(
                session, account, tax.id, TaxInput(percentage=Decimal(11), valid_from=last_year)
            )
    assert field_codes(error.value) == {"valid_from": "invalid"}


async def test_update_refuses_a_new_kind_or_sign_and_changes_nothing(
    database: Database, account: Account
) -> None:
    tax = await _tax_named(database, account, "IRPF (-15%)")
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await update_tax(
                session,
                account,
                tax.id,
                TaxInput(kind="vat", name="", percentage=Decimal(15)),
            )
    assert field_codes(error.value) == {
        "kind": "immutable",
        "name": "required",
        "percentage": "invalid",
    }
    async with database.sessions() as session:
        unchanged = await get_tax(session, account, tax.id)
    assert unchanged.tax.name == "IRPF (-15%)" and unchanged.version.percentage == Decimal(-15)


async def test_one_default_per_kind(database: Database, account: Account) -> None:
    old_default = await _tax_named(database, account, "IVA (21%)")
    assert old_default.is_default
    async with database.sessions() as session:
        new_default = await create_tax(
            session,
            account,
            TaxInput(kind="vat", name="IVA 22", percentage=Decimal(22), is_default=True),
        )
    async with database.sessions() as session:
        defaults = list(
            await session.scalars(
                select(Tax.name).where(Tax.account_id == account.id, Tax.is_default.is_(True))
            )
        )
    async with database.sessions() as session:
        vat_id = await default_vat_id(session, account)
    assert defaults == ["IVA 22"] and vat_id == new_default.tax.id
    async with database.sessions() as session:
        await update_tax(session, account, old_default.id, TaxInput(is_default=True))
    async with database.sessions() as session:
        assert await default_vat_id(session, account) == old_default.id
    withholding = await _tax_named(database, account, "IRPF (-7%)")
    async with database.sessions() as session:
        await update_tax(session, account, withholding.id, TaxInput(is_default=True))
    async with database.sessions() as session:
        assert await default_vat_id(session, account) == old_default.id


async def test_vat_by_rate_finds_the_active_iva_of_that_rate(
    database: Database, account: Account, other_account: Account
) -> None:
    ten = await _tax_named(database, account, "IVA (10%)")
    async with database.sessions() as session:
        await create_tax(
            session, other_account, TaxInput(kind="vat", name="IVA 7", percentage=Decimal(7))
        )
    async with database.sessions() as session, session.begin():
        twenty_one = await vat_by_rate(session, account, Decimal("21.00"))
        ten_found = await vat_by_rate(session, account, Decimal(10))
        surcharge = await vat_by_rate(session, account, Decimal("5.2"))
        theirs = await vat_by_rate(session, account, Decimal(7))
    assert twenty_one is not None and twenty_one.tax.name == "IVA (21%)"
    assert ten_found is not None and ten_found.tax.id == ten.id
    assert surcharge is None and theirs is None
    async with database.sessions() as session:
        await update_tax(session, account, ten.id, TaxInput(percentage=Decimal(11)))
    async with database.sessions() as session:
        await update_tax(
            session,
            account,
            (await _tax_named(database, account, "IVA (4%)")).id,
            TaxInput(active=False),
        )
    async with database.sessions() as session, session.begin():
        assert await vat_by_rate(session, account, Decimal(10)) is None
        eleven = await vat_by_rate(session, account, Decimal(11))
        assert await vat_by_rate(session, account, Decimal(4)) is None
    assert eleven is not None and eleven.tax.id == ten.id


async def test_current_rates_gives_each_taxs_current_version(
    database: Database, account: Account
) -> None:
    vat = await _tax_named(database, account, "IVA (21%)")
    irpf = await _tax_named(database, account, "IRPF (-7%)")
    async with database.sessions() as session, session.begin():
        # 10,000: a number the account has not reached (ids count per account)
        rates = await current_rates(session, account, [vat.id, irpf.id, 10_000])
    assert set(rates) == {vat.id, irpf.id}
    assert rates[irpf.id].version.percentage == Decimal(-7)


async def test_list_taxes_by_kind(database: Database, account: Account) -> None:
    async with database.sessions() as session:
        withholding = await list_taxes(session, account, PageRequest(), kind="withholding")
        everything = await list_taxes(session, account, PageRequest(limit=100))
    assert sorted(t.name for t in withholding.items) == ["IRPF (-15%)", "IRPF (-7%)"]
    assert everything.total == 10
    async with database.sessions() as session:
        with pytest.raises(ValidationFailed) as error:
            await list_taxes(session, account, PageRequest(), kind="iva")
    assert field_codes(error.value) == {"kind": "invalid_choice"}


async def test_another_accounts_tax_is_not_found(
    database: Database, account: Account, other_account: Account
) -> None:
    theirs = await _tax_named(database, other_account, "IVA (21%)")
    # integer ids count within the caller's account: theirs would name my own tax of that
    # number, so the integer case is a number my account has not reached
    for ref in (theirs.uuid, 10_000):
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await get_tax(session, account, ref)
        async with database.sessions() as session:
            with pytest.raises(NotFound):
                await update_tax(session, account, ref, TaxInput(percentage=Decimal(1)))
