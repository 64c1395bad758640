"""Execution with a fast path for plain data.

graphql-core resolves every field through the same general machinery: a resolve-info object,
Strawberry's resolver wrapper (its own ``Info``, argument conversion, extension chain), an
awaitable check, and a completion step dispatching on the return type. That costs several µs
per field, and a page of 100 invoices with lines, taxes and client is about 8,000 fields.

Most of those fields are plain data: an attribute of the root object, or a synchronous method
of the type that needs nothing but the root. For a selection made only of such fields this
module compiles, once per request and selection, a small function per field that reads the
value and serialises it (leaves), builds the dict (objects) or the list, with no per-field
object allocation. Fields that need more (arguments, async resolvers, abstract types,
``@defer``/``@stream``) go through graphql-core as before, and so does any selection in which
a fast step meets something unexpected (an exception, a null in a non-null field, a value a
loader does not hold yet): the general path then runs that field again and reports the error
exactly as it always did. Plain reads have no side effects, so running one twice is safe.

``plain_steps.py`` builds the steps; the selection of an object type becomes one generated
function. Async fields that usually answer from data already loaded (an invoice's lines and
client on a page) register a *fast resolver* with ``fast_resolver``: a synchronous function of
the root and the request context that answers from the loaders' caches, or ``FALLBACK`` when
it cannot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Path
from strawberry.dataloader import DataLoader
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from invoicegraph.schema.plain_steps import (
    FALLBACK,
    CompositeStep,
    FastResolver,
    ReadAttribute,
    Step,
    _Fallback,
    leaf_step,
    object_step,
)
from invoicegraph.sqlread.graphql import Prebuilt

F = TypeVar("F", bound=FastResolver)

_FAST_RESOLVERS: dict[tuple[str, str], FastResolver] = {}


def fast_resolver(type_name: str, field_name: str) -> Callable[[F], F]:
    """Register ``function`` as the synchronous answer of ``type_name.field_name`` (GraphQL
    names) when the data is already at hand; the field's own resolver stays the general path."""

    def register(function: F) -> F:
        _FAST_RESOLVERS[(type_name, field_name)] = function
        return function

    return register


def peek(loader: DataLoader[Any, Any], key: Any) -> Any:
    """What ``loader`` already holds for ``key`` (loaded or primed), else ``FALLBACK``."""
    future = loader.cache_map.get(key)  # type: ignore[attr-defined]
    if future is None or not future.done() or future.cancelled() or future.exception():
        return FALLBACK
    return future.result()


def _call_method(method: Callable[[Any], Any]) -> FastResolver:
    def call(root: Any, _context: Any) -> Any:
        return method(root)

    return call


def plain_resolver(
    parent: GraphQLObjectType, name: str, field: GraphQLField
) -> FastResolver | None:
    """The fast resolver of a field, when it has one: registered, an attribute of the root,
    or a synchronous method that takes only ``self``."""
    registered = _FAST_RESOLVERS.get((parent.name, name))
    if registered is not None:
        return registered
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or definition.extensions:
        return None
    resolver = definition.base_resolver
    if resolver is None:
        if definition.default_resolver is not getattr:
            return None
        return ReadAttribute(definition.python_name)
    if (
        resolver.is_async
        or resolver.arguments
        or resolver.info_parameter is not None
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or resolver.self_parameter is None
    ):
        return None
    return _call_method(resolver.wrapped_func)


class PlainDataExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution with compiled steps for selections of plain data."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (program, the field set it was compiled from: kept alive so that its id is not reused)
        self._programs: dict[tuple[str, int], tuple[list[tuple[str, Step | None, Any]], Any]] = {}
        self._steps: dict[tuple[str, int], Step | None] = {}

    def complete_value(  # type: ignore[override]
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A resolver's ``Prebuilt`` answer (JSON the database wrote, ``sqlread.graphql``) is
        the field's value as it is: there is nothing to complete."""
        if type(result) is Prebuilt:
            return result.value
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def execute_fields(  # type: ignore[override]
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Mapping[str, Any],
        position_context: Any,
    ) -> Any:
        middleware = self.middleware_manager
        if middleware is not None and middleware.middlewares:  # an extension wraps resolvers
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        program = self._program(parent_type, grouped_field_set)
        context = self.context_value
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, step, field_details_list in program:
                if step is not None:
                    try:
                        results[response_name] = step(source_value, context)
                        continue
                    except Exception:  # noqa: S110 - the general path below reports it properly
                        pass
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gather(results, awaitable_fields)

    async def _gather(self, results: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        from graphql.pyutils import gather_with_cancel

        if len(fields) == 1:
            results[fields[0]] = await results[fields[0]]
        else:
            values = await gather_with_cancel(*(results[field] for field in fields))
            results.update(zip(fields, values, strict=True))
        return results

    # --- compiling ------------------------------------------------------------------------

    def _program(
        self, parent_type: GraphQLObjectType, grouped_field_set: Mapping[str, Any]
    ) -> list[tuple[str, Step | None, Any]]:
        key = (parent_type.name, id(grouped_field_set))
        cached = self._programs.get(key)
        if cached is None:
            program = [
                (response_name, self._step(parent_type, details), details)
                for response_name, details in grouped_field_set.items()
            ]
            cached = self._programs[key] = (program, grouped_field_set)
        return cached[0]

    def _step(self, parent_type: GraphQLObjectType, field_details_list: Any) -> Step | None:
        key = (parent_type.name, id(field_details_list))
        if key not in self._steps:
            self._steps[key] = self._compile_step(parent_type, field_details_list)
        return self._steps[key]

    def _compile_step(self, parent_type: GraphQLObjectType, field_details_list: Any) -> Step | None:
        node = field_details_list[0].node
        if node.arguments or node.directives:
            return None
        name = node.name.value
        if name == "__typename":
            type_name = parent_type.name
            return lambda _root, _context: type_name
        field = parent_type.fields.get(name)
        if field is None:
            return None
        resolve = plain_resolver(parent_type, name, field)
        if resolve is None:
            return None
        leaf = leaf_step(resolve, field.type)
        if leaf is not None:
            return leaf
        composite = self._composite_step(resolve, field.type, field_details_list)
        if composite is not None:
            return composite
        complete = self._completer(field.type, field_details_list)
        if complete is None:
            return None

        def step(root: Any, context: Any) -> Any:
            value = resolve(root, context)
            if value is FALLBACK:
                raise _Fallback
            return complete(value, context)

        return step

    def _composite_step(
        self, resolve: FastResolver, type_: GraphQLOutputType, field_details_list: Any
    ) -> CompositeStep | None:
        """An object field, or a list of objects: the shapes ``object_step`` inlines."""
        non_null = isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            item = inner.of_type
            item_non_null = isinstance(item, GraphQLNonNull)
            named = item.of_type if isinstance(item, GraphQLNonNull) else item
            if not isinstance(named, GraphQLObjectType):
                return None
            complete = self._object_completer(named, field_details_list, item_non_null)
            return None if complete is None else CompositeStep(resolve, complete, True, non_null)
        if not isinstance(inner, GraphQLObjectType):
            return None
        complete = self._object_completer(inner, field_details_list, non_null)
        return None if complete is None else CompositeStep(resolve, complete, False, non_null)

    def _object_completer(
        self, type_: GraphQLObjectType, field_details_list: Any, non_null: bool
    ) -> Step | None:
        grouped_field_set, defer_usages, _ = self.collect_subfields(type_, field_details_list)
        if defer_usages:
            return None
        steps: list[tuple[str, Step]] = []
        for response_name, details in grouped_field_set.items():
            step = self._step(type_, details)
            if step is None:
                return None
            steps.append((response_name, step))
        return object_step(type_.name, type_.is_type_of, steps, non_null=non_null)

    def _completer(self, type_: GraphQLOutputType, field_details_list: Any) -> Step | None:
        if is_non_null_type(type_):
            assert isinstance(type_, GraphQLNonNull)
            inner = self._completer(type_.of_type, field_details_list)
            if inner is None:
                return None

            def non_null(value: Any, context: Any) -> Any:
                if value is None:
                    raise _Fallback
                return inner(value, context)

            return non_null
        if is_leaf_type(type_):
            serialize = type_.serialize  # type: ignore[union-attr]

            def leaf(value: Any, _context: Any) -> Any:
                if value is None:
                    return None
                serialized = serialize(value)
                if serialized is None or serialized is Undefined:
                    raise _Fallback
                return serialized

            return leaf
        if is_list_type(type_):
            assert isinstance(type_, GraphQLList)
            item = self._completer(type_.of_type, field_details_list)
            if item is None:
                return None

            def items(value: Any, context: Any) -> Any:
                if value is None:
                    return None
                if isinstance(value, str | bytes | Mapping):
                    raise _Fallback
                return [item(element, context) for element in value]

            return items
        if is_object_type(type_):
            assert isinstance(type_, GraphQLObjectType)
            return self._object_completer(type_, field_details_list, non_null=False)
        return None  # interfaces and unions: the general path resolves the runtime type
