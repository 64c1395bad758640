"""Issue 12, finding 12: an answer lists the first 50 problems and counts the rest, on every
face, so 100,000 bad items cost a small answer, not 11 MB."""

from __future__ import annotations

import httpx

from invoicegraph.domain.errors import MAX_REPORTED_FIELDS, FieldError, ValidationFailed

from .conftest import bearer, new_client

MANY = 20_000
SMALL_ANSWER = 20_000  # bytes


def test_a_validation_failure_keeps_the_first_fifty_and_the_count() -> None:
    failure = ValidationFailed(
        FieldError(f"items.{i}.quantity", "is required") for i in range(MANY)
    )
    assert len(failure.reported) == MAX_REPORTED_FIELDS == 50
    assert failure.total == MANY and failure.unreported == MANY - 50
    assert failure.reported[0].field == "items.0.quantity" and len(failure.message) < 5_000


async def test_api_lists_fifty_problems_and_counts_them_all(
    http: httpx.AsyncClient, write_key: str
) -> None:
    client = await new_client(http, write_key)
    body = {"client_id": client["id"], "items": [{}] * MANY}
    answer = await http.post("/api/invoices", json=body, headers=bearer(write_key))
    assert answer.status_code == 422, answer.text[:500]
    assert len(answer.content) < SMALL_ANSWER
    error = answer.json()["error"]
    assert len(error["fields"]) == 50 and error["field_count"] >= MANY


async def test_api_rectify_of_a_missing_invoice_stays_small(
    http: httpx.AsyncClient, write_key: str
) -> None:
    body = {"items": [{}] * MANY}
    missing = "/api/invoices/00000000-0000-4000-8000-000000000000/rectify"
    answer = await http.post(missing, json=body, headers=bearer(write_key))
    assert answer.status_code in (404, 422), answer.text[:500]
    assert len(answer.content) < SMALL_ANSWER


async def test_v1_lists_fifty_problems_in_laravels_shape(
    http: httpx.AsyncClient, write_key: str
) -> None:
    body = {"lines": [{}] * 400, "intro_texts": "x", "name": 5}
    answer = await http.post("/v1/invoices", json=body, headers=bearer(write_key))
    assert answer.status_code == 422
    errors = answer.json()
    assert len(errors["errors"]) <= 50 and "more errors" in errors["message"]
    assert len(answer.content) < SMALL_ANSWER


async def test_graphql_lists_fifty_problems_and_says_how_many_more(
    http: httpx.AsyncClient, write_key: str
) -> None:
    query = "mutation($l: [LineInput!]) { createInvoice(input: {lines: $l}) { errors { field message } } }"
    answer = await http.post(
        "/graphql",
        json={"query": query, "variables": {"l": [{}] * 400}},
        headers=bearer(write_key),
    )
    assert answer.status_code == 200, answer.text[:500]
    errors = answer.json()["data"]["createInvoice"]["errors"]
    assert len(errors) == 51 and "more problems" in errors[-1]["message"]
    assert len(answer.content) < SMALL_ANSWER


async def test_graphql_quotes_a_refused_value_in_a_few_characters(
    http: httpx.AsyncClient, write_key: str
) -> None:
    """graphql-core's own rendering of a value is bounded; our scalars' messages quoted it whole,
    twice: a 100 kB date answered 200 kB."""
    huge = "<script>" + "y" * 100_000
    shapes = [
        ("query($v: Date) { invoices(first: 1, filter: {dateFrom: $v}) { totalCount } }", huge),
        (
            "mutation($v: Decimal) { createInvoice(input: {lines: [{quantity: $v}]})"
            " { errors { field } } }",
            huge,
        ),
    ]
    for query, value in shapes:
        answer = await http.post(
            "/graphql", json={"query": query, "variables": {"v": value}}, headers=bearer(write_key)
        )
        assert answer.status_code in (200, 400), answer.text[:300]
        assert len(answer.content) < 2_000, answer.text[:600]
        error = answer.json()["errors"][0]
        assert error["extensions"] == {
            "code": "BAD_USER_INPUT",
            "argument": "$v",
            "requestId": error["extensions"]["requestId"],
        }
        assert "<script>yyy" in error["message"]  # still says which value it was
