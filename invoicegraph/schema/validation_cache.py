"""Validation of each distinct query text once per process.

Strawberry's ``ValidationCache`` keys its cache on the parsed document, and graphql-core hashes
a document by walking every node, on every request; its depth and alias limiters also build a
new rule class per request, so that key never repeats. Here the key is the query text (whose
hash Python keeps) with the schema and the tuple of rule classes, which ``limits.py`` builds
once. The same text always parses to the same document, so it validates the same way.

Before validating, a request whose API key was presented and refused (wrong, revoked) is
turned away whatever it asks, ``{ __typename }`` and introspection included; a request with no
key may still introspect (GraphiQL loads the schema before the user types a key). After it,
the raw variables are checked against the list bounds of their positions before graphql-core
coerces them (``input_bounds.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from invoicegraph.schema.error_codes import coded_rules
from invoicegraph.schema.input_bounds import variable_errors
from invoicegraph.schema.limits import too_large_error

_Key = tuple[int, str, tuple[Any, ...], bool]
_VALIDATED: dict[_Key, list[GraphQLError]] = {}


def refused_key_error(context: Any) -> GraphQLError | None:
    """``UNAUTHENTICATED`` when the request presented an API key that did not authenticate."""
    auth_error = getattr(context, "auth_error", None)
    if auth_error is None or getattr(context, "auth", None) is not None:
        return None
    request = getattr(context, "request", None)
    headers = getattr(request, "headers", None)
    presented = bool(headers is not None and headers.get("authorization"))
    if not presented and not getattr(context, "connection_params", None):
        return None
    return GraphQLError(auth_error.message, extensions={"code": "UNAUTHENTICATED"})


def _validate(schema: Any, document: Any, rules: tuple[Any, ...], hide: bool) -> list[GraphQLError]:
    bomb = too_large_error(document)
    if bomb is not None:
        return [bomb]
    return validate(
        schema,
        document,
        (*coded_rules(rules), MaybeNullValidationRule, OneOfInputValidationRule),
        hide_suggestions=hide,
    )


class CachedValidation(SchemaExtension):
    def __init__(self, maxsize: int = 1024, *, hide_suggestions: bool = False) -> None:
        super().__init__()
        self.maxsize = maxsize
        self.hide_suggestions = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        refused = refused_key_error(context.context)
        if refused is not None:
            context.pre_execution_errors = [refused]
            yield
            return
        schema = context.schema._schema
        rules = tuple(context.validation_rules)
        document = context.graphql_document
        if document is None:
            yield
            return
        if context.query is None:
            errors = _validate(schema, document, rules, self.hide_suggestions)
        else:
            key = (id(schema), context.query, rules, self.hide_suggestions)
            cached = _VALIDATED.get(key)
            if cached is None:
                cached = _validate(schema, document, rules, self.hide_suggestions)
                if len(_VALIDATED) >= self.maxsize:
                    del _VALIDATED[next(iter(_VALIDATED))]  # the oldest entry
                _VALIDATED[key] = cached
            errors = cached
        if not errors:
            errors = variable_errors(schema, document, context.operation_name, context.variables)
        context.pre_execution_errors = errors
        yield
