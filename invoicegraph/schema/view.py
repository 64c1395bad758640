"""The GraphQL HTTP/WebSocket view: context per request, GraphiQL served from our own
bundle, orjson responses, and Idempotency-Key on mutations (as on REST POSTs)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, cast

import orjson
from cross_web import AsyncHTTPRequestAdapter
from cross_web import HTTPException as StrawberryHTTPException
from graphql import OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from invoicegraph.db.engine import Database
from invoicegraph.db.unit_of_work import UnitOfWork, run_in_unit_of_work
from invoicegraph.domain.errors import DomainError, Unauthenticated
from invoicegraph.domain.validation import ascii_digits, text_problem
from invoicegraph.http import request_info
from invoicegraph.http.jsonio import parse_json
from invoicegraph.http.ratelimit import RateLimiter
from invoicegraph.http.request_info import (
    current_request_id,
    note_caller,
    note_error_codes,
    note_operation,
)
from invoicegraph.resolvers.loaders import Loaders
from invoicegraph.schema import admission
from invoicegraph.schema.context import Context
from invoicegraph.schema.graphiql import render_graphiql_page
from invoicegraph.schema.limits import MAX_TOKENS
from invoicegraph.schema.socket_key import guard_socket, socket_is_open
from invoicegraph.services import idempotency
from invoicegraph.services.api_keys import AuthContext, authenticate

FACE = "graphql"
# the request's AuthContext once admitted (request.state), so it is not looked up again
ADMITTED_AUTH = "graphql_auth"
RATE_HEADERS = "graphql_rate_headers"
_OPERATION_NAME = re.compile(r"\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]{0,99})")


class _Refused(StrawberryHTTPException):
    """An HTTP refusal of the request itself, with the GraphQL code that names why."""

    def __init__(self, status_code: int, reason: str, code: str) -> None:
        super().__init__(status_code, reason)
        self.code = code


def _operation_name(data: GraphQLRequestData) -> str:
    if data.operation_name:
        return str(data.operation_name)[:100]
    found = _OPERATION_NAME.match(data.query or "")
    return found.group(1) if found else "anonymous"


def _is_mutation(body: bytes) -> bool:
    """Whether the posted operation is a mutation (the only kind idempotency applies to).
    Whatever is not a well-formed single operation is left for Strawberry to refuse (400)."""
    try:
        payload = parse_json(body)
    except DomainError:
        return False
    if not isinstance(payload, dict):
        return False
    query, name = payload.get("query"), payload.get("operationName")
    if not isinstance(query, str) or not (name is None or isinstance(name, str)):
        return False
    if len(query) <= _REMEMBERED_QUERY_LENGTH:
        return _names_a_mutation(query, name)
    return _names_a_mutation.__wrapped__(query, name)


# the texts an integration sends are few and repeat: each is parsed once here (Strawberry's
# ParserCache parses it once more for execution)
_REMEMBERED_QUERY_LENGTH = 20_000


@lru_cache(maxsize=512)
def _names_a_mutation(query: str, name: str | None) -> bool:
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return False
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            return definition.operation == OperationType.MUTATION
    return False


class TextFrameWebSocketAdapter(ASGIWebSocketAdapter):
    """Sends every graphql-transport-ws message as a TEXT frame.

    The protocol's messages are JSON text; Strawberry's adapter sends bytes as a binary frame,
    and our ``encode_json`` returns orjson's bytes (right for HTTP bodies). Every standard
    client (graphql-ws, Apollo, urql, Python gql) refuses binary frames."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        if not socket_is_open(self.ws):
            # closed by us (a revoked key) or by the client: the operation's last
            # "complete" has nobody to go to
            return
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


# top-level codes that say the caller may not do this (yet), never what the mutation did: such
# an answer is not kept for the key, and the document's writes are undone with it
NOT_AN_ANSWER = frozenset(
    {
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "RATE_LIMITED",
        "PAYMENT_REQUIRED",
        "SERVICE_UNAVAILABLE",
        "INTERNAL_SERVER_ERROR",  # a masked failure (schema/error_codes.py)
    }
)


