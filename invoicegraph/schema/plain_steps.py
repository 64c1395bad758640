"""The steps of the plain-data execution path (``execution.py``): a leaf read from an
attribute, and the completion of an object's selection as one generated function.

A page of invoices is some 8,000 fields, most of them an attribute read and a serialisation.
Calling a function per field costs more than the read itself, so for each object type and
selection a function is generated (once per request and selection) that reads every selected
attribute inline and builds the answer's dict in one expression, e.g. for a line tax::

    def complete(value, context):
        if value is None:
            return None
        if type(value) not in accepted:
            if is_type_of(value, None) is not True:
                raise Fallback
            accepted.add(type(value))
        f0 = value.name
        if f0 is None:
            raise Fallback
        elif type(f0) is not str:
            f0 = serialize_0(f0)
            if f0 is None or f0 is Undefined:
                raise Fallback
        f1 = value.percentage
        ...
        return {'name': f0, 'percentage': f1, 'base': f2, 'total': f3}

Attribute names come from Python identifiers of the Strawberry types and response names are
written as string literals with ``repr``, so nothing from a request reaches the code as code.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLNonNull, GraphQLOutputType, Undefined, is_leaf_type, is_non_null_type

FALLBACK: Any = object()
"""What a fast resolver answers when only the general resolver can."""

FastResolver = Callable[[Any, Any], Any]
"""``(root, context) -> value`` with no I/O; ``FALLBACK`` when it cannot answer."""

Step = Callable[[Any, Any], Any]
"""``(root, context) -> the field's completed value``; raises when it cannot complete."""

# Values these scalars serialise to themselves (graphql-core checks and returns them as they are).
_PASSTHROUGH: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}


class _Fallback(Exception):
    """A fast step met something only the general path handles."""


class ReadAttribute:
    """The fast resolver of a field with no resolver: the root's attribute."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, root: Any, _context: Any) -> Any:
        return getattr(root, self.name)


def _check(serialized: Any) -> Any:
    if serialized is None or serialized is Undefined:
        raise _Fallback
    return serialized


class AttributeLeaf:
    """A leaf field read from an attribute: a step, and what ``object_step`` inlines."""

    __slots__ = ("name", "non_null", "passthrough", "serialize")

    def __init__(
        self, name: str, non_null: bool, serialize: Callable[[Any], Any], passthrough: type | None
    ) -> None:
        self.name = name
        self.non_null = non_null
        self.serialize = serialize
        self.passthrough = passthrough

    def __call__(self, root: Any, _context: Any) -> Any:
        value = getattr(root, self.name)
        if value is None:
            if self.non_null:
                raise _Fallback
            return None
        if type(value) is self.passthrough:
            return value
        return _check(self.serialize(value))


def leaf_step(resolve: FastResolver, type_: GraphQLOutputType) -> Step | None:
    """The step of a leaf field (scalar or enum), or None when the field is not a leaf."""
    non_null = is_non_null_type(type_)
    named = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if not is_leaf_type(named):
        return None
    serialize = named.serialize  # type: ignore[union-attr]
    passthrough = _PASSTHROUGH.get(named.name)  # type: ignore[union-attr]
    if isinstance(resolve, ReadAttribute):
        return AttributeLeaf(resolve.name, non_null, serialize, passthrough)

    def resolved_leaf(root: Any, context: Any) -> Any:
        value = resolve(root, context)
        if value is FALLBACK:
            raise _Fallback
        if value is None:
            if non_null:
                raise _Fallback
            return None
        if type(value) is passthrough:
            return value
        return _check(serialize(value))

    return resolved_leaf


def _as_items(value: Any) -> Any:
    """A list field's value, unless it is something graphql-core would not iterate."""
    if isinstance(value, str | bytes | Mapping):
        raise _Fallback
    return value


