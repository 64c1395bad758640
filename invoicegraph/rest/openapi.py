"""The OpenAPI 3.1 document of both REST dialects, generated from their route tables and the
models each operation declares (nothing here describes a field by hand), served at
``/openapi.json``; ``/docs`` renders it with Redoc, bundled from the npm registry and served by
us (``scripts/build_docs.sh``), nothing fetched from anywhere else."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, NoDefault, models_json_schema
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from invoicegraph import __version__
from invoicegraph.domain.validation import MAX_ID
from invoicegraph.rest.endpoint import Dialect
from invoicegraph.rest.operation import Operation
from invoicegraph.services.idempotency import MAX_KEY_LENGTH

REF = "#/components/schemas/{model}"
DOCS_STATIC = Path(__file__).resolve().parents[1] / "static" / "docs"
INTEGER = {"type": "integer"}
HEADERS: dict[str, dict[str, Any]] = {
    "X-RateLimit-Limit": {"description": "Requests per minute for this key", "schema": INTEGER},
    "X-RateLimit-Remaining": {"description": "Requests left in the bucket", "schema": INTEGER},
    "X-RateLimit-Reset": {"description": "Seconds until the bucket is full", "schema": INTEGER},
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": INTEGER},
    "Idempotent-Replayed": {
        "description": "true: this is the stored answer of an earlier request with the same "
        "Idempotency-Key and body; nothing was done again",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "ETag": {
        "description": "The representation's version, for If-Match",
        "schema": {"type": "string"},
    },
}
RATE = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
ERRORS = {
    400: "The body is not JSON (or not UTF-8, or nests too deeply)",
    401: "Missing, invalid or revoked API key",
    402: "Plan limit reached; consider upgrading to professional",
    403: "The key is read-only",
    404: "No such id in this account (another account's ids are not found either)",
    409: "The object's state does not allow it, or the Idempotency-Key is in flight",
    412: "If-Match names an ETag that is no longer the current one",
    413: "The body exceeds the size limit",
    415: "The body is not sent as application/json",
    422: "Invalid data: every offending field is named",
    429: "Rate limit reached; retry after Retry-After seconds",
    503: "The database is unreachable; retry shortly",
}
ADMIN_ONLY = "The key is not an admin key (this operation needs one)"
SUCCESS = {200: "OK", 201: "Created", 204: "Done, no content"}
ID_SCHEMAS = {"uuid": {"type": "string", "format": "uuid"},
              "int": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}  # fmt: skip


class Schemas(GenerateJsonSchema):
    """Property titles only repeat the property's name (the models' titles stay), and a
    ``null`` default only says "optional", which generators misread as "always sent"."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def get_default_value(self, schema: Any) -> Any:
        default = super().get_default_value(schema)
        return NoDefault if default is None else default


@dataclass(frozen=True)
class Face:
    dialect: Dialect
    operations: list[Operation]


def _faces() -> list[Face]:
    from invoicegraph.rest import api, v1
    from invoicegraph.rest.api.dialect import DIALECT as API
    from invoicegraph.rest.v1.dialect import DIALECT as V1

    return [Face(API, api.OPERATIONS), Face(V1, v1.OPERATIONS)]


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}


