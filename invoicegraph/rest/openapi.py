"""The OpenAPI 3.1 document of both REST dialects (each dialect describes its own routes),
served at ``/openapi.json``, and a readable reference page at ``/docs`` rendered by us from
that document — no JavaScript, nothing fetched from anywhere else."""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from invoicegraph import __version__


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    from invoicegraph.rest.api import openapi as api_doc
    from invoicegraph.rest.v1 import openapi as v1_doc

    components: dict[str, dict[str, Any]] = {}
    for part in (api_doc.openapi_components(), v1_doc.openapi_components()):
        for section, entries in part.items():
            merged = components.setdefault(section, {})
            for name, entry in entries.items():
                if name in merged and merged[name] != entry:
                    raise ValueError(f"OpenAPI component {section}/{name} defined twice")
                merged[name] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "invoicegraph REST API",
            "version": __version__,
            "description": (
                "Two REST dialects over the same invoicing services: `/api` (Facturovia: UUID "
                "ids, lists as `{data: [...]}`) and `/v1` (Orzame: integer ids, Laravel-style "
                "pagination). Send `Authorization: Bearer fv_live_…` (or `fv_test_…` for the "
                "sandbox). Every POST and PATCH accepts an `Idempotency-Key` header. Money is "
                "an exact decimal. GraphQL lives at `/graphql`."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "api", "description": "Facturovia dialect (/api)"},
            {"name": "v1", "description": "Orzame dialect (/v1)"},
        ],
        "paths": {**api_doc.openapi_paths(), **v1_doc.openapi_paths()},
        "components": components,
    }


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document())


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;
  padding:0 1rem;color:#1d2433}}
h1{{margin-bottom:.2rem}} h2{{margin-top:2.5rem;border-bottom:1px solid #dde}}
.op{{border:1px solid #dde;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}}
.m{{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace}}
.GET{{color:#0a7}} .POST{{color:#07c}} .PATCH{{color:#b70}} .DELETE{{color:#c22}}
code,pre{{font-family:ui-monospace,monospace;font-size:13px}}
pre{{background:#f6f7f9;padding:.6rem;overflow:auto}}
details summary{{cursor:pointer;color:#456}} table{{border-collapse:collapse}}
td,th{{padding:2px 10px 2px 0;text-align:left}}
</style></head><body>
<h1>{title}</h1><p>{description}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> ·
GraphQL: <a href="/graphql">/graphql</a></p>
{body}
</body></html>"""


def _operation_html(path: str, method: str, operation: dict[str, Any]) -> str:
    parts = [
        f'<div class="op"><span class="m {method.upper()}">{method.upper()}</span> '
        f"<code>{html.escape(path)}</code> — {html.escape(operation.get('summary', ''))}"
    ]
    if operation.get("description"):
        parts.append(f"<p>{html.escape(operation['description'])}</p>")
    params = operation.get("parameters", [])
    if params:
        rows = "".join(
            f"<tr><td><code>{html.escape(p.get('name', p.get('$ref', '')))}</code></td>"
            f"<td>{html.escape(p.get('in', ''))}</td>"
            f"<td>{html.escape(p.get('description', ''))}</td></tr>"
            for p in params
        )
        parts.append(f"<table><tr><th>parameter</th><th>in</th><th></th></tr>{rows}</table>")
    body = operation.get("requestBody")
    if body:
        schema = json.dumps(body.get("content", {}).get("application/json", {}).get("schema", {}))
        parts.append(
            f"<details><summary>request body</summary><pre>{html.escape(schema)}</pre></details>"
        )
    statuses = ", ".join(html.escape(str(code)) for code in operation.get("responses", {}))
    parts.append(f"<p>Answers: {statuses}</p></div>")
    return "".join(parts)


async def docs_page(request: Request) -> Response:
    document = openapi_document()
    sections: dict[str, list[str]] = {"api": [], "v1": []}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "patch", "put", "delete"):
                tag = "v1" if path.startswith("/v1") else "api"
                sections[tag].append(_operation_html(path, method, operation))
    body = (
        "<h2>/api — Facturovia dialect</h2>"
        + "".join(sections["api"])
        + "<h2>/v1 — Orzame dialect</h2>"
        + "".join(sections["v1"])
    )
    info = document["info"]
    return HTMLResponse(
        _PAGE.format(
            title=html.escape(info["title"]),
            description=html.escape(info["description"]),
            body=body,
        )
    )
