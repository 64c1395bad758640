"""Validation of each distinct query text once per process.

Strawberry's ``ValidationCache`` keys its cache on the parsed document, and graphql-core hashes
a document by walking every node, on every request; its depth and alias limiters also build a
new rule class per request, so that key never repeats. Here the key is the query text (whose
hash Python keeps) with the schema and the tuple of rule classes, which ``limits.py`` builds
once. The same text always parses to the same document, so it validates the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from invoicegraph.schema.limits import too_large_error

_Key = tuple[int, str, tuple[Any, ...]]
_VALIDATED: dict[_Key, list[GraphQLError]] = {}


class CachedValidation(SchemaExtension):
    def __init__(self, maxsize: int = 1024) -> None:
        super().__init__()
        self.maxsize = maxsize

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema = context.schema._schema
        rules = tuple(context.validation_rules)
        if context.query is None or context.graphql_document is None:
            bomb = (
                too_large_error(context.graphql_document)
                if context.graphql_document is not None
                else None
            )
            if bomb is not None:
                context.pre_execution_errors = [bomb]
                yield
                return
            context.pre_execution_errors = validate_document(
                schema,
                context.graphql_document,
                rules,  # type: ignore[arg-type]
            )
            yield
            return
        key = (id(schema), context.query, rules)
        errors = _VALIDATED.get(key)
        if errors is None:
            bomb = too_large_error(context.graphql_document)
            errors = (
                [bomb]
                if bomb is not None
                else validate_document(schema, context.graphql_document, rules)
            )
            if len(_VALIDATED) >= self.maxsize:
                del _VALIDATED[next(iter(_VALIDATED))]  # the oldest entry
            _VALIDATED[key] = errors
        context.pre_execution_errors = errors
        yield
