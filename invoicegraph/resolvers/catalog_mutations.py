"""Mutations of clients, quotes, products, taxes, series, payment methods, terms and keys."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db import models
from invoicegraph.domain.errors import Forbidden, ValidationFailed
from invoicegraph.resolvers.common import maybe, maybe_ref, mutate, to_ref
from invoicegraph.resolvers.invoice_mutations import line_data, texts
from invoicegraph.schema.arguments import Id, described
from invoicegraph.schema.catalog_types import TaxView
from invoicegraph.schema.context import Info
from invoicegraph.schema.enums import ApiKeyAccess
from invoicegraph.schema.inputs import ClientInput, ProductInput, QuoteInput, SeriesInput, TaxInput
from invoicegraph.schema.payloads import (
    ApiKeyPayload,
    ClientPayload,
    ConvertQuotePayload,
    FindOrCreateClientPayload,
    ProductPayload,
    QuotePayload,
    SeriesPayload,
    TaxPayload,
)
from invoicegraph.services import api_keys, catalog, clients, products, quotes, taxes
from invoicegraph.services.invoices.loading import load_invoice
from invoicegraph.services.unset import UNSET


def _set(value: Any) -> Any:
    """Optional input → UNSET when not sent; null stays None for nullable service fields."""
    return maybe(value)


def _value(value: Any) -> Any:
    """An optional enum input → its service string (UNSET and null as they are)."""
    value = maybe(value)
    return value.value if isinstance(value, enum.Enum) and value is not UNSET else value


def client_data(data: ClientInput) -> clients.ClientInput:
    return clients.ClientInput(
        name=_set(data.name) if data.name is not None else UNSET,
        tax_id=_set(data.tax_id),
        email=_set(data.email),
        phone=_set(data.phone),
        address=_set(data.address),
        city=_set(data.city),
        province=_set(data.province),
        postal_code=_set(data.postal_code),
        country=_set(data.country) if data.country is not None else UNSET,
        notes=_set(data.notes),
    )


def quote_data(data: QuoteInput) -> quotes.QuoteData:
    lines = maybe(data.lines)
    return quotes.QuoteData(
        name=_set(data.name),
        client=maybe_ref(data.client_id, "clientId", "Client"),
        date=_set(data.date) if data.date is not None else UNSET,
        valid_until=_set(data.valid_until),
        currency=_set(data.currency) if data.currency is not None else UNSET,
        exchange_rate=_set(data.exchange_rate) if data.exchange_rate is not None else UNSET,
        lang=_set(data.lang) if data.lang is not None else UNSET,
        notes=_set(data.notes),
        external_reference=_set(data.external_reference),
        intro_texts=texts(data.intro_texts),
        close_texts=texts(data.close_texts),
        status=_value(data.status) if data.status is not None else UNSET,
        lines=UNSET if lines is UNSET else line_data(lines or []),
    )


def product_data(data: ProductInput) -> products.ProductInput:
    tax_ids = maybe(data.tax_ids)
    return products.ProductInput(
        name=_set(data.name) if data.name is not None else UNSET,
        description=_set(data.description),
        sku=_set(data.sku),
        price=_set(data.price) if data.price is not None else UNSET,
        discount=_set(data.discount) if data.discount is not None else UNSET,
        tax_ids=UNSET
        if tax_ids is UNSET
        else [to_ref(t, f"taxIds.{i}", "Tax") for i, t in enumerate(tax_ids or [])],
        active=_set(data.active) if data.active is not None else UNSET,
    )


def tax_data(data: TaxInput) -> taxes.TaxInput:
    return taxes.TaxInput(
        kind=_value(data.kind) if data.kind is not None else UNSET,
        name=_set(data.name) if data.name is not None else UNSET,
        percentage=_set(data.percentage) if data.percentage is not None else UNSET,
        valid_from=_set(data.valid_from) if data.valid_from is not None else UNSET,
        qualification=_value(data.qualification) if data.qualification is not None else UNSET,
        exemption_code=_value(data.exemption_code),
        is_default=_set(data.is_default) if data.is_default is not None else UNSET,
        active=_set(data.active) if data.active is not None else UNSET,
    )


def series_data(data: SeriesInput) -> catalog.SeriesInput:
    return catalog.SeriesInput(
        code=_set(data.code) if data.code is not None else UNSET,
        kind=_value(data.kind) if data.kind is not None else UNSET,
        name=_set(data.name),
        number_format=_set(data.number_format) if data.number_format is not None else UNSET,
        is_default=_set(data.is_default) if data.is_default is not None else UNSET,
        active=_set(data.active) if data.active is not None else UNSET,
    )


def _tax_view(rate: taxes.TaxWithRate) -> TaxView:
    return TaxView(rate.tax, rate.version)


@strawberry.type
class CatalogMutations:
    @strawberry.mutation(description="Add a client.")
    async def create_client(
        self, info: Info, input: Annotated[ClientInput, described("The client's fields.")]
    ) -> ClientPayload:
        client, errors = await mutate(
            info, lambda s, a: clients.create_client(s, a, client_data(input))
        )
        return ClientPayload(client=client, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Change a client; only the fields sent change.")
    async def update_client(
        self, info: Info, id: Id, input: Annotated[ClientInput, described("The client's fields.")]
    ) -> ClientPayload:
        client, errors = await mutate(
            info,
            lambda s, a: clients.update_client(
                s, a, to_ref(id, "id", "Client"), client_data(input)
            ),
        )
        return ClientPayload(client=client, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="The client with this tax id, created when there is none.")
    async def find_or_create_client(
        self, info: Info, input: Annotated[ClientInput, described("The client's fields.")]
    ) -> FindOrCreateClientPayload:
        found, errors = await mutate(
            info, lambda s, a: clients.find_or_create_client(s, a, client_data(input))
        )
        client, created = found if found is not None else (None, False)
        return FindOrCreateClientPayload(client=client, created=created, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Create a quote.")
    async def create_quote(
        self, info: Info, input: Annotated[QuoteInput, described("The quote's fields.")]
    ) -> QuotePayload:
        quote, errors = await mutate(
            info, lambda s, a: quotes.create_quote(s, a, quote_data(input))
        )
        return QuotePayload(quote=quote, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Change a quote; only the fields sent change.")
    async def update_quote(
        self, info: Info, id: Id, input: Annotated[QuoteInput, described("The quote's fields.")]
    ) -> QuotePayload:
        quote, errors = await mutate(
            info,
            lambda s, a: quotes.update_quote(s, a, to_ref(id, "id", "Quote"), quote_data(input)),
        )
        return QuotePayload(quote=quote, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Turn an accepted quote into a draft invoice.")
    async def convert_quote_to_invoice(self, info: Info, id: Id) -> ConvertQuotePayload:
        async def work(session: AsyncSession, account: models.Account) -> tuple[Any, Any]:
            quote, invoice_id = await quotes.convert_quote(
                session, account, to_ref(id, "id", "Quote")
            )
            async with session.begin():
                invoice = await load_invoice(session, account, invoice_id)
            return quote, invoice

        result, errors = await mutate(info, work)
        quote, invoice = result if result is not None else (None, None)
        return ConvertQuotePayload(quote=quote, invoice=invoice, errors=errors)

    @strawberry.mutation(description="Add a product to the catalogue.")
    async def create_product(
        self, info: Info, input: Annotated[ProductInput, described("The product's fields.")]
    ) -> ProductPayload:
        product, errors = await mutate(
            info, lambda s, a: products.create_product(s, a, product_data(input))
        )
        return ProductPayload(product=product, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Change a product; only the fields sent change.")
    async def update_product(
        self, info: Info, id: Id, input: Annotated[ProductInput, described("The product's fields.")]
    ) -> ProductPayload:
        product, errors = await mutate(
            info,
            lambda s, a: products.update_product(
                s, a, to_ref(id, "id", "Product"), product_data(input)
            ),
        )
        return ProductPayload(product=product, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Add a tax to the catalogue.")
    async def create_tax(
        self, info: Info, input: Annotated[TaxInput, described("The tax's fields.")]
    ) -> TaxPayload:
        async def work(session: AsyncSession, account: models.Account) -> TaxView:
            return _tax_view(await taxes.create_tax(session, account, tax_data(input)))

        tax, errors = await mutate(info, work)
        return TaxPayload(tax=tax, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Change a tax; a new percentage adds a version.")
    async def update_tax(
        self, info: Info, id: Id, input: Annotated[TaxInput, described("The tax's fields.")]
    ) -> TaxPayload:
        async def work(session: AsyncSession, account: models.Account) -> TaxView:
            ref = to_ref(id, "id", "Tax")
            return _tax_view(await taxes.update_tax(session, account, ref, tax_data(input)))

        tax, errors = await mutate(info, work)
        return TaxPayload(tax=tax, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Add a numbering series.")
    async def create_series(
        self, info: Info, input: Annotated[SeriesInput, described("The series' fields.")]
    ) -> SeriesPayload:
        series, errors = await mutate(
            info, lambda s, a: catalog.create_series(s, a, series_data(input))
        )
        return SeriesPayload(series=series, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Change a series; its numbering fields freeze once it has issued."
    )
    async def update_series(
        self, info: Info, id: Id, input: Annotated[SeriesInput, described("The series' fields.")]
    ) -> SeriesPayload:
        series, errors = await mutate(
            info,
            lambda s, a: catalog.update_series(
                s, a, to_ref(id, "id", "Series"), series_data(input)
            ),
        )
        return SeriesPayload(series=series, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Create an API key (admin). The secret is in this answer only."
    )
    async def create_api_key(
        self,
        info: Info,
        access: Annotated[ApiKeyAccess, strawberry.argument(description="What the key may do.")],
        test: Annotated[
            bool, strawberry.argument(description="A test key, working on the sandbox.")
        ] = False,
        name: Annotated[str, strawberry.argument(description="A name to recognise it by.")] = "",
    ) -> ApiKeyPayload:
        async def work(session: AsyncSession, account: models.Account) -> api_keys.CreatedKey:
            auth = info.context.auth
            owner = auth.owner if auth else account
            if auth is not None and auth.test_mode and not test:
                # test keys work on the sandbox: they must never mint a key to live data
                raise Forbidden("a test key creates test keys only")
            return await api_keys.create_key(
                session, owner, access=access.value, mode="test" if test else "live", name=name
            )

        created, errors = await mutate(info, work, access="admin")
        return ApiKeyPayload(
            api_key=created.key if created else None,  # type: ignore[arg-type]
            secret=created.text if created else None,
            errors=errors,
        )

    @strawberry.mutation(description="Revoke an API key (admin); it stops working at once.")
    async def revoke_api_key(self, info: Info, id: Id) -> ApiKeyPayload:
        async def work(session: AsyncSession, account: models.Account) -> models.ApiKey:
            owner = info.context.auth.owner if info.context.auth else account
            ref = to_ref(id, "id", "ApiKey")
            if isinstance(ref, int):
                raise ValidationFailed.single("id", "use the key's UUID or global id")
            auth = info.context.auth
            # a test key sees the test keys only; a live key is not found
            mode = "test" if auth is not None and auth.test_mode else None
            return await api_keys.revoke_key(session, owner, ref, mode=mode)

        key, errors = await mutate(info, work, access="admin")
        return ApiKeyPayload(api_key=key, secret=None, errors=errors)  # type: ignore[arg-type]
