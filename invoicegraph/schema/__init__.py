"""The GraphQL schema (Strawberry): types, inputs, payloads, limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.name_converter import NameConverter
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from invoicegraph.schema.error_codes import BAD_USER_INPUT, INTERNAL, ErrorCodes, coded
from invoicegraph.schema.execution import PlainDataExecutionContext
from invoicegraph.schema.limits import MAX_TOKENS, REQUEST_RULES
from invoicegraph.schema.scalars import SCALAR_MAP
from invoicegraph.schema.validation_cache import CachedValidation

SUBSCRIPTION_OVER_HTTP = (
    "subscriptions are served over WebSocket at this address "
    "(protocol graphql-transport-ws); a POST runs queries and mutations"
)


def expected_graphql_error(error: GraphQLError) -> bool:
    """Whether an error is the client's (logged as one line) rather than a fault: every
    error leaves with a code (``error_codes.py``); masked faults say INTERNAL_SERVER_ERROR."""
    code = (error.extensions or {}).get("code")
    if code is not None:
        return bool(code != INTERNAL)
    # not coded yet (the log sees errors before the schema codes them): request-level
    return error.path is None or error.original_error is None


class _KeptNames(NameConverter):
    """Strawberry's names, each Python name camel-cased once: converting arguments asks the
    GraphQL name of every input field of every value again (70 times for an invoice of five
    lines, a regular-expression split and join each)."""

    def __init__(self) -> None:
        super().__init__(auto_camel_case=True)
        self._names: dict[str, str] = {}

    def apply_naming_config(self, name: str) -> str:
        converted = self._names.get(name)
        if converted is None:
            converted = self._names[name] = super().apply_naming_config(name)
        return converted


class InvoiceSchema(strawberry.Schema):
    """The schema; a single-result execution (an HTTP POST or GET) never runs a subscription:
    its resolver is a stream that only the WebSocket transport can deliver. Its errors all
    leave with a code (``error_codes.py``): the ``ErrorCodes`` extension codes what passes
    through the operation, this also what Strawberry answers around it (a syntax error)."""

    def __init__(self, *args: Any, hide_suggestions: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hide_suggestions = hide_suggestions

    async def execute(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        allowed = set(allowed_operation_types or (OperationType.QUERY, OperationType.MUTATION))
        allowed.discard(OperationType.SUBSCRIPTION)
        try:
            result = await super().execute(
                query,
                variable_values=variable_values,
                context_value=context_value,
                root_value=root_value,
                operation_name=operation_name,
                allowed_operation_types=allowed,
                operation_extensions=operation_extensions,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type is not OperationType.SUBSCRIPTION:
                raise
            error = GraphQLError(SUBSCRIPTION_OVER_HTTP, extensions={"code": BAD_USER_INPUT})
            return ExecutionResult(data=None, errors=[error])
        if result.errors:
            result.errors = [
                coded(e, hide_suggestions=self.hide_suggestions) for e in result.errors
            ]
        return result


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    from invoicegraph.resolvers.account_mutations import AccountMutations
    from invoicegraph.resolvers.catalog_mutations import CatalogMutations
    from invoicegraph.resolvers.invoice_mutations import InvoiceMutations
    from invoicegraph.resolvers.queries import Query
    from invoicegraph.resolvers.subscriptions import Subscription
    from invoicegraph.resolvers.webhook_endpoints import WebhookEndpointMutations

    @strawberry.type(
        description="Every write of the API; write keys (admin for keys, account and webhooks)."
    )
    class Mutation(InvoiceMutations, CatalogMutations, AccountMutations, WebhookEndpointMutations):
        pass

    # factories, so every request gets fresh extension instances
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: ParserCache(maxsize=1024),
        lambda: CachedValidation(maxsize=1024, hide_suggestions=not introspection),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        # one tuple of rule classes for every request, so that validation results are cached
        lambda: AddValidationRules(list(REQUEST_RULES)),
        lambda: ErrorCodes(hide_suggestions=not introspection),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return InvoiceSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(
            auto_camel_case=True, scalar_map=SCALAR_MAP, name_converter=_KeptNames()
        ),
        # plain data (most of a page) skips the per-field resolver machinery: execution.py
        execution_context_class=PlainDataExecutionContext,
        hide_suggestions=not introspection,
    )
