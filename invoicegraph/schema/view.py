"""The GraphQL HTTP/WebSocket view: context per request, GraphiQL served from our own
bundle, orjson responses, and Idempotency-Key on mutations (as on REST POSTs)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import HTTPException as StrawberryHTTPException
from graphql import OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLSyntaxError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.types.unset import UNSET, UnsetType

from invoicegraph.db.engine import Database
from invoicegraph.domain.errors import DomainError, Unauthenticated
from invoicegraph.resolvers.loaders import Loaders
from invoicegraph.rest.jsonio import parse_json
from invoicegraph.schema.context import Context
from invoicegraph.schema.graphiql import render_graphiql_page
from invoicegraph.schema.socket_key import guard_socket, socket_is_open
from invoicegraph.services import idempotency
from invoicegraph.services.api_keys import AuthContext, authenticate

FACE = "graphql"


def _is_mutation(body: bytes) -> bool:
    """Whether the posted operation is a mutation (the only kind idempotency applies to)."""
    try:
        payload = json.loads(body)
        document = parse(payload.get("query") or "")
    except (ValueError, AttributeError, GraphQLSyntaxError):
        return False
    name = payload.get("operationName")
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


class InvoiceGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = TextFrameWebSocketAdapter

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        """JSON with the REST faces' guards: bounded nesting, a clear 400 otherwise."""
        try:
            return parse_json(data.encode() if isinstance(data, str) else data)
        except DomainError as exc:
            raise StrawberryHTTPException(400, exc.message) from None

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

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        database: Database = request.app.state.database
        auth, error = await self._authenticate(database, request.headers.get("authorization"))
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
            error = {"message": exc.reason, "extensions": {"code": "BAD_REQUEST"}}
            return Response(
                orjson.dumps({"data": None, "errors": [error]}),
                status_code=exc.status_code,
                media_type="application/json",
            )

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        context = UNSET if context is None else context
        root_value = UNSET if root_value is None else root_value
        if isinstance(request, Request) and request.method == "POST":
            limit: int = request.app.state.settings.max_body_bytes
            declared = request.headers.get("content-length", "")
            too_large = declared.isdigit() and int(declared) > limit
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
        key = request.headers.get("idempotency-key") if isinstance(request, Request) else None
        if key is None or request.method != "POST":
            return await self._run(request, context, root_value)
        body = await request.body()
        if not _is_mutation(body):
            return await self._run(request, context, root_value)
        database: Database = request.app.state.database
        auth, _ = await self._authenticate(database, request.headers.get("authorization"))
        if auth is None:
            return await self._run(request, context, root_value)
        fingerprint = idempotency.request_fingerprint("POST", request.url.path, body)
        try:
            async with database.sessions() as session:
                stored = await idempotency.claim(session, auth.account, FACE, key, fingerprint)
        except DomainError as exc:
            code = "IDEMPOTENCY_CONFLICT" if exc.code == "conflict" else "IDEMPOTENCY_MISMATCH"
            status = 409 if exc.code == "conflict" else 422
            payload = {
                "data": None,
                "errors": [{"message": exc.message, "extensions": {"code": code}}],
            }
            return Response(
                orjson.dumps(payload), status_code=status, media_type="application/json"
            )
        if stored is not None:
            headers = {**stored.headers, "Idempotent-Replayed": "true"}
            return Response(stored.body, status_code=stored.status, headers=headers)
        answer: idempotency.StoredAnswer | None = None
        try:
            response = await self._run(request, context, root_value)
            answer = idempotency.StoredAnswer(
                status=response.status_code,
                headers={"content-type": "application/json"},
                body=bytes(response.body),
            )
            return response
        finally:
            async with database.sessions() as session:
                await idempotency.settle(session, auth.account, FACE, key, answer)
