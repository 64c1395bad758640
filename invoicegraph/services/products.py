"""Products: what a line copies when it names a product."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Product, Tax
from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.validation import check_decimal, check_text
from invoicegraph.services.pagination import Page, PageRequest, paginate
from invoicegraph.services.refs import Ref, fetch
from invoicegraph.services.unset import UNSET, Maybe, is_set


@dataclass(slots=True)
class ProductInput:
    name: Maybe[str] = UNSET
    description: Maybe[str | None] = UNSET
    sku: Maybe[str | None] = UNSET
    price: Maybe[Decimal] = UNSET
    discount: Maybe[Decimal] = UNSET
    tax_ids: Maybe[list[Ref] | None] = UNSET
    active: Maybe[bool] = UNSET


async def _resolve_taxes(
    session: AsyncSession, account: Account, refs: list[Ref], errors: list[FieldError]
) -> list[int]:
    """Catalogue ids of ``refs`` (integer ids or UUIDs, one query each kind), in order.

    An unknown ref (or another account's) is named by its position; a tax listed twice is
    refused, since a line would otherwise charge it twice.
    """
    ints = [r for r in refs if isinstance(r, int) and not isinstance(r, bool) and _in_range(r)]
    uuids = [r for r in refs if isinstance(r, uuid.UUID)]
    by_ref: dict[Ref, int] = {}
    if ints:
        statement = select(Tax.id).where(Tax.account_id == account.id, Tax.id.in_(ints))
        by_ref.update((tax_id, tax_id) for tax_id in await session.scalars(statement))
    if uuids:
        rows = await session.execute(
            select(Tax.uuid, Tax.id).where(Tax.account_id == account.id, Tax.uuid.in_(uuids))
        )
        by_ref.update({tax_uuid: tax_id for tax_uuid, tax_id in rows})
    ids: list[int] = []
    for index, ref in enumerate(refs):
        tax_id = None if isinstance(ref, bool) else by_ref.get(ref)
        if tax_id is None:
            errors.append(FieldError(f"tax_ids.{index}", f"tax {ref} not found", "not_found"))
        elif tax_id in ids:
            errors.append(FieldError(f"tax_ids.{index}", "the tax is listed twice", "duplicate"))
        else:
            ids.append(tax_id)
    return ids


def _in_range(ref: int) -> bool:
    return 0 < ref < 2**63


async def _apply(
    session: AsyncSession, account: Account, product: Product, data: ProductInput, creating: bool
) -> None:
    errors: list[FieldError] = []
    if is_set(data.name):
        product.name = check_text(data.name, "name", 255, errors, required=True)
    elif creating:
        errors.append(FieldError("name", "is required", "required"))
    if is_set(data.description):
        product.description = check_text(data.description or "", "description", 500, errors)
    elif creating:
        product.description = product.name or ""
    if is_set(data.sku):
        product.sku = check_text(data.sku or "", "sku", 64, errors) or None
    if is_set(data.price):
        product.price = check_decimal(data.price, "price", errors, places=6)
    elif creating:
        errors.append(FieldError("price", "is required", "required"))
    if is_set(data.discount):
        product.discount = check_decimal(data.discount, "discount", errors, low=0, high=100)
    elif creating:
        product.discount = Decimal("0")
    if is_set(data.tax_ids):
        # null clears the list, like an empty one
        product.tax_ids = await _resolve_taxes(session, account, data.tax_ids or [], errors)
    elif creating:
        product.tax_ids = []
    if is_set(data.active):
        if isinstance(data.active, bool):
            product.active = data.active
        else:
            errors.append(FieldError("active", "must be true or false"))
    if errors:
        raise ValidationFailed(errors)


async def create_product(session: AsyncSession, account: Account, data: ProductInput) -> Product:
    async with session.begin():
        product = Product(account_id=account.id)
        await _apply(session, account, product, data, creating=True)
        session.add(product)
        await session.flush()
    return product


async def update_product(
    session: AsyncSession, account: Account, ref: Ref, data: ProductInput
) -> Product:
    async with session.begin():
        product = await fetch(session, Product, account, ref, entity="product", for_update=True)
        await _apply(session, account, product, data, creating=False)
        await session.flush()
    return product


async def get_product(session: AsyncSession, account: Account, ref: Ref) -> Product:
    async with session.begin():
        return await fetch(session, Product, account, ref, entity="product")


async def list_products(
    session: AsyncSession, account: Account, page: PageRequest, *, search: str | None = None
) -> Page[Product]:
    conditions = [Product.account_id == account.id]
    term = (search or "").strip().lower()
    if term:
        conditions.append(
            or_(
                func.lower(Product.name).contains(term, autoescape=True),
                func.lower(Product.sku).contains(term, autoescape=True),
            )
        )
    async with session.begin():
        return await paginate(
            session,
            Product,
            conditions,
            page,
            orderable={"id": Product.id, "name": Product.name, "price": Product.price},
        )
