"""Webhook endpoints on GraphQL: admin mutations with typed errors, the secret in the payload
of a creation or a rotation only, any key reading them, every account on its own."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.settings import Settings

from .conftest import GQL, make_key

PUBLIC = "https://93.184.215.14/hooks/invoicegraph"
FIELDS = (
    "id uuid url events enabled description failingSince disabledReason previousSecretExpiresAt"
)
CREATE = f"""
mutation Create($input: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $input) {{
    webhookEndpoint {{ {FIELDS} }} secret errors {{ field code message }}
  }}
}}"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateWebhookEndpointInput!) {{
  updateWebhookEndpoint(id: $id, input: $input) {{
    webhookEndpoint {{ {FIELDS} }} secret errors {{ field code message }}
  }}
}}"""
ROTATE = f"""
mutation Rotate($id: ID!, $hours: Int!) {{
  rotateWebhookEndpointSecret(id: $id, overlapHours: $hours) {{
    webhookEndpoint {{ {FIELDS} }} secret errors {{ field code }}
  }}
}}"""
DELETE = "mutation D($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedId errors { code } } }"
LIST = f"{{ webhookEndpoints {{ {FIELDS} }} }}"
ONE = f"query One($id: ID!) {{ webhookEndpoint(id: $id) {{ {FIELDS} }} }}"


@pytest.fixture
async def admin_key(database: Database, account: Account) -> str:
    return await make_key(database, account, "admin")


async def _create(gql: GQL, key: str, **fields: Any) -> dict[str, Any]:
    body = {"url": PUBLIC, "events": ["INVOICE_ISSUED"], **fields}
    payload: dict[str, Any] = (await gql(CREATE, {"input": body}, key=key))["data"][
        "createWebhookEndpoint"
    ]
    return payload


async def test_an_admin_creates_an_endpoint_and_reads_it_without_its_secret(
    gql: GQL, admin_key: str
) -> None:
    created = await _create(
        gql, admin_key, events=["INVOICE_ISSUED", "VERIFACTU_REJECTED", "INVOICE_ISSUED"]
    )
    assert created["errors"] == []
    assert created["secret"].startswith("whsec_")
    endpoint = created["webhookEndpoint"]
    assert endpoint["events"] == ["INVOICE_ISSUED", "VERIFACTU_REJECTED"]
    assert (endpoint["enabled"], endpoint["previousSecretExpiresAt"]) == (True, None)
    # any key reads it, by global id or UUID, and through node(id:)
    listed = await gql(LIST)
    assert listed["data"]["webhookEndpoints"] == [endpoint]
    for ref in (endpoint["id"], endpoint["uuid"]):
        assert (await gql(ONE, {"id": ref}))["data"]["webhookEndpoint"] == endpoint
    node = await gql(
        "query N($id: ID!) { node(id: $id) { ... on WebhookEndpoint { url } } }",
        {"id": endpoint["id"]},
    )
    assert node["data"]["node"] == {"url": PUBLIC}
    # the type has no field that could show it
    refused = await gql("{ webhookEndpoints { secret } }", key=admin_key, expect_errors=True)
    assert "secret" in refused["errors"][0]["message"]


async def test_a_refused_endpoint_names_every_field_and_creates_nothing(
    gql: GQL, admin_key: str
) -> None:
    refused = await _create(
        gql, admin_key, url="http://169.254.169.254/latest", events=[], description="d" * 501
    )
    assert refused["webhookEndpoint"] is None and refused["secret"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("url", "URL_REFUSED"),
        ("events", "REQUIRED"),
        ("description", "TOO_LONG"),
    ]
    private = await _create(gql, admin_key, url="https://localhost/hook")
    assert [(e["field"], e["code"]) for e in private["errors"]] == [("url", "URL_REFUSED")]
    assert "private or loopback" in private["errors"][0]["message"]
    unknown = await gql(
        CREATE, {"input": {"url": PUBLIC, "events": ["INVOICE_EXPLODED"]}}, expect_errors=True
    )
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    extra = await gql(
        CREATE,
        {"input": {"url": PUBLIC, "events": ["ALL"], "secret": "mine"}},
        key=admin_key,
        expect_errors=True,
    )
    assert extra["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await gql(LIST))["data"]["webhookEndpoints"] == []


async def test_a_write_key_is_forbidden_to_manage_endpoints(
    gql: GQL, admin_key: str, database: Database, account: Account
) -> None:
    endpoint = (await _create(gql, admin_key))["webhookEndpoint"]
    for key in (None, await make_key(database, account, "read")):  # None: the write key
        for query, variables in (
            (CREATE, {"input": {"url": PUBLIC, "events": ["ALL"]}}),
            (UPDATE, {"id": endpoint["id"], "input": {"enabled": False}}),
            (ROTATE, {"id": endpoint["id"], "hours": 1}),
            (DELETE, {"id": endpoint["id"]}),
        ):
            body = await gql(query, variables, key=key, expect_errors=True)
            assert body["data"] is None
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(LIST))["data"]["webhookEndpoints"] == [endpoint]


async def test_another_accounts_endpoint_is_not_found(
    gql: GQL, admin_key: str, database: Database, other_account: Account
) -> None:
    theirs = (await _create(gql, await make_key(database, other_account, "admin")))[
        "webhookEndpoint"
    ]
    assert (await gql(ONE, {"id": theirs["id"]}))["data"]["webhookEndpoint"] is None
    for query, variables, name in (
        (UPDATE, {"id": theirs["id"], "input": {"enabled": False}}, "updateWebhookEndpoint"),
        (ROTATE, {"id": theirs["uuid"], "hours": 1}, "rotateWebhookEndpointSecret"),
        (DELETE, {"id": theirs["id"]}, "deleteWebhookEndpoint"),
    ):
        payload = (await gql(query, variables, key=admin_key))["data"][name]
        assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"], name
        assert payload.get("secret") is None
    assert (await gql(LIST))["data"]["webhookEndpoints"] == []


async def test_a_test_key_works_on_the_sandboxs_endpoints(
    gql: GQL, admin_key: str, database: Database, account: Account
) -> None:
    live = (await _create(gql, admin_key))["webhookEndpoint"]
    test_key = await make_key(database, account, "admin", mode="test")
    sandbox = (await _create(gql, test_key))["webhookEndpoint"]
    assert [e["id"] for e in (await gql(LIST, key=test_key))["data"]["webhookEndpoints"]] == [
        sandbox["id"]
    ]
    payload = (await gql(DELETE, {"id": live["id"]}, key=test_key))["data"]
    assert [e["code"] for e in payload["deleteWebhookEndpoint"]["errors"]] == ["NOT_FOUND"]


async def test_an_update_changes_what_it_sends_and_names_explicit_nulls(
    gql: GQL, admin_key: str
) -> None:
    endpoint = (await _create(gql, admin_key, description="ERP"))["webhookEndpoint"]
    changed = (
        await gql(
            UPDATE,
            {"id": endpoint["id"], "input": {"events": ["ALL"], "enabled": False}},
            key=admin_key,
        )
    )["data"]["updateWebhookEndpoint"]
    assert changed["errors"] == [] and changed["secret"] is None
    assert (changed["webhookEndpoint"]["events"], changed["webhookEndpoint"]["enabled"]) == (
        ["ALL"],
        False,
    )
    assert changed["webhookEndpoint"]["description"] == "ERP"
    nulls = (
        await gql(
            UPDATE,
            {"id": endpoint["id"], "input": {"url": None, "events": None, "enabled": None}},
            key=admin_key,
        )
    )["data"]["updateWebhookEndpoint"]
    assert [(e["field"], e["code"]) for e in nulls["errors"]] == [
        ("url", "REQUIRED"),
        ("events", "REQUIRED"),
        ("enabled", "REQUIRED"),
    ]
    cleared = (
        await gql(UPDATE, {"id": endpoint["id"], "input": {"description": None}}, key=admin_key)
    )["data"]["updateWebhookEndpoint"]
    assert cleared["webhookEndpoint"]["description"] is None
    bad_id = (await gql(UPDATE, {"id": "nope", "input": {}}, key=admin_key))["data"]
    assert [e["code"] for e in bad_id["updateWebhookEndpoint"]["errors"]] == ["INVALID"]


async def test_a_rotation_answers_the_new_secret_once_and_deletion_ends_it(
    gql: GQL, admin_key: str
) -> None:
    created = await _create(gql, admin_key)
    ref = created["webhookEndpoint"]["id"]
    rotated = (await gql(ROTATE, {"id": ref, "hours": 24}, key=admin_key))["data"][
        "rotateWebhookEndpointSecret"
    ]
    assert rotated["errors"] == []
    assert rotated["secret"] not in (None, created["secret"])
    assert rotated["webhookEndpoint"]["previousSecretExpiresAt"] is not None
    for hours in (169, -1):
        refused = (await gql(ROTATE, {"id": ref, "hours": hours}, key=admin_key))["data"][
            "rotateWebhookEndpointSecret"
        ]
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [
            ("overlapHours", "OUT_OF_RANGE")
        ]
        assert refused["secret"] is None
    deleted = (await gql(DELETE, {"id": ref}, key=admin_key))["data"]["deleteWebhookEndpoint"]
    assert (deleted["deletedId"], deleted["errors"]) == (ref, [])
    assert (await gql(ONE, {"id": ref}))["data"]["webhookEndpoint"] is None


async def test_allow_private_lets_a_local_receiver_in(database: Database, account: Account) -> None:
    app = create_app(Settings(webhooks_allow_private=True), database=database)
    key = await make_key(database, account, "admin")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.post(
            "/graphql",
            json={
                "query": CREATE,
                "variables": {"input": {"url": "http://127.0.0.1:8085/", "events": ["ALL"]}},
            },
            headers={"Authorization": f"Bearer {key}"},
        )
    payload = response.json()["data"]["createWebhookEndpoint"]
    assert payload["errors"] == [] and payload["secret"].startswith("whsec_")