def _headers(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _parameters(face: Face, op: Operation) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    if "{id}" in op.path:
        params.append(
            {"name": "id", "in": "path", "required": True, "description": "The object's id",
             "schema": ID_SCHEMAS[face.dialect.id_kind]}
        )  # fmt: skip
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=REF, schema_generator=Schemas)
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            description = prop.pop("description", None) or name.replace("_", " ")
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop,
                 "description": description}
            )  # fmt: skip
    if op.body is not None:
        params.append(
            {"name": "Idempotency-Key", "in": "header", "required": False,
             "description": "A retry with the same key and body replays the first answer "
             "(Idempotent-Replayed: true) and does nothing again; another body is refused",
             "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH}}
        )  # fmt: skip
    if op.method == "PATCH" and op.etag:
        params.append(
            {"name": "If-Match", "in": "header", "required": False,
             "description": "The ETag of the GET this change is based on: 412 when stale",
             "schema": {"type": "string"}}
        )  # fmt: skip
    return params


def _links(face: Face, op: Operation) -> dict[str, Any]:
    if op.links is None:
        return {}
    pointer, prefix = op.links
    return {
        other.name: {
            "operationId": f"{face.dialect.name}_{other.name}",
            "parameters": {"id": f"$response.body#{pointer}"},
        }
        for other in face.operations
        if other.path.startswith(prefix)
    }


def _responses(face: Face, op: Operation) -> dict[str, Any]:
    headers = [*RATE]
    if op.body is not None:
        headers.append("Idempotent-Replayed")
    if op.etag:
        headers.append("ETag")
    ok: dict[str, Any] = {"description": SUCCESS[op.status], "headers": _headers(*headers)}
    if isinstance(op.answer, tuple):
        ok["content"] = {m: {"schema": {"type": "string", "format": "binary"}} for m in op.answer}
    elif op.answer is not None:
        ok["content"] = _json(op.answer)
    if links := _links(face, op):
        ok["links"] = links
    codes = {401, 429, 503, *op.errors}
    if op.write:
        codes.add(403)
    if op.body is not None:
        codes |= {400, 409, 413, 415, 422}
    if op.query is not None:
        codes.add(422)
    if "{id}" in op.path:
        codes.add(404)
    if op.method == "PATCH" and op.etag:
        codes.add(412)
    responses: dict[str, Any] = {str(op.status): ok}
    if op.also is not None:
        responses[str(op.also)] = {**ok, "description": SUCCESS[op.also]}
        responses[str(op.also)].pop("links", None)
    for code in sorted(codes):
        extra = ("Retry-After",) if code in (429, 503) else ()
        responses[str(code)] = {
            "description": ADMIN_ONLY if code == 403 and op.admin else ERRORS[code],
            "headers": _headers(*RATE, *extra) if code != 401 else _headers(*extra),
            "content": _json(
                face.dialect.invalid_model if code == 422 else face.dialect.error_model
            ),
        }
    return responses


def _operation(face: Face, op: Operation) -> dict[str, Any]:
    doc = inspect.cleandoc(op.handler.__doc__ or op.name.replace("_", " "))
    summary = doc.split("\n\n")[0].replace("\n", " ").split(". ")[0].rstrip(".")
    operation: dict[str, Any] = {
        "operationId": f"{face.dialect.name}_{op.name}",
        "summary": summary[:120],
        "description": doc,
        "tags": [face.dialect.name],
    }
    if params := _parameters(face, op):
        operation["parameters"] = params
    if op.body is not None:
        operation["requestBody"] = {
            "required": op.body_required,
            "description": (op.body.__doc__ and inspect.cleandoc(op.body.__doc__))
            or op.body.__name__,
            "content": _json(op.body),
        }
    operation["responses"] = _responses(face, op)
    return operation


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    faces = _faces()
    paths: dict[str, dict[str, Any]] = {}
    models: dict[tuple[type[BaseModel], str], None] = {}
    for face in faces:
        for answer in (face.dialect.error_model, face.dialect.invalid_model):
            models[(answer, "serialization")] = None
        for op in face.operations:
            item = paths.setdefault(f"/{face.dialect.name}{op.path}", {})
            item[op.method.lower()] = _operation(face, op)
            if op.body is not None:
                models[(op.body, "validation")] = None
            if isinstance(op.answer, type):
                models[(op.answer, "serialization")] = None
    _, schemas = models_json_schema(list(models), ref_template=REF, schema_generator=Schemas)  # type: ignore[arg-type]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "invoicegraph REST API",
            "version": __version__,
            "description": (
                "Two REST dialects over the same invoicing services: `/api` (Facturovia) and "
                "`/v1` (Orzame). Send `Authorization: Bearer fv_live_…` (or `fv_test_…` for "
                "the sandbox). Every POST and PATCH accepts an `Idempotency-Key` header and "
                "takes `application/json` (415 otherwise); unknown fields are refused (422). "
                "Money is an exact decimal written as a JSON number. GraphQL lives at "
                "`/graphql`."
            ),
            "contact": {"name": "invoicegraph maintainers"},
        },
        "servers": [{"url": "/", "description": "this server"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": f.dialect.name, "description": f.dialect.description} for f in faces],
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "headers": HEADERS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key: fv_live_… or fv_test_… (the account's sandbox)",
                }
            },
        },
    }


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document())


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>invoicegraph REST API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0}</style></head><body>
<redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<script src="/docs/static/redoc.standalone.js"></script>
</body></html>"""


async def docs_page(request: Request) -> Response:
    """The reference page: Redoc renders /openapi.json (every field, every answer)."""
    if not (DOCS_STATIC / "redoc.standalone.js").exists():
        return PlainTextResponse("the docs bundle is not built: run scripts/build_docs.sh", 503)
    return HTMLResponse(DOCS_PAGE)


def routes() -> list[BaseRoute]:
    """``/openapi.json``, ``/docs`` and the Redoc bundle it loads."""
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs_page, methods=["GET"]),
        Mount("/docs/static", app=StaticFiles(directory=DOCS_STATIC, check_dir=False)),
    ]
