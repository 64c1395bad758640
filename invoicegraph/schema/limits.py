"""Production limits: what a single GraphQL request may ask for.

Depth, aliases and tokens use Strawberry's extensions; the number of mutations, the query
cost and the length of list inputs (``input_bounds.py``) are validation rules of ours. Cost
counts every selected field, multiplying by the page size a connection or list asks for
(``first``/``last``, else the default page), so a 100 × 100 × 100 nesting is refused before
any resolver runs. Fields that cost far more than a read weigh more: an invoice's ``document``
is rendered (a PDF is ~0.1 s of CPU), so with a budget of ``MAX_COST`` a request asks for at
most 9 PDFs or 4 Factur-X PDFs, and 100 aliases of ``invoice { document { filename } }`` are
refused by validation, before anything renders. A connection weighs its SQL query too.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)
from strawberry.extensions import max_aliases, query_depth_limiter

from invoicegraph.schema.input_bounds import ListBoundsRule

MAX_DEPTH = 12
MAX_ALIASES = 100
MAX_TOKENS = 10_000
MAX_MUTATIONS = 4
MAX_COST = 200_000  # a page of 100 invoices × 50 lines × 3 taxes costs about 70,000
DEFAULT_LIST_SIZE = 25
MAX_PAGE = 100  # services.pagination.MAX_PAGE_SIZE: a larger page is refused by the resolver
# lists without page arguments: how many items one is assumed to hold
NESTED_LIST_SIZES = {"lines": 50, "taxes": 3, "taxBreakdown": 3, "rectifications": 5}
LIST_FIELDS = {"invoices", "clients", "quotes", "products", "edges", "nodes", *NESTED_LIST_SIZES}
CONNECTION_FIELDS = {"invoices", "clients", "quotes", "products"}
CONNECTION_WEIGHT = 10
"""What a connection costs besides its items: a keyset query and maybe a count."""
DOCUMENT_WEIGHTS = {"PDF": 20_000, "FACTURX_PDF": 40_000, "FACTURX": 5_000, "UBL": 5_000}
DOCUMENT_WEIGHTS["FACTURAE"] = 5_000
DOCUMENT_DEFAULT_FORMAT = "PDF"
MAX_NODE_IDS = 100
"""Ids one ``nodes(ids:)`` takes."""


MAX_EXPANDED_SELECTIONS = 5_000


def expanded_selections(document: Any, cap: int = MAX_EXPANDED_SELECTIONS) -> int:
    """How many selections the document's operations hold with every fragment spread
    expanded — counted with each fragment's size memoised, so a "fragment bomb" (fragments
    spreading the previous one twice, 2^n selections from a 2 kB query) is measured in linear
    time and refused before any validation rule walks it. Stops counting past ``cap``."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    memo: dict[str, int] = {}
    visiting: set[str] = set()

    def size(selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += 1 + size(selection.selection_set)
            elif hasattr(selection, "type_condition"):  # inline fragment
                total += size(selection.selection_set)  # type: ignore[attr-defined]
            else:
                total += fragment(selection.name.value)  # type: ignore[attr-defined]
            if total > cap:
                return cap + 1
        return total

    def fragment(name: str) -> int:
        if name in memo:
            return memo[name]
        if name in visiting or name not in fragments:
            return 0  # a cycle or an unknown fragment: validation reports it
        visiting.add(name)
        memo[name] = size(fragments[name].selection_set)
        visiting.discard(name)
        return memo[name]

    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            total += size(definition.selection_set)
            if total > cap:
                return cap + 1
    return total


def too_large_error(document: Any) -> GraphQLError | None:
    if expanded_selections(document) > MAX_EXPANDED_SELECTIONS:
        return GraphQLError(
            f"the query expands to more than {MAX_EXPANDED_SELECTIONS} selections",
            extensions={"code": "QUERY_TOO_COMPLEX"},
        )
    return None


class MaxMutationsRule(ValidationRule):
    """At most ``MAX_MUTATIONS`` root fields in a mutation operation."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation != OperationType.MUTATION:
            return
        count = len(node.selection_set.selections)
        if count > MAX_MUTATIONS:
            self.report_error(
                GraphQLError(
                    f"at most {MAX_MUTATIONS} mutations per request ({count} sent)",
                    node,
                    extensions={"code": "TOO_MANY_MUTATIONS"},
                )
            )


class QueryCostRule(ValidationRule):
    """Refuse operations whose estimated cost exceeds ``MAX_COST``."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.fragments: dict[str, FragmentDefinitionNode] = {}

    def enter_document(self, node: Any, *_: Any) -> None:
        self.fragments = {
            d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        variables: dict[str, Any] = {}
        cost = self._cost(node.selection_set, variables, depth=0)
        if cost > MAX_COST:
            self.report_error(
                GraphQLError(
                    f"query cost {cost} exceeds the limit of {MAX_COST}; ask for smaller pages",
                    node,
                    extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost},
                )
            )

    def _weight(self, field: FieldNode) -> int:
        """What the field itself costs: 1 for a read, more for rendering or a query."""
        name = field.name.value
        if name == "document":
            format_ = DOCUMENT_DEFAULT_FORMAT
            for argument in field.arguments or ():
                if argument.name.value == "format":
                    value = argument.value
                    # a variable may ask for the dearest format
                    format_ = value.value if isinstance(value, EnumValueNode) else "FACTURX_PDF"
            return DOCUMENT_WEIGHTS.get(format_, max(DOCUMENT_WEIGHTS.values()))
        if name in CONNECTION_FIELDS:
            return CONNECTION_WEIGHT
        return 1

    def _size(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value == "ids":
                value = argument.value
                return len(value.values) if isinstance(value, ListValueNode) else MAX_NODE_IDS
            if argument.name.value in ("first", "last"):
                value = argument.value
                if isinstance(value, IntValueNode):
                    # a page too large is refused by its resolver, or here when it costs too
                    # much; a literal beyond Int is left to the literal check (not even read)
                    text = value.value
                    size = int(text) if len(text) <= 11 else 2**31
                    return max(1, size) if size < 2**31 else 1
                if isinstance(value, VariableNode):
                    return MAX_PAGE  # a variable may ask for the largest page
        name = field.name.value
        if name in NESTED_LIST_SIZES:
            return NESTED_LIST_SIZES[name]
        return DEFAULT_LIST_SIZE if name in LIST_FIELDS else 1

    def _cost(
        self, selection_set: SelectionSetNode | None, variables: dict[str, Any], depth: int
    ) -> int:
        if selection_set is None or depth > 50:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = self._cost(selection.selection_set, variables, depth + 1)
                name = selection.name.value
                by_ids = any(a.name.value == "ids" for a in selection.arguments or ())
                multiplier = self._size(selection) if name in LIST_FIELDS else 1
                if name in ("edges", "nodes") and not by_ids:
                    multiplier = 1  # the connection field already counted its page
                total += self._weight(selection) + multiplier * inner
            elif hasattr(selection, "type_condition"):  # inline fragment
                total += self._cost(selection.selection_set, variables, depth + 1)  # type: ignore[attr-defined]
            else:  # fragment spread
                fragment = self.fragments.get(selection.name.value)  # type: ignore[attr-defined]
                if fragment is not None:
                    total += self._cost(fragment.selection_set, variables, depth + 1)
        return total


# Strawberry's QueryDepthLimiter and MaxAliasesLimiter build their rule class per request; built
# once here, every request validates with the same rules (and hits the validation cache).
DepthRule = query_depth_limiter.create_validator(MAX_DEPTH, None)
AliasesRule = max_aliases.create_validator(MAX_ALIASES)
REQUEST_RULES: tuple[type[ValidationRule], ...] = (
    DepthRule,
    AliasesRule,
    MaxMutationsRule,
    QueryCostRule,
    ListBoundsRule,
)
