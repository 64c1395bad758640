"""Every GraphQL error carries ``extensions.code``.

A client (and a log line) tells a mistake in the request from a fault of the server by the code
alone, so each error leaves with one:

- ``GRAPHQL_PARSE_FAILED``: the query text is not GraphQL;
- ``GRAPHQL_VALIDATION_FAILED``: it asks for something the schema does not have;
- ``BAD_USER_INPUT``: a value does not fit its argument — a literal of the wrong type, an invalid
  Date/DateTime/Decimal/UUID, a variable that does not coerce, a page size out of bounds — with
  ``extensions.argument`` naming the argument (``filter.dateFrom``, ``$lines.3.quantity``);
- the codes resolvers raise on purpose (``UNAUTHENTICATED``, ``FORBIDDEN``, ...), kept as they are;
- ``INTERNAL_SERVER_ERROR``: anything else, masked to "Unexpected error." so that no traceback,
  SQL or internal name reaches the client.

With introspection off, the "Did you mean …?" hints of graphql-core would still reveal field,
argument, type and enum-value names: they are left out of validation and stripped from every
message that still carries one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    GraphQLError,
    GraphQLSyntaxError,
    ValueNode,
)
from graphql.validation import ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension

from invoicegraph.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PlanLimit,
    ServiceUnavailable,
    Unauthenticated,
    ValidationFailed,
)

MASKED_MESSAGE = "Unexpected error."
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL = "INTERNAL_SERVER_ERROR"

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# Python's refusal of a huge integer literal names the interpreter's switch: say what it means
_INT_DIGITS = re.compile(r"Exceeds the limit \(\d+ digits\) for integer string conversion[^']*")
_VARIABLE = re.compile(
    r"^Variable '\$(?P<name>\w+)' (?:has invalid (?:default )?value"
    r"(?: at (?P<path>(?:\.\w+|\[\d+\])+))?|of required type|of non-null type|got invalid)"
)


def bad_input(message: str, argument: str | None = None) -> GraphQLError:
    """A top-level ``BAD_USER_INPUT`` error naming the offending argument."""
    extensions: dict[str, Any] = {"code": BAD_USER_INPUT}
    if argument is not None:
        extensions["argument"] = argument
    return GraphQLError(message, extensions=extensions)


def argument_path(argument: str | None, path: list[str | int]) -> str | None:
    """``filter`` + ``["lines", 0, "quantity"]`` → ``filter.lines.0.quantity``."""
    if argument is None:
        return None
    return ".".join([argument, *(str(part) for part in path)])


class CodedValuesOfCorrectTypeRule(ValuesOfCorrectTypeRule):
    """graphql-core's literal check, reporting ``BAD_USER_INPUT`` and the argument's path.

    The rule validates an argument's whole literal at once and reports the path inside it;
    the argument's name comes from the node being visited."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._arguments: list[str] = []

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self._arguments.append(node.name.value)

    def leave_argument(self, _node: ArgumentNode, *_args: Any) -> None:
        self._arguments.pop()

    def is_valid_value_node(self, node: ValueNode, input_type: Any) -> Any:
        from graphql.utilities.validate_input_value import validate_input_literal

        if input_type:
            argument = self._arguments[-1] if self._arguments else None

            def on_error(error: GraphQLError, path: list[str | int]) -> None:
                extensions: dict[str, Any] = {"code": BAD_USER_INPUT}
                named = argument_path(argument, path)
                if named is not None:
                    extensions["argument"] = named
                nodes = error.nodes or [node]
                self.report_error(GraphQLError(error.message, nodes, extensions=extensions))

            validate_input_literal(
                node, input_type, on_error, None, None, self.context.hide_suggestions
            )
        from graphql.language import SKIP

        return SKIP


def coded_rules(rules: tuple[Any, ...]) -> tuple[Any, ...]:
    """The validation rules with the literal check replaced by the coded one."""
    return tuple(CodedValuesOfCorrectTypeRule if r is ValuesOfCorrectTypeRule else r for r in rules)


def _domain_code(exc: DomainError) -> str:
    if isinstance(exc, Unauthenticated):
        return "UNAUTHENTICATED"
    if isinstance(exc, Forbidden):
        return "FORBIDDEN"
    if isinstance(exc, PlanLimit):
        return "PAYMENT_REQUIRED"
    if isinstance(exc, ServiceUnavailable):
        return "SERVICE_UNAVAILABLE"
    if isinstance(exc, Conflict):
        return "CONFLICT"
    if isinstance(exc, ValidationFailed | NotFound):
        return BAD_USER_INPUT
    return BAD_USER_INPUT


def _copy(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def coded(error: GraphQLError, *, hide_suggestions: bool) -> GraphQLError:
    """The error as the client sees it: with a code, masked when unexpected."""
    message = _SUGGESTION.sub("", error.message) if hide_suggestions else error.message
    message = _INT_DIGITS.sub("a number with too many digits", message)
    extensions = dict(error.extensions or {})
    if "code" in extensions:
        return error if message == error.message else _copy(error, message, extensions)
    original = error.original_error
    if isinstance(original, DomainError):
        extensions["code"] = _domain_code(original)
        if isinstance(original, ValidationFailed) and original.fields:
            extensions["argument"] = original.fields[0].field
        return _copy(error, message, extensions)
    if isinstance(error, GraphQLSyntaxError):
        extensions["code"] = "GRAPHQL_PARSE_FAILED"
        return _copy(error, message, extensions)
    if error.path is None:
        variable = _VARIABLE.match(message)
        if variable is not None:
            extensions["code"] = BAD_USER_INPUT
            path = (variable.group("path") or "").replace("[", ".").replace("]", "")
            extensions["argument"] = f"${variable.group('name')}{path}"
        elif original is not None and not isinstance(original, GraphQLError):
            # the request was refused before execution by something that raised: a fault
            return _copy(error, MASKED_MESSAGE, {"code": INTERNAL})
        else:
            extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
        return _copy(error, message, extensions)
    # a resolver failed without meaning to: nothing of it reaches the client
    return _copy(error, MASKED_MESSAGE, {"code": INTERNAL})


class ErrorCodes(SchemaExtension):
    """Give every error of a result its code (see the module docstring)."""

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        super().__init__()
        self.hide_suggestions = hide_suggestions

    def _process(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [coded(e, hide_suggestions=self.hide_suggestions) for e in errors]

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        initial = getattr(result, "initial_result", None)
        self._process(result if initial is None else initial)
        errors = self.execution_context.pre_execution_errors
        if errors:
            self.execution_context.pre_execution_errors = [
                coded(e, hide_suggestions=self.hide_suggestions) for e in errors
            ]

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self._process(result)
        yield None
