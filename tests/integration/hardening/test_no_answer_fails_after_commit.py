"""Issue 12, finding 3: nothing is committed that cannot be answered, and the Idempotency-Key
is written in the same transaction as the work, so a retry never creates a second invoice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.responses import Response

from invoicegraph.rest.endpoint import Call

from .conftest import api_invoice, bearer, count_invoices, new_client


async def test_a_lone_surrogate_is_refused_and_nothing_is_stored(
    http: httpx.AsyncClient, write_key: str
) -> None:
    """``"text":"x\\ud800y"`` in ``intro_texts`` was stored, then its answer failed (500),
    and every retry created another invoice."""
    raw = (
        b'{"name":"Factura","intro_texts":[{"text":"x\\ud800y"}],'
        b'"lines":[{"description":"a","quantity":1,"price":1}]}'
    )
    headers = bearer(
        write_key, **{"Idempotency-Key": "surrogate", "Content-Type": "application/json"}
    )
    for _ in range(3):
        answer = await http.post("/v1/invoices", content=raw, headers=headers)
        assert answer.status_code == 422, answer.text
        assert "intro_texts" in answer.text
    listed = await http.get("/v1/invoices", headers=bearer(write_key))
    assert listed.status_code == 200 and listed.json()["meta"]["total"] == 0


async def test_an_answer_that_fails_after_the_work_undoes_the_work(
    http: httpx.AsyncClient, write_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database drops between the work and its answer: a 503, and nothing was written,
    so the retry with the same key creates the invoice exactly once."""
    client = await new_client(http, write_key)
    real_json = Call.json
    failures = iter([ConnectionResetError("the database went away")])

    def failing_json(self: Call, *args: Any, **kwargs: Any) -> Response:
        failure = next(failures, None) if self.request.method == "POST" else None
        if failure is not None:
            raise failure
        return real_json(self, *args, **kwargs)

    monkeypatch.setattr(Call, "json", failing_json)
    body = api_invoice(client["id"], external_reference="LOST-ANSWER")
    headers = bearer(write_key, **{"Idempotency-Key": "lost-answer"})
    first = await http.post("/api/invoices", json=body, headers=headers)
    assert first.status_code == 503, first.text
    assert await count_invoices(http, write_key, "LOST-ANSWER") == 0
    retry = await http.post("/api/invoices", json=body, headers=headers)
    assert retry.status_code == 201, retry.text
    again = await http.post("/api/invoices", json=body, headers=headers)
    assert again.headers["idempotent-replayed"] == "true" and again.content == retry.content
    assert await count_invoices(http, write_key, "LOST-ANSWER") == 1


@contextmanager
def connection_lost_after_commit(value: str) -> Iterator[dict[str, bool]]:
    """The first commit of a transaction that wrote ``value`` (a statement's parameter, by
    the session's flush or a Core statement alike) reaches the database, then its connection
    fails before anything is answered."""
    state = {"cut": False, "armed": False}

    def mark(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        if not state["cut"] and not statement.lstrip().startswith("SELECT"):
            state["armed"] = state["armed"] or value in repr(parameters)

    def cut(session: Session) -> None:
        if session.in_nested_transaction():  # a SAVEPOINT released, not the commit
            return
        if state["armed"]:
            state["armed"], state["cut"] = False, True
            raise ConnectionResetError("connection lost after COMMIT")

    event.listen(Engine, "before_cursor_execute", mark)
    event.listen(Session, "after_commit", cut)
    try:
        yield state
    finally:
        event.remove(Engine, "before_cursor_execute", mark)
        event.remove(Session, "after_commit", cut)


async def test_a_commit_whose_answer_is_lost_is_replayed_not_redone(
    http: httpx.AsyncClient, write_key: str
) -> None:
    """The commit reaches the database but its connection dies before the answer is sent:
    the retry with the same key finds the stored answer, never a second invoice."""
    client = await new_client(http, write_key)
    body = api_invoice(client["id"], external_reference="CUT-AFTER-COMMIT")
    headers = bearer(write_key, **{"Idempotency-Key": "cut-after-commit"})
    with connection_lost_after_commit("CUT-AFTER-COMMIT") as state:
        first = await http.post("/api/invoices", json=body, headers=headers)
    assert state["cut"] and first.status_code >= 500, first.text
    retry = await http.post("/api/invoices", json=body, headers=headers)
    assert retry.status_code == 201, retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    assert await count_invoices(http, write_key, "CUT-AFTER-COMMIT") == 1


async def test_a_graphql_mutation_whose_answer_is_lost_is_replayed(
    http: httpx.AsyncClient, write_key: str
) -> None:
    query = 'mutation { createClient(input: {name: "Cut GraphQL"}) { client { id } } }'
    headers = bearer(write_key, **{"Idempotency-Key": "gql-cut"})
    with connection_lost_after_commit("Cut GraphQL") as state:
        first = await http.post("/graphql", json={"query": query}, headers=headers)
    assert state["cut"] and first.status_code >= 500, first.text
    retry = await http.post("/graphql", json={"query": query}, headers=headers)
    assert retry.headers["idempotent-replayed"] == "true", retry.text
    listed = await http.post(
        "/graphql",
        json={"query": '{ clients(first: 5, search: "Cut GraphQL") { totalCount } }'},
        headers=bearer(write_key),
    )
    assert listed.json()["data"]["clients"]["totalCount"] == 1
