"""Every answer the tests receive is checked against the OpenAPI document of /api, so the
document stays true to what the handlers answer."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import httpx
import jsonschema_rs

from invoicegraph.rest.openapi import openapi_document


@cache
def _operations() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    found = []
    for path, item in openapi_document()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, operation in item.items():
            found.append((pattern, method.upper(), operation))
    return found


@cache
def _validator(status: str, media: str, pattern: str, method: str) -> Any:
    for regex, verb, operation in _operations():
        if regex.pattern == pattern and verb == method:
            schema = operation["responses"][status]["content"][media]["schema"]
            return jsonschema_rs.validator_for(
                {**schema, "components": openapi_document()["components"]}
            )
    raise AssertionError(f"no operation {method} {pattern}")


async def check_against_spec(response: httpx.Response) -> None:
    request = response.request
    path = request.url.path
    matches = [(regex, op) for regex, verb, op in _operations() if verb == request.method]
    matches = [(regex, op) for regex, op in matches if regex.match(path)]
    if not matches:
        return  # a route the document does not list (405 and the like are the router's)
    regex, operation = matches[0]
    status = str(response.status_code)
    assert status in operation["responses"], f"{request.method} {path} answered {status}"
    await response.aread()
    if "content" not in operation["responses"][status]:  # 204: nothing to check but that
        assert response.content == b"", (path, status, response.content[:200])
        return
    media = response.headers.get("content-type", "").split(";")[0]
    assert media in operation["responses"][status]["content"], (path, status, media)
    if media == "application/json":
        validator = _validator(status, media, regex.pattern, request.method)
        errors = [str(error) for error in validator.iter_errors(response.json())]
        assert not errors, (request.method, path, status, errors[:5])
