"""The Query root: every read of the API, scoped to the caller's account."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db import models
from invoicegraph.domain.errors import NotFound
from invoicegraph.resolvers import compiled_reads
from invoicegraph.resolvers.common import admin, arg_ref, caller, lookup, query
from invoicegraph.resolvers.export_queries import ExportQueries
from invoicegraph.resolvers.prefetch import prefetch_clients, prefetch_lines, read_only
from invoicegraph.resolvers.selection import is_selected, selected_below_nodes
from invoicegraph.resolvers.webhook_endpoints import WebhookEndpointQueries
from invoicegraph.schema.arguments import After, Before, First, Id, Last, Search, described
from invoicegraph.schema.catalog_types import (
    Account,
    ApiKey,
    Client,
    DueDateTerm,
    PaymentMethod,
    Product,
    Quote,
    Series,
    Tax,
    TaxView,
)
from invoicegraph.schema.connection import Connection, page_request, to_connection
from invoicegraph.schema.context import Info
from invoicegraph.schema.enums import SeriesKind, TaxKind, service_value
from invoicegraph.schema.error_codes import bad_input
from invoicegraph.schema.input_bounds import bounded_argument
from invoicegraph.schema.inputs import (
    InvoiceFilterInput,
    InvoiceOrder,
    OrderDirection,
    QuoteFilterInput,
)
from invoicegraph.schema.invoice_types import Invoice, InvoiceKind
from invoicegraph.schema.limits import MAX_NODE_IDS
from invoicegraph.schema.node import Node, from_global_id
from invoicegraph.services import (
    api_keys,
    catalog,
    clients,
    products,
    quotes,
    taxes,
    webhook_endpoints,
)
from invoicegraph.services.invoices import InvoiceFilter, get_invoice, list_invoices
from invoicegraph.services.invoices.loading import load_invoice
from invoicegraph.services.pagination import Page, PageRequest
from invoicegraph.sqlread import invoices as sql_invoices

# what ``taxBreakdown`` reads of each line tax
BREAKDOWN_FIELDS = frozenset(
    {
        "kind",
        "name",
        "percentage",
        "base",
        "total",
        "impuesto",
        "regime_key",
        "qualification",
        "exemption_code",
    }
)


async def _fetch_node(session: AsyncSession, account: models.Account, kind: str, ref: Any) -> Any:
    if kind == "Invoice":
        return await load_invoice(session, account, ref)
    if kind == "Tax":
        rate = await taxes.get_tax(session, account, ref)
        return TaxView(rate.tax, rate.version)
    getters = {
        "Client": clients.get_client,
        "Product": products.get_product,
        "Quote": quotes.get_quote,
        "Series": catalog.get_series,
        "PaymentMethod": catalog.get_payment_method,
        "DueDateTerm": catalog.get_due_date_term,
        "WebhookEndpoint": webhook_endpoints.get_endpoint,
    }
    getter = getters.get(kind)
    if getter is None:
        raise NotFound(kind, ref)
    return await getter(session, account, ref)


def _invoice_kind(kind: InvoiceKind | None) -> str | None:
    """The services call a proforma a draft."""
    if kind is None:
        return None
    return "draft" if kind is InvoiceKind.PROFORMA else service_value(kind)


GlobalId = Annotated[
    strawberry.ID, strawberry.argument(description="A global id (the `id` field of a Node).")
]


async def _nodes(info: Info, ids: list[strawberry.ID], argument: str) -> list[Any]:
    """The objects ``ids`` name, or None for each that names nothing of the account."""
    auth = caller(info)
    decoded = []
    for index, value in enumerate(ids):
        found = from_global_id(str(value))
        if found is None:
            name = argument if argument == "id" else f"{argument}.{index}"
            shown = str(value)[:60]
            raise bad_input(f"{name}: {shown!r} is not a global id", name)
        decoded.append(found)
    answers: list[Any] = []
    for kind, ref in decoded:
        if kind == "Account":
            answers.append(auth.account if auth.account.uuid == ref else None)
            continue
        try:
            # a session each: a getter's commit would expire the objects fetched before it
            async with info.context.database.sessions() as session:
                answers.append(await _fetch_node(session, auth.account, kind, ref))
        except NotFound:
            answers.append(None)
    return answers


def _relay_page(
    info: Info, first: int | None, after: str | None, last: int | None, before: str | None
) -> tuple[PageRequest, bool]:
    """Relay arguments as a page of the services, counting rows only when asked for."""
    return page_request(
        first=first,
        after=after,
        last=last,
        before=before,
        with_total=is_selected(info, "totalCount"),
    )


LIST_PAGE = PageRequest(limit=100, descending=False, with_total=False)


@strawberry.type(description="Every read of the API, scoped to the account of the key.")
class Query(ExportQueries, WebhookEndpointQueries):
    @strawberry.field(description="Any object by its global id; null when there is none.")
    async def node(self, info: Info, id: GlobalId) -> Node | None:
        decoded = from_global_id(str(id))
        if decoded is not None:
            compiler = compiled_reads.object_compiler(info, decoded[0])
            if compiler is not None:  # the selection is covered: the JSON comes from SQL
                return await compiled_reads.compiled_object(info, decoded[0], decoded[1], compiler)  # type: ignore[return-value]
        return (await _nodes(info, [id], "id"))[0]

    @strawberry.field(
        description="Objects by their global ids, in the order asked; null for each id that "
        "names nothing. Each id weighs as a field in the query cost."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], bounded_argument(MAX_NODE_IDS, "Global ids (`id` fields).")
        ],
    ) -> list[Node | None]:
        return await _nodes(info, ids, "ids")

    @strawberry.field(description="An invoice by global id, UUID or integer id.")
    async def invoice(self, info: Info, id: Id) -> Invoice | None:
        ref = arg_ref(id, "id", "Invoice")
        compiler = compiled_reads.object_compiler(info, "Invoice")
        if compiler is not None:
            return await compiled_reads.compiled_object(info, "Invoice", ref, compiler)  # type: ignore[return-value]
        return await lookup(info, lambda s, a: get_invoice(s, a, ref))  # type: ignore[return-value]

    @strawberry.field(description="The account's invoices, newest first unless ordered.")
    async def invoices(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[InvoiceFilterInput | None, described("Which invoices.")] = None,
        order: Annotated[InvoiceOrder | None, described("Their order; newest first.")] = None,
    ) -> Connection[Invoice]:
        order = order or InvoiceOrder()
        request, flipped = page_request(
            first=first,
            after=after,
            last=last,
            before=before,
            order_by=service_value(order.field),
            descending=order.direction is OrderDirection.DESC,
            with_total=is_selected(info, "totalCount"),
        )
        flt = filter or InvoiceFilterInput()
        service_filter = InvoiceFilter(
            kind=_invoice_kind(flt.kind),
            status=service_value(flt.status) if flt.status else None,
            client=arg_ref(flt.client_id, "filter.clientId", "Client") if flt.client_id else None,
            series=arg_ref(flt.series_id, "filter.seriesId", "Series") if flt.series_id else None,
            rectifies=arg_ref(flt.rectifies_id, "filter.rectifiesId", "Invoice")
            if flt.rectifies_id
            else None,
            date_from=flt.date_from,
            date_to=flt.date_to,
            unpaid=flt.unpaid,
            external_reference=flt.external_reference,
            search=flt.search,
        )
        plan = compiled_reads.connection_plan(info)
        if plan is not None:  # the selection is covered: the page's JSON comes from SQL
            return await compiled_reads.compiled_connection(  # type: ignore[return-value]
                info,
                plan,
                lambda s, a, c: sql_invoices.invoice_page(s, a, request, service_filter, c),
                flipped,
            )
        line_fields = selected_below_nodes(info, "lines")
        tax_fields = selected_below_nodes(info, "lines", "taxes")
        if selected_below_nodes(info, "taxBreakdown") is not None:
            line_fields = (line_fields or set()) | {"taxes"}
            tax_fields = (tax_fields or set()) | BREAKDOWN_FIELDS
        with_clients = selected_below_nodes(info, "client") is not None
        loaders = info.context.loaders

        async def work(session: AsyncSession, account: models.Account) -> Page[models.Invoice]:
            page = await list_invoices(session, account, request, service_filter)
            if page.items and (line_fields is not None or with_clients):
                async with read_only(session):
                    if line_fields is not None:
                        await prefetch_lines(
                            session,
                            account,
                            loaders,
                            page.items,
                            line_fields=line_fields,
                            tax_fields=tax_fields,
                        )
                    if with_clients:
                        await prefetch_clients(session, account, loaders, page.items)
            return page

        return to_connection(await query(info, work), flipped)

    @strawberry.field(description="A client by id; null when there is none.")
    async def client(self, info: Info, id: Id) -> Client | None:
        ref = arg_ref(id, "id", "Client")
        compiler = compiled_reads.object_compiler(info, "Client")
        if compiler is not None:
            return await compiled_reads.compiled_object(info, "Client", ref, compiler)  # type: ignore[return-value]
        return await lookup(info, lambda s, a: clients.get_client(s, a, ref))  # type: ignore[return-value]

    @strawberry.field(description="The account's clients, newest first.")
    async def clients(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        search: Search = None,
        tax_id: Annotated[str | None, described("Clients with exactly this tax id.")] = None,
    ) -> Connection[Client]:
        request, flipped = _relay_page(info, first, after, last, before)
        plan = compiled_reads.connection_plan(info)
        if plan is not None:
            return await compiled_reads.compiled_connection(  # type: ignore[return-value]
                info,
                plan,
                lambda s, a, c: sql_invoices.client_page(
                    s, a, request, c, search=search, tax_id=tax_id
                ),
                flipped,
            )
        page = await query(
            info, lambda s, a: clients.list_clients(s, a, request, search=search, tax_id=tax_id)
        )
        return to_connection(page, flipped)

    @strawberry.field(description="A quote by id; null when there is none.")
    async def quote(self, info: Info, id: Id) -> Quote | None:
        ref = arg_ref(id, "id", "Quote")
        compiler = compiled_reads.object_compiler(info, "Quote")
        if compiler is not None:
            return await compiled_reads.compiled_object(info, "Quote", ref, compiler)  # type: ignore[return-value]
        return await lookup(info, lambda s, a: quotes.get_quote(s, a, ref))  # type: ignore[return-value]

    @strawberry.field(description="The account's quotes, newest first.")
    async def quotes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[QuoteFilterInput | None, described("Which quotes.")] = None,
    ) -> Connection[Quote]:
        request, flipped = _relay_page(info, first, after, last, before)
        flt = filter or QuoteFilterInput()
        client_ref = arg_ref(flt.client_id, "filter.clientId", "Client") if flt.client_id else None
        status = flt.status.value if flt.status else None
        plan = compiled_reads.connection_plan(info)
        if plan is not None:
            return await compiled_reads.compiled_connection(  # type: ignore[return-value]
                info,
                plan,
                lambda s, a, c: sql_invoices.quote_page(
                    s,
                    a,
                    request,
                    c,
                    external_reference=flt.external_reference,
                    status=status,
                    client=client_ref,
                ),
                flipped,
            )
        with_lines = is_selected(info, "edges", "node", "lines") or is_selected(
            info, "nodes", "lines"
        )
        page = await query(
            info,
            lambda s, a: quotes.list_quotes(
                s,
                a,
                request,
                external_reference=flt.external_reference,
                status=status,
                client=client_ref,
                with_lines=with_lines,
            ),
        )
        return to_connection(page, flipped)

    @strawberry.field(description="The account's product catalogue, newest first.")
    async def products(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        search: Search = None,
    ) -> Connection[Product]:
        request, flipped = _relay_page(info, first, after, last, before)
        page = await query(info, lambda s, a: products.list_products(s, a, request, search=search))
        return to_connection(page, flipped)

    @strawberry.field(description="The tax catalogue with current rates.")
    async def taxes(
        self, info: Info, kind: Annotated[TaxKind | None, described("Taxes of this kind.")] = None
    ) -> list[Tax]:
        wanted = kind.value if kind is not None else None

        async def work(session: AsyncSession, account: models.Account) -> list[Any]:
            page = await taxes.list_taxes(session, account, LIST_PAGE, kind=wanted)
            async with session.begin():
                rates = await taxes.current_rates(session, account, [t.id for t in page.items])
            return [
                TaxView(rates[t.id].tax, rates[t.id].version) for t in page.items if t.id in rates
            ]

        return await query(info, work)

    @strawberry.field(description="The account's numbering series.")
    async def series(
        self,
        info: Info,
        kind: Annotated[SeriesKind | None, described("Series of this kind.")] = None,
    ) -> list[Series]:
        wanted = kind.value if kind is not None else None
        page = await query(
            info,
            lambda s, a: catalog.list_series(s, a, LIST_PAGE, kind=wanted),
        )
        return page.items  # type: ignore[no-any-return]

    @strawberry.field(description="The account's payment methods.")
    async def payment_methods(self, info: Info) -> list[PaymentMethod]:
        page = await query(
            info,
            lambda s, a: catalog.list_payment_methods(s, a, LIST_PAGE),
        )
        return page.items  # type: ignore[no-any-return]

    @strawberry.field(description="The account's due-date terms.")
    async def due_date_terms(self, info: Info) -> list[DueDateTerm]:
        page = await query(
            info,
            lambda s, a: catalog.list_due_date_terms(s, a, LIST_PAGE),
        )
        return page.items  # type: ignore[no-any-return]

    @strawberry.field(description="The account the key works on (its sandbox for test keys).")
    def account(self, info: Info) -> Account:
        return caller(info).account  # type: ignore[return-value]

    @strawberry.field(description="The account's API keys (admin keys only).")
    async def api_keys(self, info: Info) -> list[ApiKey]:
        auth = admin(info)
        async with info.context.database.sessions() as session:
            keys = await api_keys.list_keys(session, auth.owner)
        # a test key sees the sandbox's keys only
        return [k for k in keys if not auth.test_mode or k.mode == "test"]  # type: ignore[misc]
