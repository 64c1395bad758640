"""The cheap refusals of ``/graphql``, decided before Strawberry reads the variables.

Coercing variables costs CPU in proportion to their size (10^5 empty ``LineInput`` took
~10 s), so who may run anything is settled first, from the headers alone: a presented key
must be valid (else 401, whatever the operation, ``__typename`` and introspection
included); without a key only an introspection-only document with no variables runs (the
explorer reads the schema before the user pastes a key); then the caller's rate limit.
Variables are then bounded in size before any coercion.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql.error import GraphQLError
from starlette.requests import Request
from starlette.responses import Response

from invoicegraph.http.jsonio import parse_json
from invoicegraph.http.ratelimit import RateDecision, RateLimiter
from invoicegraph.schema.limits import MAX_TOKENS

# far above a real request (1,000 invoice lines of ~10 values), far below what is slow to coerce
MAX_VARIABLE_VALUES = 20_000
MISSING_KEY = "missing API key: send 'Authorization: Bearer fv_live_…'"


def graphql_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(
        orjson.dumps(body), status_code=status, headers=headers, media_type="application/json"
    )


def unauthenticated(message: str) -> Response:
    return graphql_error(401, "UNAUTHENTICATED", message, {"WWW-Authenticate": "Bearer"})


def rate_limited(decision: RateDecision) -> Response:
    message = f"too many requests; retry after {decision.retry_after} seconds"
    return graphql_error(429, "RATE_LIMITED", message, decision.headers())


def too_many_variable_values(payload: Any) -> bool:
    """Whether ``payload`` (decoded JSON) holds more than ``MAX_VARIABLE_VALUES`` values."""
    pending, seen = [payload], 0
    while pending:
        value = pending.pop()
        seen += 1
        if seen > MAX_VARIABLE_VALUES:
            return True
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def is_execution(request: Request) -> bool:
    """Whether the request runs an operation (a GET without ``query`` is the explorer page)."""
    return request.method == "POST" or "query" in request.query_params


async def anonymous_introspection(request: Request) -> bool:
    """A request without a key may only read the schema: one document whose operations
    select nothing but ``__schema``/``__type``/``__typename``, with no variables."""
    if request.method == "GET":
        query, variables = request.query_params.get("query"), request.query_params.get("variables")
    else:
        try:
            payload = parse_json(await request.body())
        except Exception:  # malformed JSON: not an introspection request, so refused
            return False
        if not isinstance(payload, dict):
            return False
        query, variables = payload.get("query"), payload.get("variables")
    if not isinstance(query, str) or variables not in (None, {}, "", "{}"):
        return False
    try:
        document = parse(query, max_tokens=MAX_TOKENS, no_location=True)
    except GraphQLError:
        return False
    return _introspection_only(document)


def _introspection_only(document: DocumentNode) -> bool:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return False
    return all(
        not operation.variable_definitions
        and _meta_fields_only(operation.selection_set, fragments, set())
        for operation in operations
    )


def _meta_fields_only(
    selections: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> bool:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                return False
        elif isinstance(selection, InlineFragmentNode):
            if not _meta_fields_only(selection.selection_set, fragments, seen):
                return False
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen:
                continue
            seen.add(name)
            fragment = fragments.get(name)
            if fragment is None or not _meta_fields_only(fragment.selection_set, fragments, seen):
                return False
    return True


async def anonymous_decision(request: Request, limiter: RateLimiter) -> RateDecision:
    """Anonymous schema reads count against the client address."""
    host = request.client.host if request.client else "unknown"
    return await limiter.check(f"anonymous:{host}")
