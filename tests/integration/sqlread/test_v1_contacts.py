"""/v1 contacts answered from SQL-built JSON are the bytes the shapers answer, on both
engines, for every page and search, and they obey the dialect's JSON Schema."""

from __future__ import annotations

import jsonschema_rs
import pytest

from invoicegraph.rest.v1.models import V1Contact, data_of, page_of

from .conftest import Faces, without_request_id

PAGE_SCHEMA = jsonschema_rs.validator_for(
    page_of(V1Contact).model_json_schema(mode="serialization")
)
ONE_SCHEMA = jsonschema_rs.validator_for(data_of(V1Contact).model_json_schema(mode="serialization"))

LISTS = ["", "?per_page=1", "?per_page=2&page=2", "?per_page=2&page=99", "?search=MINE",
         "?search=contacto", "?search=zzzz-nothing"]  # fmt: skip


@pytest.mark.parametrize("query", LISTS)
async def test_a_list_is_the_bytes_of_the_shapers(faces: Faces, query: str) -> None:
    sql, orm = await faces.both(f"/v1/contacts{query}")

    assert sql.status_code == orm.status_code == 200
    assert sql.content == orm.content
    PAGE_SCHEMA.validate(sql.json())


async def test_every_contact_is_the_bytes_of_the_shapers(faces: Faces) -> None:
    listed = (await faces.sql.get("/v1/contacts?per_page=100")).json()["data"]
    assert len(listed) >= 3
    for contact in listed:
        sql, orm = await faces.both(f"/v1/contacts/{contact['id']}")
        assert sql.status_code == orm.status_code == 200
        assert sql.content == orm.content
        ONE_SCHEMA.validate(sql.json())


async def test_another_tenants_contact_is_not_found_on_both_paths(faces: Faces) -> None:
    mine = {c["id"] for c in (await faces.sql.get("/v1/contacts?per_page=100")).json()["data"]}
    theirs = [c for book in faces.others for c in book.v1_contacts]
    assert theirs and mine.isdisjoint(theirs)
    for contact_id in [*theirs, 999_999_999]:
        sql, orm = await faces.both(f"/v1/contacts/{contact_id}")
        assert sql.status_code == orm.status_code == 404
        assert without_request_id(sql.json()) == without_request_id(orm.json())
