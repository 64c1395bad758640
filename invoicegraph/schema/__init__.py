"""The GraphQL schema (Strawberry): types, inputs, payloads, limits."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig

from invoicegraph.schema.execution import PlainDataExecutionContext
from invoicegraph.schema.limits import MAX_TOKENS, REQUEST_RULES
from invoicegraph.schema.scalars import SCALAR_MAP
from invoicegraph.schema.validation_cache import CachedValidation


def expected_graphql_error(error: GraphQLError) -> bool:
    """Errors we raised on purpose (they carry a code) or that describe the request itself
    (syntax, validation) are shown; anything else is masked — no tracebacks, no SQL."""
    if error.extensions and "code" in error.extensions:
        return True
    # no path: the request itself was refused (syntax, validation, a bad literal)
    return error.path is None or error.original_error is None


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    from invoicegraph.resolvers.account_mutations import AccountMutations
    from invoicegraph.resolvers.catalog_mutations import CatalogMutations
    from invoicegraph.resolvers.invoice_mutations import InvoiceMutations
    from invoicegraph.resolvers.queries import Query
    from invoicegraph.resolvers.subscriptions import Subscription

    @strawberry.type
    class Mutation(InvoiceMutations, CatalogMutations, AccountMutations):
        pass

    # factories, so every request gets fresh extension instances
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: ParserCache(maxsize=1024),
        lambda: CachedValidation(maxsize=1024),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        # one tuple of rule classes for every request, so that validation results are cached
        lambda: AddValidationRules(list(REQUEST_RULES)),
        lambda: MaskErrors(should_mask_error=lambda error: not expected_graphql_error(error)),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True, scalar_map=SCALAR_MAP),
        # plain data (most of a page) skips the per-field resolver machinery: execution.py
        execution_context_class=PlainDataExecutionContext,
    )
