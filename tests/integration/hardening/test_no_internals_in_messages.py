"""Issue 12, finding 16 (last point): error messages name the problem, not the interpreter.
A number of more than 4,300 digits made Python's refusal, with its advice to call
``sys.set_int_max_str_digits()``, the text of the 400 on every face."""

from __future__ import annotations

import httpx
import pytest

from .conftest import bearer

HUGE = "9" * 5_000
INTERNALS = ("sys.", "set_int_max_str_digits", "integer string conversion")


def assert_plain(answer: httpx.Response) -> None:
    for internal in INTERNALS:
        assert internal not in answer.text, answer.text[:400]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/invoices", '{"items": [{"quantity": %s}]}' % HUGE),
        ("/api/clients", '{"name": "x", "notes": %s}' % HUGE),
        ("/v1/invoices", '{"name": %s}' % HUGE),
        ("/v1/contacts", '{"name": [%s]}' % HUGE),
    ],
)
async def test_a_rest_body_with_a_huge_number_is_a_plain_400(
    http: httpx.AsyncClient, write_key: str, path: str, body: str
) -> None:
    answer = await http.post(
        path, content=body, headers=bearer(write_key, **{"Content-Type": "application/json"})
    )

    assert answer.status_code == 400, answer.text[:400]
    assert "too many digits" in answer.text
    assert_plain(answer)


async def test_graphql_variables_with_a_huge_number_are_a_plain_400(
    http: httpx.AsyncClient, write_key: str
) -> None:
    body = (
        '{"query": "query($n: Int) { invoices(first: $n) { totalCount } }", "variables": {"n": %s}}'
    )

    answer = await http.post(
        "/graphql",
        content=body % HUGE,
        headers=bearer(write_key, **{"Content-Type": "application/json"}),
    )

    assert answer.status_code == 400
    assert "too many digits" in answer.text
    assert_plain(answer)


async def test_a_graphql_literal_with_a_huge_number_is_bad_input_in_plain_words(
    http: httpx.AsyncClient, write_key: str
) -> None:
    answer = await http.post(
        "/graphql",
        json={"query": "{ invoices(first: %s) { totalCount } }" % HUGE},
        headers=bearer(write_key),
    )

    errors = answer.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"], errors
    assert "too many digits" in errors[0]["message"]
    assert_plain(answer)
