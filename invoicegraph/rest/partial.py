"""What is left of a body its model refused, so that the services' rules can still report on
the rest of it and one 422 lists every offending field (a bad ``lang`` and an unknown client
together, not one after the other).

The offending values are taken out of the JSON and what remains is read by the model's
*partial* twin: the same fields, types and limits, each optional. The route then runs on it
inside the request's transaction, which is rolled back whatever happens, so the rules that
need the database (a client that does not exist, a tax rate not in the catalogue) report
without leaving anything behind.
"""

from __future__ import annotations

import copy
import types
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError, create_model

from invoicegraph.domain.errors import MAX_REPORTED_FIELDS, ValidationFailed
from invoicegraph.rest.fields import Body


def partial_body(model: type[BaseModel], raw: Any, refused: ValidationError) -> BaseModel | None:
    """The body without the values ``refused`` names, read by the partial twin of ``model``;
    None when nothing useful is left (not a JSON object, or more problems than an answer lists
    already)."""
    if not isinstance(raw, dict) or refused.error_count() >= MAX_REPORTED_FIELDS:
        return None
    rest = copy.deepcopy(raw)
    for error in refused.errors(include_url=False, include_context=False, include_input=False):
        _drop(rest, error["loc"])
    try:
        return partial_model(model).model_validate(rest)
    except ValidationError:
        return None


def together(refused: ValidationFailed, rules: ValidationFailed, name: Any) -> ValidationFailed:
    """The model's problems, then the rules' about fields the model did not already name
    (``name`` puts both in the dialect's words)."""
    named = [name(problem.field) for problem in refused.fields]

    def overlaps(field: str) -> bool:
        if field == "body":  # about the whole body: what the model refused was taken out
            return True
        return any(
            field == other or field.startswith(other + ".") or other.startswith(field + ".")
            for other in named
        )

    more = [problem for problem in rules.fields if not overlaps(name(problem.field))]
    return ValidationFailed([*refused.fields, *more]) if more else refused


def _drop(body: dict[str, Any], loc: tuple[str | int, ...]) -> None:
    """Take out the innermost object member on the path to the offending value (an item
    that is no object takes its whole list with it)."""
    node: Any = body
    holder: tuple[dict[str, Any], str] | None = None
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            holder, node = (node, part), node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
    if holder is not None:
        holder[0].pop(holder[1], None)


@cache
def partial_model(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` with every field optional (None when left out), nested bodies too, and no
    cross-field validators: it reads any remainder of a body the model refused."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = _partial(info.annotation)
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        fields[name] = (annotation | None, Field(None, alias=info.alias))
    return create_model(
        f"Partial{model.__name__}",
        __base__=Body,
        __module__=__name__,
        **fields,
    )


def _partial(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return partial_model(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return Annotated[(_partial(args[0]), *args[1:])]
    if origin is Union or origin is types.UnionType:
        return Union[tuple(_partial(arg) for arg in args)]  # noqa: UP007
    if origin is list:
        return list[_partial(args[0])]  # type: ignore[misc]
    return annotation  # a plain type, a Literal
