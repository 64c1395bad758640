"""Every answer names its request (``X-Request-Id``, and every error body), and every request
writes one structured access line: who, what, how it ended, how long it took."""

from __future__ import annotations

import logging

import orjson
import pytest
from starlette.routing import Route

from invoicegraph.db.engine import Database
from invoicegraph.http.logs import ACCESS_LOGGER, JsonFormatter, RequestIdFilter
from invoicegraph.http.request_info import RequestInfo, begin, end

from .conftest import bearer, client_for


async def test_a_plain_client_id_is_echoed_and_a_bad_one_replaced(database: Database) -> None:
    async with client_for(database) as http:
        kept = await http.get("/health", headers={"X-Request-Id": "checkout-42.a:b"})
        replaced = await http.get("/health", headers={"X-Request-Id": "a b\tc" + "x" * 200})
        generated = await http.get("/health")
    assert kept.headers["x-request-id"] == "checkout-42.a:b"
    assert len(replaced.headers["x-request-id"]) == 32
    assert len(generated.headers["x-request-id"]) == 32
    assert replaced.headers["x-request-id"] != generated.headers["x-request-id"]


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/api/invoices", lambda body: body["error"]["request_id"]),
        ("/v1/invoices", lambda body: body["request_id"]),
        ("/nowhere", lambda body: body["error"]["request_id"]),
    ],
)
async def test_rest_error_bodies_carry_the_request_id(
    path: str, where: object, database: Database
) -> None:
    async with client_for(database) as http:
        answer = await http.get(path, headers={"X-Request-Id": "rid-1"})
    assert answer.status_code in (401, 404)
    assert where(answer.json()) == "rid-1"  # type: ignore[operator]
    assert int(answer.headers["content-length"]) == len(answer.content)


async def test_graphql_errors_carry_the_request_id(database: Database, write_key: str) -> None:
    headers = {"X-Request-Id": "rid-2", **bearer(write_key)}
    async with client_for(database) as http:
        in_result = await http.post(
            "/graphql", json={"query": '{ invoice(id: "nope") { id } }'}, headers=headers
        )
        syntax = await http.post("/graphql", json={"query": "{ account {"}, headers=headers)
        refused = await http.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"X-Request-Id": "rid-3", "Authorization": "Bearer nope"},
        )
    for answer, rid in ((in_result, "rid-2"), (syntax, "rid-2"), (refused, "rid-3")):
        errors = answer.json()["errors"]
        assert errors and all(e["extensions"]["requestId"] == rid for e in errors), errors


async def test_one_access_line_per_request_with_caller_and_no_key(
    database: Database, write_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with client_for(database) as http:
        await http.get("/v1/invoices", headers={"X-Request-Id": "rid-4", **bearer(write_key)})
        await http.post(
            "/graphql",
            json={"query": "query Books { account { name } }"},
            headers={"X-Request-Id": "rid-5", **bearer(write_key)},
        )
    lines = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert len(lines) == 2
    rest, graphql = (r.fields for r in lines)  # type: ignore[attr-defined]
    assert rest["method"] == "GET" and rest["path"] == "/v1/invoices" and rest["status"] == 200
    assert rest["request_id"] == "rid-4" and rest["account_id"] and rest["key_id"]
    assert rest["duration_ms"] >= 0
    assert graphql["operation"] == "Books" and graphql["request_id"] == "rid-5"
    assert graphql["key_id"] == rest["key_id"]
    assert all(write_key not in r.getMessage() + str(r.__dict__) for r in caplog.records)


async def test_client_errors_log_no_traceback(
    database: Database, write_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with client_for(database) as http:
        for query in ('{ invoice(id: "nope") { id } }', "{ account {", "{ nothing }"):
            await http.post("/graphql", json={"query": query}, headers=bearer(write_key))
        await http.post("/graphql", json={"query": "{ account { name } }"})
    server = [r for r in caplog.records if r.name.startswith(("invoicegraph", "strawberry"))]
    assert [r for r in server if r.exc_info] == []
    assert [r.name for r in server] == [ACCESS_LOGGER] * 4, [r.getMessage() for r in server]


async def test_an_unexpected_error_logs_its_traceback_once_with_the_request_id(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    async def broken(request: object) -> None:
        raise RuntimeError("a bug")

    async with client_for(database) as http:
        http._transport.app.router.routes.append(Route("/broken", broken))  # type: ignore[attr-defined]
        answer = await http.get("/broken", headers={"X-Request-Id": "rid-6"})
    assert answer.status_code == 500
    assert answer.json()["error"]["request_id"] == "rid-6"
    assert "a bug" not in answer.text
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1
    assert tracebacks[0].fields["request_id"] == "rid-6"  # type: ignore[attr-defined]


def test_json_lines_carry_the_fields_and_the_request_id() -> None:
    token = begin(RequestInfo("rid-7"))
    try:
        record = logging.makeLogRecord(
            {"name": ACCESS_LOGGER, "msg": "GET /v1/info 200", "fields": {"status": 200}}
        )
        RequestIdFilter().filter(record)
    finally:
        end(token)
    line = orjson.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /v1/info 200"
    assert line["status"] == 200 and line["request_id"] == "rid-7"