def _refusals(body: bytes) -> list[dict[str, Any]] | None:
    """The top-level errors that make a mutation's answer not the key's final answer: access
    refusals and masked internal errors. None when the answer can be kept."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return [{"message": "Unexpected error.", "extensions": {"code": "INTERNAL"}}]
    errors = payload.get("errors") if isinstance(payload, dict) else None
    refused = [
        error
        for error in errors or []
        if not isinstance(error, dict)
        or not isinstance(error.get("extensions"), dict)
        or error["extensions"].get("code") in NOT_AN_ANSWER
        or ("code" not in error["extensions"] and error.get("path") is not None)
    ]
    return refused or None


class _BadUserInput(StrawberryHTTPException):
    """A value refused before coercion, naming its argument as coercion errors do
    (``$lines.3.description``), so a client finds the field by ``extensions.argument``."""

    code = "BAD_USER_INPUT"

    def __init__(self, status_code: int, reason: str, argument: str) -> None:
        super().__init__(status_code, reason)
        self.argument = argument


def _text_problem_in(value: Any, path: str) -> tuple[str, str] | None:
    """The text rule on every string of a request's query and variables (NUL, lone
    surrogates): the path of the first offending one and its problem."""
    if isinstance(value, str):
        problem = text_problem(value)
        return (path, problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _text_problem_in(key, path) or _text_problem_in(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _text_problem_in(item, f"{path}.{index}")
            if found:
                return found
    return None


def _argument_of(path: str) -> str:
    """``variables.lines.3.description`` → ``$lines.3.description``; ``query`` stays."""
    head, _, rest = path.partition(".")
    return f"${rest}" if head == "variables" and rest else path


class _RolledBack(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class InvoiceGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = TextFrameWebSocketAdapter

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        """JSON with the REST faces' guards: bounded nesting, a clear 400 otherwise."""
        try:
            value = parse_json(data.encode() if isinstance(data, str) else data)
        except DomainError as exc:
            raise StrawberryHTTPException(400, exc.message) from None
        if not isinstance(value, dict | list):  # a list is a batch, refused by Strawberry
            raise StrawberryHTTPException(400, "the request body must be a JSON object")
        if isinstance(value, dict):
            problem = _text_problem_in(value.get("query"), "query") or _text_problem_in(
                value.get("variables"), "variables"
            )
            if problem is not None:
                path, text = problem
                raise _BadUserInput(400, f"{path}: {text}", _argument_of(path))
        return value

    async def _authenticate(
        self, database: Database, header: str | None
    ) -> tuple[AuthContext | None, DomainError | None]:
        if not header:
            return None, Unauthenticated("missing API key: send 'Authorization: Bearer fv_live_…'")
        try:
            async with database.sessions() as session:
                return await authenticate(session, header), None
        except DomainError as exc:
            return None, exc

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's parsing, then the bound on the variables' size, before any coercion."""
        parsed = await super().parse_http_body(request)
        for data in parsed if isinstance(parsed, list) else [parsed]:
            if data.variables and admission.too_many_variable_values(data.variables):
                limit = admission.MAX_VARIABLE_VALUES
                message = f"variables: more than {limit} values in one request"
                raise _Refused(413, message, "PAYLOAD_TOO_LARGE")
            note_operation(_operation_name(data))
        return parsed

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Every error names the request it belongs to (``extensions.requestId``)."""
        answer = await super().process_result(request, result)
        errors = answer.get("errors")
        if errors:
            request_id = current_request_id()
            codes = []
            for error in errors:
                extensions = cast(dict[str, Any], error).setdefault("extensions", {})
                if request_id is not None:
                    extensions["requestId"] = request_id
                codes.append(str(extensions.get("code", "INTERNAL_SERVER_ERROR")))
            note_error_codes(codes)
        return answer

    async def _admit(self, request: Request) -> Response | None:
        """Authentication and the rate limit, from the headers alone: a refusal, or None."""
        if not admission.is_execution(request):
            return None
        limiter: RateLimiter = request.app.state.rate_limiter
        header = request.headers.get("authorization")
        if header:
            auth, error = await self._authenticate(request.app.state.database, header)
            if auth is None:
                return admission.unauthenticated(error.message if error else "invalid API key")
            setattr(request.state, ADMITTED_AUTH, auth)
            note_caller(auth.account.id, auth.key.id)
            decision = await limiter.check(str(auth.key.id))
        elif await admission.anonymous_introspection(request):
            decision = await admission.anonymous_decision(request, limiter)
        else:
            return admission.unauthenticated(admission.MISSING_KEY)
        if not decision.allowed:
            return admission.rate_limited(decision)
        setattr(request.state, RATE_HEADERS, decision.headers())
        return None

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        database: Database = request.app.state.database
        uow = getattr(request.state, "unit_of_work", None)  # a mutation's one transaction
        if isinstance(uow, UnitOfWork):
            database = uow.database
        admitted: AuthContext | None = getattr(request.state, ADMITTED_AUTH, None)
        header = request.headers.get("authorization")
        error: DomainError | None
        if admitted is not None:
            auth, error = admitted, None
        elif isinstance(request, Request) and not header:
            # an anonymous schema read, or the explorer page: nothing to look up
            auth, error = None, Unauthenticated(admission.MISSING_KEY)
        else:
            auth, error = await self._authenticate(database, header)
        return Context(
            request=request,
            database=database,
            settings=request.app.state.settings,
            auth=auth,
            auth_error=error,
            loaders=Loaders(database, auth.account if auth else None),
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate a subscription socket at ``connection_init``: browsers cannot set
        WebSocket headers, so the key comes in the payload (GraphiQL sends its headers)."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if context.auth is None or header:
            auth, error = await self._authenticate(
                context.database, str(header) if header else None
            )
            if auth is None:
                message = error.message if error else "missing API key"
                raise ConnectionRejectionError({"message": message, "code": "UNAUTHENTICATED"})
            context.auth, context.auth_error = auth, None
            context.loaders = Loaders(context.database, auth.account)
        if isinstance(context.request, WebSocket):
            guard = asyncio.create_task(
                guard_socket(context.database, context.request, context.auth.key.id)
            )
            context.extra["key_guard"] = guard  # a reference keeps the task alive
        return UNSET  # a bare connection_ack

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(render_graphiql_page(endpoint=request.url.path))

    async def _run(self, request: Any, context: Any, root_value: Any) -> Any:
        """Strawberry's run, with its HTTP errors (bad JSON, batching) answered as JSON."""
        try:
            return await super().run(request, context, root_value)
        except StrawberryHTTPException as exc:
            extensions = {"code": getattr(exc, "code", "BAD_REQUEST")}
            if isinstance(exc, _BadUserInput):
                extensions["argument"] = exc.argument
            error = {"message": exc.reason, "extensions": extensions}
            return Response(
                orjson.dumps({"data": None, "errors": [error]}),
                status_code=exc.status_code,
                media_type="application/json",
            )

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        response = await self._run_admitted(request, context, root_value)
        if isinstance(request, Request) and isinstance(response, Response):
            rate_headers = getattr(request.state, RATE_HEADERS, None)
            if rate_headers:
                response.headers.update(rate_headers)
        return response

    async def _run_admitted(self, request: Any, context: Any, root_value: Any) -> Any:
        context = UNSET if context is None else context
        root_value = UNSET if root_value is None else root_value
        if isinstance(request, Request) and request.method == "POST":
            limit: int = request.app.state.settings.max_body_bytes
            declared = request.headers.get("content-length", "")
            too_large = ascii_digits(declared) and int(declared) > limit
            if not too_large:
                too_large = len(await request.body()) > limit  # cached for Strawberry
            if too_large:
                message = f"the request body exceeds {limit} bytes"
                error = {"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}
                return Response(
                    orjson.dumps({"data": None, "errors": [error]}),
                    status_code=413,
                    media_type="application/json",
                )
        if isinstance(request, Request):
            refusal = await self._admit(request)  # before Strawberry reads the variables
            if refusal is not None:
                return refusal
        if not isinstance(request, Request) or request.method != "POST":
            return await self._run(request, context, root_value)
        if not _is_mutation(await request.body()):
            return await self._run(request, context, root_value)
        try:
            return await self._mutation(request, context, root_value)
        except _RolledBack as failed:
            return failed.response

    async def _mutation(self, request: Request, context: Any, root_value: Any) -> Response:
        """A mutation runs in one transaction (``db.unit_of_work``): its answer is encoded
        before the commit, and an Idempotency-Key — claimed only for a key that may write —
        is answered in that same transaction."""
        database: Database = request.app.state.database
        key = request.headers.get("idempotency-key")
        auth = None
        if key is not None:
            auth = getattr(request.state, ADMITTED_AUTH, None)
            if auth is None:
                auth, _ = await self._authenticate(database, request.headers.get("authorization"))
            if auth is None or auth.access not in ("write", "admin"):
                key = None  # refused below by the resolvers: nothing to claim or replay

        async def attempt(uow: UnitOfWork) -> Response:
            request.state.unit_of_work = uow
            info = request_info.current()
            if info is not None:
                info.error_codes.clear()  # a run made again counts its own errors only
            stored = None
            if key is not None and auth is not None:
                raw = await request.body()
                fingerprint = idempotency.request_fingerprint("POST", request.url.path, raw)
                try:
                    stored = await idempotency.claim(
                        uow.session, auth.account, FACE, key, fingerprint
                    )
                except DomainError as exc:
                    raise _RolledBack(_idempotency_refusal(exc)) from None
            if stored is not None:
                headers = {**stored.headers, "Idempotent-Replayed": "true"}
                return Response(stored.body, status_code=stored.status, headers=headers)
            response = await self._run(request, context, root_value)
            body = getattr(response, "body", None)
            if not isinstance(body, bytes):
                raise TypeError("a mutation's answer must be encoded before it commits")
            refused = _refusals(body) if response.status_code < 500 else []
            if response.status_code >= 500 or refused is not None:
                raise _RolledBack(_refused_answer(response, refused))
            if key is not None and auth is not None:
                answer = idempotency.StoredAnswer(
                    status=response.status_code,
                    headers={"content-type": "application/json"},
                    body=body,
                )
                await idempotency.record(uow.session, auth.account, FACE, key, answer)
            return response

        # a step that fails with something to undo has the whole mutation run again, with
        # a SAVEPOINT per step (``run_in_unit_of_work``): its payload error is then answered
        # next to what the other steps did
        return await run_in_unit_of_work(database, attempt)


def _idempotency_refusal(exc: DomainError) -> Response:
    code = "IDEMPOTENCY_CONFLICT" if exc.code == "conflict" else "IDEMPOTENCY_MISMATCH"
    status = 409 if exc.code == "conflict" else 422
    payload = {"data": None, "errors": [{"message": exc.message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def _refused_answer(response: Response, refused: list[dict[str, Any]] | None) -> Response:
    """What a rolled-back mutation answers: nothing was done, so no data, only why."""
    if not refused:
        return response
    payload = {"data": None, "errors": refused}
    return Response(
        orjson.dumps(payload), status_code=response.status_code, media_type="application/json"
    )