class CompositeStep:
    """An object field (``many`` False) or a list of objects: resolve, then complete each with
    a generated ``object_step``; what ``object_step`` inlines into its parent's function."""

    __slots__ = ("complete", "many", "non_null", "resolve")

    def __init__(self, resolve: FastResolver, complete: Step, many: bool, non_null: bool) -> None:
        self.resolve = resolve
        self.complete = complete
        self.many = many
        self.non_null = non_null

    def __call__(self, root: Any, context: Any) -> Any:
        value = self.resolve(root, context)
        if value is FALLBACK:
            raise _Fallback
        if value is None:
            if self.non_null:
                raise _Fallback
            return None
        complete = self.complete
        if self.many:
            return [complete(item, context) for item in _as_items(value)]
        return complete(value, context)


def object_step(
    type_name: str,
    is_type_of: Callable[[Any, Any], Any] | None,
    steps: list[tuple[str, Step]],
    *,
    non_null: bool = False,
) -> Step:
    """One generated function completing a selection of ``type_name`` on a value (a null value
    is null, or with ``non_null`` a fallback)."""
    namespace: dict[str, Any] = {
        "Fallback": _Fallback,
        "FALLBACK": FALLBACK,
        "Undefined": Undefined,
        "as_items": _as_items,
        "is_type_of": is_type_of,
        "accepted": set(),
    }
    body = [
        "def complete(value, context):",
        "    if value is None:",
        "        raise Fallback" if non_null else "        return None",
    ]
    if is_type_of is not None:
        # is_type_of asks the class (an isinstance check, here as in Strawberry's default):
        # once a class passed, its other instances need not ask again
        body += [
            "    if type(value) not in accepted:",
            "        if is_type_of(value, None) is not True:",
            "            raise Fallback",
            "        accepted.add(type(value))",
        ]
    answer: list[str] = []
    for i, (response_name, step) in enumerate(steps):
        target = f"f{i}"
        if isinstance(step, AttributeLeaf) and _safe_attribute(step.name):
            body.append(f"    {target} = value.{step.name}")
            body.append(f"    if {target} is None:")
            body.append("        raise Fallback" if step.non_null else "        pass")
            namespace[f"serialize_{i}"] = step.serialize
            namespace[f"type_{i}"] = step.passthrough
            body.append(f"    elif type({target}) is not type_{i}:")
            body.append(f"        {target} = serialize_{i}({target})")
            body.append(f"        if {target} is None or {target} is Undefined:")
            body.append("            raise Fallback")
        elif isinstance(step, CompositeStep):
            namespace[f"complete_{i}"] = step.complete
            if isinstance(step.resolve, ReadAttribute) and _safe_attribute(step.resolve.name):
                body.append(f"    {target} = value.{step.resolve.name}")
            else:
                namespace[f"resolve_{i}"] = step.resolve
                body.append(f"    {target} = resolve_{i}(value, context)")
                body.append(f"    if {target} is FALLBACK:")
                body.append("        raise Fallback")
            body.append(f"    if {target} is None:")
            body.append("        raise Fallback" if step.non_null else "        pass")
            if step.many:
                body.append("    else:")
                body.append(f"        if type({target}) is not list:")
                body.append(f"            {target} = as_items({target})")
                body.append(
                    f"        {target} = [complete_{i}(item, context) for item in {target}]"
                )
            else:
                body.append("    else:")
                body.append(f"        {target} = complete_{i}({target}, context)")
        else:
            namespace[f"step_{i}"] = step
            body.append(f"    {target} = step_{i}(value, context)")
        answer.append(f"{response_name!r}: {target}")
    body.append("    return {" + ", ".join(answer) + "}")
    source = "\n".join(body)
    code = _COMPILED.get(source)
    if code is None:
        if len(_COMPILED) >= _MAX_COMPILED:
            _COMPILED.clear()
        code = _COMPILED[source] = compile(source, f"<plain selection of {type_name}>", "exec")
    exec(code, namespace)  # noqa: S102 - our own generated source, see the module docstring
    complete: Step = namespace["complete"]
    return complete


# compiled sources: a request's selections repeat across requests, compiling them does not
_COMPILED: dict[str, Any] = {}
_MAX_COMPILED = 2048


def _safe_attribute(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__")
