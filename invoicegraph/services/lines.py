"""Turning line inputs (a product id, or the line in full) into priced lines with their tax
snapshot. Invoices and quotes share it; the arithmetic is ``domain.money``'s."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Product, Tax
from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.money import (
    LineFigures,
    LineInput,
    TaxCodes,
    TaxRate,
    compute_line,
    stored_codes,
)
from invoicegraph.domain.validation import MAX_AMOUNT, check_decimal, check_text
from invoicegraph.services.refs import Ref, is_row_id
from invoicegraph.services.taxes import TaxWithRate, current_rates, vat_by_rates

MAX_LINES = 500
MAX_QUANTITY = Decimal("1000000000")
MAX_PRICE = Decimal("10000000000")


@dataclass(slots=True)
class LineData:
    """One line as a face sends it. With ``product`` the product's data fills what is not
    sent. Taxes come as catalogue refs (``taxes``) or as a bare IVA rate (``vat_rate``)."""

    product: Ref | None = None
    description: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    discount: Decimal | None = None
    taxes: list[Ref] | None = None
    vat_rate: Decimal | None = None
    withholding_rate: Decimal | None = None  # IRPF withheld, positive (15 for -15 %)
    reference: str | None = None
    sku: str | None = None


@dataclass(frozen=True, slots=True)
class AppliedTax:
    """A tax version applied to a line, with everything the line-tax snapshot keeps."""

    tax_id: int | None
    tax_version_id: int | None
    tax_version_uuid: str | None
    kind: str
    name: str
    percentage: Decimal
    impuesto: str = "01"
    regime_key: str = "01"
    qualification: str = "S1"
    exemption_code: str | None = None

    @property
    def codes(self) -> TaxCodes:
        return stored_codes(self)

    @classmethod
    def of(cls, rate: TaxWithRate) -> AppliedTax:
        tax, version = rate.tax, rate.version
        return cls(
            tax_id=tax.id,
            tax_version_id=version.id,
            tax_version_uuid=str(version.uuid),
            kind=tax.kind,
            name=tax.name,
            percentage=version.percentage,
            impuesto=tax.impuesto,
            regime_key=tax.regime_key,
            qualification=tax.qualification,
            exemption_code=tax.exemption_code,
        )

    @classmethod
    def snapshot(cls, row: Any) -> AppliedTax:
        """Re-apply a stored line tax as it was (rectifications, conversions)."""
        return cls(
            tax_id=row.tax_id,
            tax_version_id=row.tax_version_id,
            tax_version_uuid=row.tax_version_uuid,
            kind=row.kind,
            name=row.name,
            percentage=row.percentage,
            impuesto=getattr(row, "impuesto", "01"),
            regime_key=getattr(row, "regime_key", "01"),
            qualification=getattr(row, "qualification", "S1"),
            exemption_code=getattr(row, "exemption_code", None),
        )


@dataclass(frozen=True, slots=True)
class PricedLine:
    description: str
    quantity: Decimal
    price: Decimal
    discount: Decimal
    taxes: tuple[AppliedTax, ...]
    figures: LineFigures
    product_id: int | None = None
    sku: str | None = None
    reference: str | None = None
    rectifies_line_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def price_line(
    *,
    description: str,
    quantity: Decimal,
    price: Decimal,
    discount: Decimal,
    taxes: tuple[AppliedTax, ...],
    product_id: int | None = None,
    sku: str | None = None,
    reference: str | None = None,
    rectifies_line_id: int | None = None,
) -> PricedLine:
    figures = compute_line(
        LineInput(
            quantity=quantity,
            price=price,
            discount=discount,
            taxes=tuple(TaxRate(t.kind, t.percentage, t.name, t.codes) for t in taxes),
        )
    )
    return PricedLine(
        description=description,
        quantity=quantity,
        price=price,
        discount=discount,
        taxes=taxes,
        figures=figures,
        product_id=product_id,
        sku=sku,
        reference=reference,
        rectifies_line_id=rectifies_line_id,
    )


@dataclass(slots=True)
class KnownRates:
    """Rates a caller already fetched with its own lookups (one statement for a document's
    links and its taxes): the current rate of each tax id in ``asked`` that has one, and,
    when ``vat`` is not ``None``, every active IVA tax by rate."""

    asked: set[int] = field(default_factory=set)
    by_id: dict[int, TaxWithRate] = field(default_factory=dict)
    vat: dict[Decimal, TaxWithRate] | None = None


def rates_wanted(lines: list[LineData]) -> tuple[list[int], bool]:
    """The tax ids the lines name, and whether any line sends a bare IVA rate."""
    ids = sorted({r for line in lines for r in (line.taxes or []) if isinstance(r, int)})
    return [i for i in ids if is_row_id(i)], any(line.vat_rate is not None for line in lines)


async def price_lines(
    session: AsyncSession,
    account: Account,
    lines: list[LineData],
    *,
    prefix: str = "lines",
    known: KnownRates | None = None,
) -> list[PricedLine]:
    """Validate and price every line, reporting every offending field at once."""
    errors: list[FieldError] = []
    if len(lines) > MAX_LINES:
        raise ValidationFailed.single(prefix, f"at most {MAX_LINES} lines", "too_many")
    known = known or KnownRates()
    products = await _products(session, account, lines)
    tax_ids, rates = await _tax_ids(session, account, lines, products, errors, prefix, known)
    wanted = sorted({i for ids in tax_ids for i in ids} - rates.keys() - known.asked)
    rates.update(await current_rates(session, account, wanted))
    vat_rates = known.vat  # every IVA rate, in one query, when a line needs one
    withholding: dict[Decimal, TaxWithRate] | None = None
    priced: list[PricedLine] = []
    for index, line in enumerate(lines):
        path = f"{prefix}.{index}"
        product = products.get(line.product) if line.product is not None else None
        if line.product is not None and product is None:
            errors.append(FieldError(f"{path}.product_id", "product not found", "not_found"))
            continue
        before = len(errors)
        description = check_text(
            line.description if line.description is not None else (product.name if product else ""),
            f"{path}.description",
            500,
            errors,
            required=True,
        )
        quantity = _number(
            line.quantity,
            Decimal(1) if product else None,
            f"{path}.quantity",
            4,
            errors,
            low=-MAX_QUANTITY,
            high=MAX_QUANTITY,
        )
        price = _number(
            line.price,
            product.price if product else None,
            f"{path}.price",
            6,
            errors,
            low=-MAX_PRICE,
            high=MAX_PRICE,
        )
        discount = _number(
            line.discount,
            product.discount if product else Decimal(0),
            f"{path}.discount",
            2,
            errors,
            low=0,
            high=100,
        )
        applied: list[AppliedTax] = []
        for tax_id in tax_ids[index]:
            if tax_id in rates:
                applied.append(AppliedTax.of(rates[tax_id]))
            else:
                errors.append(FieldError(f"{path}.taxes", f"tax {tax_id} has no rate", "not_found"))
        if line.vat_rate is not None:
            rate = check_decimal(
                line.vat_rate, f"{path}.vat_rate", errors, places=4, low=0, high=100
            )
            if len(errors) == before:
                if vat_rates is None:
                    vat_rates = await vat_by_rates(session, account)
                vat = vat_rates.get(rate)
                if vat is None:
                    errors.append(
                        FieldError(
                            f"{path}.vat_rate",
                            f"no IVA tax of {rate.normalize():f}% in the catalogue",
                            "not_found",
                        )
                    )
                else:
                    applied.append(AppliedTax.of(vat))
        if line.withholding_rate is not None:
            withheld = check_decimal(
                line.withholding_rate, f"{path}.withholding_rate", errors, places=4, low=0, high=100
            )
            if len(errors) == before:
                if withholding is None:
                    withholding = await vat_by_rates(session, account, "withholding")
                irpf = withholding.get(-withheld)  # withheld 15 % is the catalogue's -15 %
                if irpf is None:
                    errors.append(
                        FieldError(
                            f"{path}.withholding_rate",
                            f"no IRPF tax of {withheld.normalize():f}% in the catalogue",
                            "not_found",
                        )
                    )
                else:
                    applied.append(AppliedTax.of(irpf))
        _check_tax_mix(applied, f"{path}.taxes", errors)
        sku = check_text(line.sku, f"{path}.sku", 64, errors) or (product.sku if product else None)
        reference = check_text(line.reference, f"{path}.reference", 255, errors) or None
        if len(errors) > before:
            continue
        line_priced = price_line(
            description=description,
            quantity=quantity,
            price=price,
            discount=discount,
            taxes=tuple(applied),
            product_id=product.id if product else None,
            sku=sku or None,
            reference=reference,
        )
        # each factor is in range, their product may not be: keep every amount storable
        if abs(line_priced.figures.subtotal) > MAX_AMOUNT:
            errors.append(
                FieldError(
                    f"{path}.quantity",
                    f"quantity × price exceeds {MAX_AMOUNT} in absolute value",
                    "out_of_range",
                )
            )
            continue
        priced.append(line_priced)
    if errors:
        raise ValidationFailed(errors)
    return priced


def _number(
    value: Decimal | None,
    default: Decimal | None,
    field: str,
    places: int,
    errors: list[FieldError],
    *,
    low: Decimal | int,
    high: Decimal | int,
) -> Decimal:
    if value is None:
        if default is None:
            errors.append(FieldError(field, "is required", "required"))
            return Decimal(0)
        return default
    return check_decimal(value, field, errors, places=places, low=low, high=high)


def _check_tax_mix(taxes: list[AppliedTax], field: str, errors: list[FieldError]) -> None:
    kinds = [t.kind for t in taxes]
    if kinds.count("vat") > 1:
        errors.append(FieldError(field, "a line takes at most one IVA tax", "invalid"))
    if kinds.count("withholding") > 1:
        errors.append(FieldError(field, "a line takes at most one IRPF withholding", "invalid"))
    if "surcharge" in kinds and "vat" not in kinds:
        errors.append(FieldError(field, "an equivalence surcharge needs an IVA tax", "invalid"))


async def _products(
    session: AsyncSession, account: Account, lines: list[LineData]
) -> dict[Ref, Product]:
    refs = {line.product for line in lines if line.product is not None}
    if not refs:
        return {}
    int_refs = [r for r in refs if is_row_id(r)]
    uuid_refs = [r for r in refs if not isinstance(r, int)]
    found: dict[Ref, Product] = {}
    if int_refs:
        for product in await session.scalars(
            select(Product).where(Product.account_id == account.id, Product.id.in_(int_refs))
        ):
            found[product.id] = product
    if uuid_refs:
        for product in await session.scalars(
            select(Product).where(Product.account_id == account.id, Product.uuid.in_(uuid_refs))
        ):
            found[product.uuid] = product
    return found


async def _tax_ids(
    session: AsyncSession,
    account: Account,
    lines: list[LineData],
    products: dict[Ref, Product],
    errors: list[FieldError],
    prefix: str,
    known: KnownRates,
) -> tuple[list[list[int]], dict[int, TaxWithRate]]:
    """The catalogue ids of each line's taxes (sent refs, or the product's taxes), and the
    current rates of the integer refs, found by the same query."""
    refs = {r for line in lines for r in (line.taxes or [])}
    by_ref: dict[Ref, int] = {}
    rates: dict[int, TaxWithRate] = {}
    if refs:
        int_refs = [r for r in refs if is_row_id(r)]
        uuid_refs = [r for r in refs if not isinstance(r, int)]
        if int_refs:
            # the usual case (/v1 sends tax ids): the tax and its rate in one query; only a
            # ref without a current rate needs a second look, to tell "no rate" from "no tax"
            ints = [r for r in int_refs if isinstance(r, int)]
            rates = {i: known.by_id[i] for i in ints if i in known.by_id}
            ask = sorted(r for r in ints if r not in known.asked)
            rates.update(await current_rates(session, account, ask))
            by_ref.update({tax_id: tax_id for tax_id in rates})
            unrated = [r for r in int_refs if r not in rates]
            if unrated:
                for tax_id in await session.scalars(
                    select(Tax.id).where(Tax.account_id == account.id, Tax.id.in_(unrated))
                ):
                    by_ref[tax_id] = tax_id
        if uuid_refs:
            for tax_id, tax_uuid in await session.execute(
                select(Tax.id, Tax.uuid).where(
                    Tax.account_id == account.id, Tax.uuid.in_(uuid_refs)
                )
            ):
                by_ref[tax_uuid] = tax_id
    result: list[list[int]] = []
    for index, line in enumerate(lines):
        ids: list[int] = []
        if line.taxes is not None:
            for position, ref in enumerate(line.taxes):
                if ref not in by_ref:
                    errors.append(
                        FieldError(
                            f"{prefix}.{index}.taxes.{position}",
                            f"tax {ref} not found",
                            "not_found",
                        )
                    )
                else:
                    ids.append(by_ref[ref])
        elif line.product is not None and line.product in products and line.vat_rate is None:
            ids = list(products[line.product].tax_ids)
        result.append(ids)
    return result, rates


def line_columns(line: PricedLine) -> dict[str, Any]:
    """The columns every stored line (of an invoice or a quote) takes from a priced line."""
    figures = line.figures
    return {
        "product_id": line.product_id,
        "sku": line.sku,
        "reference": line.reference,
        "description": line.description,
        "quantity": line.quantity,
        "price": line.price,
        "discount": line.discount,
        "subtotal": figures.subtotal,
        "total_discount": figures.total_discount,
        "total_before_taxes": figures.total_before_taxes,
        "total_taxes": figures.total_taxes,
        "total_with_taxes": figures.total_with_taxes,
    }


def tax_columns(line: PricedLine) -> list[dict[str, Any]]:
    """The columns of each line-tax snapshot, in the line's tax order (position from 1)."""
    return [
        {
            "position": position,
            "tax_id": tax.tax_id,
            "tax_version_id": tax.tax_version_id,
            "tax_version_uuid": tax.tax_version_uuid,
            "kind": tax.kind,
            "name": tax.name,
            "percentage": tax.percentage,
            "base": amount.base,
            "total": amount.total,
        }
        for position, (tax, amount) in enumerate(
            zip(line.taxes, line.figures.taxes, strict=True), start=1
        )
    ]
