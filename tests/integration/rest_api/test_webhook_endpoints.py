"""``/api/webhook-endpoints`` as an integrator uses it: an admin key creates an endpoint and
gets its secret once; reads never show it; every bad body is a 422 naming its fields; other
keys are refused, other accounts' endpoints not found. Every answer is checked against the
OpenAPI document (``spec.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import Settings

from .spec import check_against_spec

PUBLIC = "https://93.184.215.14/hooks/invoicegraph"
BODY = {"url": PUBLIC, "events": ["invoice.issued", "verifactu.rejected"]}


async def _key(database: Database, account: Account, access: str, mode: str = "live") -> str:
    async with database.sessions() as session:
        return (await create_key(session, account, access=access, mode=mode)).text


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
async def admin(http: httpx.AsyncClient, database: Database, account: Account) -> httpx.AsyncClient:
    http.headers.update(_auth(await _key(database, account, "admin")))
    return http


def _fields(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    return [(f["field"], f["code"]) for f in error["fields"]]


async def test_an_admin_key_creates_an_endpoint_and_sees_its_secret_only_then(
    admin: httpx.AsyncClient,
) -> None:
    created = await admin.post("/webhook-endpoints", json={**BODY, "description": "Tienda online"})
    assert created.status_code == 201, created.text
    endpoint = created.json()
    secret = endpoint.pop("secret")
    assert secret.startswith("whsec_")
    assert endpoint["events"] == ["invoice.issued", "verifactu.rejected"]
    assert (endpoint["enabled"], endpoint["failing_since"], endpoint["disabled_reason"]) == (
        True,
        None,
        None,
    )
    shown = await admin.get(f"/webhook-endpoints/{endpoint['id']}")
    assert shown.status_code == 200
    assert shown.json() == endpoint
    assert "ETag" in shown.headers
    listed = await admin.get("/webhook-endpoints")
    assert listed.json() == {"data": [endpoint], "next_cursor": None}
    changed = await admin.patch(f"/webhook-endpoints/{endpoint['id']}", json={"enabled": False})
    for answer in (shown, listed, changed):
        assert secret not in answer.text and '"secret"' not in answer.text


async def test_a_retried_creation_replays_the_same_endpoint_and_secret(
    admin: httpx.AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "create-hook-1"}
    first = await admin.post("/webhook-endpoints", json=BODY, headers=headers)
    again = await admin.post("/webhook-endpoints", json=BODY, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len((await admin.get("/webhook-endpoints")).json()["data"]) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({**BODY, "url": "http://93.184.215.14/hook"}, [("url", "url_refused")]),
        ({**BODY, "url": "https://127.0.0.1/hook"}, [("url", "url_refused")]),
        ({**BODY, "url": "https://10.0.0.8/hook"}, [("url", "url_refused")]),
        ({**BODY, "url": "https://169.254.169.254/latest"}, [("url", "url_refused")]),
        ({**BODY, "url": "https://localhost/hook"}, [("url", "url_refused")]),
        ({**BODY, "url": "not a url"}, [("url", "url_refused")]),
        ({**BODY, "url": " "}, [("url", "required")]),
        (
            {**BODY, "events": ["invoice.issued", "invoice.exploded"]},
            [("events.1", "invalid_choice")],
        ),
        ({**BODY, "events": []}, [("events", "required")]),
        ({**BODY, "events": "invoice.issued"}, [("events", "invalid_type")]),
        ({**BODY, "description": "d" * 501}, [("description", "too_long")]),
        ({**BODY, "enabled": None}, [("enabled", "required")]),
        ({**BODY, "secret": "whsec_mine"}, [("secret", "unknown_field")]),
        ({"events": ["invoice.paid"]}, [("url", "required")]),
        (
            {"url": "https://192.168.1.1/", "events": ["nope"], "colour": "red"},
            [("events.0", "invalid_choice"), ("colour", "unknown_field"), ("url", "url_refused")],
        ),
    ],
)
async def test_a_bad_body_is_a_422_naming_every_field(
    admin: httpx.AsyncClient, body: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert sorted(_fields(await admin.post("/webhook-endpoints", json=body))) == sorted(expected)
    assert (await admin.get("/webhook-endpoints")).json()["data"] == []


async def test_only_an_admin_key_writes_and_any_key_reads(
    admin: httpx.AsyncClient, http: httpx.AsyncClient, database: Database, account: Account
) -> None:
    endpoint = (await admin.post("/webhook-endpoints", json=BODY)).json()
    path = f"/webhook-endpoints/{endpoint['id']}"
    for access in ("write", "read"):
        key = _auth(await _key(database, account, access))
        for method, url, body in (
            ("POST", "/webhook-endpoints", BODY),
            ("PATCH", path, {"enabled": False}),
            ("DELETE", path, None),
            ("POST", f"{path}/rotate-secret", {}),
        ):
            refused = await http.request(method, url, json=body, headers=key)
            assert refused.status_code == 403, (access, method, url, refused.text)
            assert refused.json()["error"]["code"] == "forbidden"
            assert "admin" in refused.json()["error"]["message"]
        listed = await http.get("/webhook-endpoints", headers=key)
        assert [e["id"] for e in listed.json()["data"]] == [endpoint["id"]]
        assert (await http.get(path, headers=key)).status_code == 200
    kept = (await admin.get(path)).json()
    assert kept == {k: v for k, v in endpoint.items() if k != "secret"}


async def test_another_accounts_endpoint_is_not_found(
    admin: httpx.AsyncClient, http: httpx.AsyncClient, database: Database, other_account: Account
) -> None:
    theirs_key = _auth(await _key(database, other_account, "admin"))
    theirs = (await http.post("/webhook-endpoints", json=BODY, headers=theirs_key)).json()
    path = f"/webhook-endpoints/{theirs['id']}"
    for method, url, body in (
        ("GET", path, None),
        ("PATCH", path, {"enabled": False}),
        ("DELETE", path, None),
        ("POST", f"{path}/rotate-secret", None),
    ):
        answer = await admin.request(method, url, json=body)
        assert answer.status_code == 404, (method, url, answer.text)
        assert answer.json()["error"]["code"] == "not_found"
    assert (await admin.get("/webhook-endpoints")).json()["data"] == []
    assert (await admin.get("/webhook-endpoints/not-an-id")).status_code == 404
    still = (await http.get(path, headers=theirs_key)).json()
    assert still["enabled"] is True


async def test_a_test_key_manages_the_sandboxs_endpoints_apart(
    admin: httpx.AsyncClient, http: httpx.AsyncClient, database: Database, account: Account
) -> None:
    live = (await admin.post("/webhook-endpoints", json=BODY)).json()
    test_key = _auth(await _key(database, account, "admin", mode="test"))
    sandbox = await http.post("/webhook-endpoints", json=BODY, headers=test_key)
    assert sandbox.status_code == 201
    listed = await http.get("/webhook-endpoints", headers=test_key)
    assert [e["id"] for e in listed.json()["data"]] == [sandbox.json()["id"]]
    assert (await http.get(f"/webhook-endpoints/{live['id']}", headers=test_key)).status_code == 404
    assert [e["id"] for e in (await admin.get("/webhook-endpoints")).json()["data"]] == [live["id"]]


async def test_an_update_changes_what_it_sends_and_refuses_nulls(
    admin: httpx.AsyncClient,
) -> None:
    endpoint = (await admin.post("/webhook-endpoints", json={**BODY, "description": "ERP"})).json()
    path = f"/webhook-endpoints/{endpoint['id']}"
    changed = await admin.patch(path, json={"events": ["*"], "enabled": False})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["events"], changed.json()["enabled"]) == (["*"], False)
    assert changed.json()["description"] == "ERP"
    cleared = await admin.patch(path, json={"description": None})
    assert cleared.json()["description"] is None
    assert sorted(_fields(await admin.patch(path, json={"url": None, "events": None}))) == [
        ("events", "required"),
        ("url", "required"),
    ]
    assert _fields(await admin.patch(path, json={"url": "https://[::1]/"})) == [
        ("url", "url_refused")
    ]
    assert _fields(await admin.patch(path, json={"id": endpoint["id"]})) == [
        ("id", "unknown_field")
    ]
    stale = await admin.patch(path, json={"enabled": True}, headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    current = (await admin.get(path)).headers["ETag"]
    fresh = await admin.patch(path, json={"enabled": True}, headers={"If-Match": current})
    assert fresh.json()["enabled"] is True


async def test_a_deleted_endpoint_is_gone(admin: httpx.AsyncClient) -> None:
    endpoint = (await admin.post("/webhook-endpoints", json=BODY)).json()
    deleted = await admin.delete(f"/webhook-endpoints/{endpoint['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await admin.get(f"/webhook-endpoints/{endpoint['id']}")).status_code == 404
    assert (await admin.delete(f"/webhook-endpoints/{endpoint['id']}")).status_code == 404


async def test_a_rotation_answers_the_new_secret_and_how_long_the_old_one_signs(
    admin: httpx.AsyncClient,
) -> None:
    created = (await admin.post("/webhook-endpoints", json=BODY)).json()
    path = f"/webhook-endpoints/{created['id']}/rotate-secret"
    before = dt.datetime.now(dt.UTC)
    rotated = await admin.post(path)  # no body: the default overlap
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"] not in (created["secret"], None)
    expires = dt.datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    assert dt.timedelta(hours=24) <= expires - before < dt.timedelta(hours=24, minutes=1)
    shown = (await admin.get(f"/webhook-endpoints/{created['id']}")).json()
    assert shown["previous_secret_expires_at"] == rotated.json()["previous_secret_expires_at"]
    now = await admin.post(path, json={"overlap_hours": 0})
    assert now.json()["previous_secret_expires_at"] is None
    week = await admin.post(path, json={"overlap_hours": 168})
    assert week.status_code == 200
    for bad in ({"overlap_hours": 169}, {"overlap_hours": -1}, {"overlap_hours": "24"}):
        assert _fields(await admin.post(path, json=bad))[0][0] == "overlap_hours", bad
    assert _fields(await admin.post(path, json={"overlap": 1})) == [("overlap", "unknown_field")]


@pytest.fixture
async def local_http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app as local development runs it: WEBHOOKS_ALLOW_PRIVATE=true."""
    app = create_app(Settings(webhooks_allow_private=True), database=database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test/api",
        event_hooks={"response": [check_against_spec]},
    ) as client:
        yield client


async def test_allow_private_lets_a_local_receiver_in(
    local_http: httpx.AsyncClient, database: Database, account: Account
) -> None:
    key = _auth(await _key(database, account, "admin"))
    for url in ("http://127.0.0.1:8085/hook", "http://localhost:8085/hook"):
        created = await local_http.post(
            "/webhook-endpoints", json={**BODY, "url": url}, headers=key
        )
        assert created.status_code == 201, created.text
    refused = await local_http.post(
        "/webhook-endpoints", json={**BODY, "url": "http://0.0.0.0/hook"}, headers=key
    )
    assert _fields(refused) == [("url", "url_refused")]
