"""Prefetching what a page of invoices selects, in one query per relation, into the request's
loaders: the lines with their taxes (only the selected columns, as named tuples rather than
ORM objects, which cost several times more to build) and the clients.

With them at hand, the page's ``lines`` and ``client`` fields answer synchronously
(``schema/execution.py``), so a page costs a constant number of statements and no per-invoice
coroutine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import BigInteger, Column, Table, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.utils.str_converters import to_camel_case

from invoicegraph.db.models import Account, Client, Invoice, InvoiceLine, InvoiceLineTax
from invoicegraph.resolvers.loaders import LineRecord, LineTaxRecord, Loaders, record_class

# what records are keyed and ordered by, selected or not
LINE_KEYS = ("id", "invoice_id", "position")
TAX_KEYS = ("line_id", "position")


@asynccontextmanager
async def read_only(session: AsyncSession) -> AsyncIterator[None]:
    """A transaction for the prefetch reads. On PostgreSQL they run in autocommit: each is one
    statement reading committed rows of the page just listed (whose own snapshot is already
    gone), so a BEGIN and a COMMIT would be two round trips for nothing."""
    async with session.begin():
        if session.get_bind().dialect.name == "postgresql":
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield


def columns_for(
    graphql_type: type, selected: Collection[str] | None, table: Table, keys: Sequence[str]
) -> list[Column[Any]]:
    """The columns that answer the ``selected`` GraphQL fields of ``graphql_type``: each
    plain field reads the column of its Python name. All columns when the selection is unknown
    or names a field computed by a resolver (which may read anything)."""
    if selected is None:
        return list(table.columns)
    fields = {
        field.graphql_name or to_camel_case(field.python_name): field
        for field in graphql_type.__strawberry_definition__.fields  # type: ignore[attr-defined]
    }
    names = list(keys)
    for name in selected:
        field = fields.get(name)
        if name == "__typename":
            continue
        if field is None or field.base_resolver is not None:
            return list(table.columns)
        if _is_relation(field.type):
            continue
        if field.python_name not in table.columns:
            return list(table.columns)
        names.append(field.python_name)
    return [table.columns[name] for name in dict.fromkeys(names)]


def one_of(column: Any, ids: list[int], dialect: str) -> Any:
    """``column IN ids``. On PostgreSQL one array parameter (``= ANY($1)``): a page's 100 ids
    as 100 expanded parameters cost a new SQL text to render per execution."""
    if dialect == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(BigInteger)))
    return column.in_(ids)


def _is_relation(type_: Any) -> bool:
    while isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    return isinstance(type_, StrawberryList)


async def prefetch_lines(
    session: AsyncSession,
    account: Account,
    loaders: Loaders,
    invoices: Sequence[Invoice],
    *,
    line_fields: Collection[str],
    tax_fields: Collection[str] | None,
) -> None:
    """Attach to each of ``invoices`` its lines and their taxes, with the columns the page
    selects. They are kept per invoice object, not in ``lines_by_invoice_id``: another part of
    the same request reaching the same invoice by another path may select other columns.
    ``tax_fields`` None: the taxes are not selected, and not read."""
    from invoicegraph.schema.invoice_types import InvoiceLine as InvoiceLineType
    from invoicegraph.schema.invoice_types import LineTax as LineTaxType

    ids = [invoice.id for invoice in invoices]
    if not ids:
        return
    line_columns = columns_for(
        InvoiceLineType,
        line_fields,
        InvoiceLine.__table__,
        LINE_KEYS,  # type: ignore[arg-type]
    )
    # Core execution on the session's connection: these are plain rows, and the ORM's
    # per-row loading layer would cost more than the rows themselves
    connection = await session.connection()
    lines = await connection.execute(
        select(*line_columns)
        .where(
            InvoiceLine.account_id == account.id,
            one_of(InvoiceLine.invoice_id, ids, connection.dialect.name),
        )
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
    )
    taxes_of: dict[int, list[LineTaxRecord]] = defaultdict(list)
    if tax_fields is not None:
        tax_columns = columns_for(
            LineTaxType,
            tax_fields,
            InvoiceLineTax.__table__,
            TAX_KEYS,  # type: ignore[arg-type]
        )
        taxes = await connection.execute(
            select(*tax_columns)
            .where(
                InvoiceLineTax.account_id == account.id,
                one_of(InvoiceLineTax.invoice_id, ids, connection.dialect.name),
            )
            .order_by(InvoiceLineTax.line_id, InvoiceLineTax.position)
        )
        names = tuple(column.key for column in tax_columns)
        make_tax = record_class(LineTaxRecord, names)._make
        line_id = names.index("line_id")
        for row in taxes.all():
            taxes_of[row[line_id]].append(make_tax(row))
    lines_of: dict[int, list[LineRecord]] = defaultdict(list)
    names = tuple(column.key for column in line_columns)
    make_line = record_class(LineRecord, (*names, "taxes"))
    id_, invoice_id = names.index("id"), names.index("invoice_id")
    for row in lines.all():
        lines_of[row[invoice_id]].append(make_line(*row, taxes_of.get(row[id_], [])))
    for invoice in invoices:
        loaders.keep_page_lines(invoice, lines_of.get(invoice.id, []))


async def prefetch_clients(
    session: AsyncSession, account: Account, loaders: Loaders, invoices: Sequence[Invoice]
) -> None:
    """Prime ``clients_by_id`` with the clients of ``invoices``."""
    ids = list({invoice.client_id for invoice in invoices if invoice.client_id is not None})
    if not ids:
        return
    rows = await session.scalars(
        select(Client).where(Client.account_id == account.id, Client.id.in_(ids))
    )
    loaders.clients_by_id.prime_many({client.id: client for client in rows})
