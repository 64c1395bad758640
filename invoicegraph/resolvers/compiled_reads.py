"""Reads answered with JSON the database writes (``sqlread.graphql``), when the request's
selection is one the compiler covers; each resolver falls back to its general path when not.

A single read is one statement, scoped to the caller's account like the services' own
loads (``services.refs.ref_filter``): another account's id is not found, which a single read
answers as null, as ``common.lookup`` does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db import models
from invoicegraph.resolvers.common import lookup, query
from invoicegraph.schema.context import Info
from invoicegraph.services.refs import Ref
from invoicegraph.sqlread import graphql as sql_graphql
from invoicegraph.sqlread import invoices as sql_reads
from invoicegraph.sqlread.documents import Compiler
from invoicegraph.sqlread.page import JsonPage

# a page of a connection, read with a compiler of its nodes
RowsPage = Callable[[AsyncSession, models.Account, Compiler], Awaitable[JsonPage]]

# the types a single read compiles, with their rows and the name ``NotFound`` gives them
OBJECTS: dict[str, tuple[Any, str]] = {
    "Invoice": (models.Invoice, "invoice"),
    "Quote": (models.Quote, "quote"),
    "Client": (models.Client, "client"),
}


def object_compiler(info: Info, type_name: str) -> Compiler | None:
    """The compiler of this field's selection of one ``type_name``, or None when the reads are
    not compiled (``settings.sql_reads``) or the compiler does not cover the selection."""
    if not info.context.settings.sql_reads or type_name not in OBJECTS:
        return None
    return sql_graphql.object_compiler(info._raw_info, type_name)


async def compiled_object(
    info: Info, type_name: str, ref: Ref, compiler: Compiler
) -> sql_graphql.Prebuilt | None:
    """The object's answer, or None when the account has no such object."""
    model, entity = OBJECTS[type_name]

    async def read(session: AsyncSession, account: models.Account) -> str:
        return await sql_reads.row_document(session, account, model, ref, compiler, entity)

    document = await lookup(info, read)
    return None if document is None else sql_graphql.Prebuilt(orjson.Fragment(document))


def connection_plan(info: Info) -> sql_graphql.ConnectionPlan | None:
    """The plan of this connection's selection, or None (see ``object_compiler``)."""
    if not info.context.settings.sql_reads:
        return None
    return sql_graphql.connection_plan(info._raw_info)


async def compiled_connection(
    info: Info,
    plan: sql_graphql.ConnectionPlan,
    read_page: RowsPage,
    flipped: bool,
) -> sql_graphql.Prebuilt:
    """The connection's answer around the page ``read_page`` reads with the plan's compiler."""
    compiler = plan.compiler

    async def read(session: AsyncSession, account: models.Account) -> JsonPage:
        return await read_page(session, account, compiler)

    return sql_graphql.connection_answer(plan, await query(info, read), flipped)
