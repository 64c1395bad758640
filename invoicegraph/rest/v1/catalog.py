"""The catalogues an invoice names by id: ``/v1/products``, ``/v1/taxes``, ``/v1/series``,
``/v1/payment-methods`` and ``/v1/due-dates`` — a list (Laravel page, ascending id) and a
get-one each. The seed documents none of them, only the ids they give, so their shapes follow
the invoice's own names where it has one (a series' ``name`` is its code, as in ``serie``;
a tax's ``version`` is the uuid of its current rate, as in a line's taxes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from invoicegraph.db.models import Account, Product, Series, Tax
from invoicegraph.rest.endpoint import Call, Handler
from invoicegraph.rest.fields import shaped
from invoicegraph.rest.v1.models import V1DueDate, V1PaymentMethod, V1Product, V1Series, V1Tax
from invoicegraph.rest.v1.pagination import envelope, page_request
from invoicegraph.rest.v1.shapes import stamps
from invoicegraph.services import catalog, products, taxes
from invoicegraph.services.pagination import Page
from invoicegraph.services.refs import Ref
from invoicegraph.services.taxes import TaxWithRate


def product_shape(product: Product) -> V1Product:
    taxes = list(product.tax_ids or [])
    return shaped(V1Product, product, taxes=taxes, **stamps(product))


def tax_shape(rate: TaxWithRate) -> V1Tax:
    version = rate.version
    return shaped(V1Tax, rate.tax, percentage=version.percentage, version=str(version.uuid))


def series_shape(series: Series) -> V1Series:
    return shaped(V1Series, series, name=series.code, description=series.name)


# a service's list function: (session, account, page request, **filters) -> page
Lister = Callable[..., Awaitable[Page[Any]]]
Shape = Callable[[Any], Any]


async def list_page(call: Call, lister: Lister, shape: Shape) -> Response:
    """One Laravel page of a catalogue, ascending by id (``search`` when the query has it)."""
    search = getattr(call.params, "search", None)
    filters = {"search": search} if search is not None else {}
    async with call.session() as session:
        page = await lister(session, call.auth.account, page_request(call.params), **filters)
    data = [shape(item) for item in page.items]
    return call.json(envelope(call, data, page, call.params, len(data)))


Getter = Callable[[AsyncSession, Account, Ref], Awaitable[Any]]


async def get_one(call: Call, getter: Getter, shape: Shape) -> Response:
    ref = call.path_ref()
    async with call.session() as session:
        item = await getter(session, call.auth.account, ref)
    return call.json({"data": shape(item)})


def catalogue(
    names: tuple[str, str], lister: Lister, getter: Getter, shape: Shape, docs: tuple[str, str]
) -> tuple[Handler, Handler]:
    """A catalogue's list and get-one routes, named (``list_products``, ``get_product``) and
    documented (the OpenAPI summaries) as given."""

    async def list_route(call: Call) -> Response:
        return await list_page(call, lister, shape)

    async def get_route(call: Call) -> Response:
        return await get_one(call, getter, shape)

    for route, name, doc in zip((list_route, get_route), names, docs, strict=True):
        route.__name__, route.__doc__ = name, doc
    return list_route, get_route


list_products, get_product = catalogue(
    ("list_products", "get_product"), products.list_products, products.get_product, product_shape,
    ("Products (a line with ``product_id`` copies one).", "One product."))  # fmt: skip
list_series, get_series = catalogue(
    ("list_series", "get_series"), catalog.list_series, catalog.get_series, series_shape,
    ("Numbering series (``serie_id`` of issue and rectify).", "One series."))  # fmt: skip
list_payment_methods, get_payment_method = catalogue(
    ("list_payment_methods", "get_payment_method"), catalog.list_payment_methods,
    catalog.get_payment_method, partial(shaped, V1PaymentMethod),
    ("Payment methods (``payment_method_id``).", "One payment method."))  # fmt: skip
list_due_dates, get_due_date = catalogue(
    ("list_due_dates", "get_due_date"), catalog.list_due_date_terms, catalog.get_due_date_term,
    partial(shaped, V1DueDate),
    ("Due-date terms (``due_date_id``).", "One due-date term."))  # fmt: skip


async def list_taxes(call: Call) -> Response:
    """Taxes with their current rate (a line's ``taxes`` names them by id)."""
    account = call.auth.account
    async with call.session() as session:
        page: Page[Tax] = await taxes.list_taxes(session, account, page_request(call.params))
        async with session.begin():
            rates = await taxes.current_rates(session, account, [tax.id for tax in page.items])
    data = [tax_shape(rates[tax.id]) for tax in page.items if tax.id in rates]
    return call.json(envelope(call, data, page, call.params, len(data)))


async def get_tax(call: Call) -> Response:
    """One tax with its current rate."""
    return await get_one(call, taxes.get_tax, tax_shape)
