"""Every route of both REST dialects × every way of calling it with the wrong credentials.

The routes come from the app's own route table (``routes.py``), so a new route is in the
matrix the day it is mounted. Expected: 401 without a working key (none, malformed, revoked),
403 for a read key on a write route (and 200 on a read route) and for a write key on an
admin route, 404 for another account's ids
and for a test key on live ids. Never a 5xx, and a refused request changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import httpx
import pytest

from .conftest import Objects, World, assert_clean, bearer, matrix
from .routes import RESOURCES, RestRoute, route_table
from .snapshots import snapshot

ROUTES = route_table()
KNOWN_BUGS: dict[tuple[str, str], str] = {}
MALFORMED = (
    "Bearer",
    "Bearer ",
    "Basic Zm9vOmJhcg==",
    "fv_live_nokeyword",
    "Bearer fv_live_nonsense",
    "Bearer fv_prod_" + "0" * 32 + "_" + "a" * 40,
    "Bearer fv_live_" + uuid.uuid4().hex + "_" + "a" * 40,  # well formed, unknown account
    "Bearer fv_live_" + "0" * 32 + "_" + "a" * 39 + "'",
    "Bearer " + "x" * 10_000,
)


def error_code(route: RestRoute, response: httpx.Response) -> str:
    """The error code in the dialect's own shape (``{"error": {"code"}}`` / ``{"code"}``)."""
    body = response.json()
    if route.dialect.name == "api":
        return str(body["error"]["code"])
    assert "message" in body, body
    return str(body["code"])


def names_objects(route: RestRoute) -> bool:
    """Whether someone else's objects can be named to the route: in its path, in its body,
    or shown by it (a list)."""
    anything = Objects(defaultdict(lambda: 1), defaultdict(uuid.uuid4))
    return route.has_id or not route.write or route.body_names_ids(anything)


def error_message(route: RestRoute, response: httpx.Response) -> str:
    body = response.json()
    return str(body["error"]["message"] if route.dialect.name == "api" else body["message"])


async def send(
    http: httpx.AsyncClient, route: RestRoute, url: str, body: Any, headers: dict[str, str]
) -> httpx.Response:
    response = await http.request(
        route.method, url, json=body if body is not None else None, headers=headers
    )
    assert_clean(response)
    return response


def test_the_route_table_covers_both_dialects_and_marks_every_write() -> None:
    assert {r.prefix for r in ROUTES} == {"/api", "/v1"}
    assert len(ROUTES) >= 30
    for route in ROUTES:
        # a POST/PATCH/DELETE not marked write would let a read key write
        assert route.write == (route.method != "GET"), route.name
        assert route.write or not route.admin, route.name  # every key reads
        if route.has_id:
            assert route.object_kind  # every {id} names a known kind of object


async def _none_of(
    route: RestRoute, response: httpx.Response, objects: dict[str, Any], label: str
) -> None:
    """A list answer shows none of ``objects`` (another account's, or live ones to a test
    key)."""
    resource = route.path.strip("/").split("/")[-1]
    kind = RESOURCES.get(resource)
    if kind is None:
        return
    if route.dialect.id_kind == "uuid":
        assert str(objects["uuids"][kind]) not in response.text, (label, response.text[:300])
    else:
        listed = {item["id"] for item in response.json()["data"]}
        assert objects["ints"][kind] not in listed, (label, listed)


@pytest.mark.parametrize(
    ("route", "case"),
    matrix(ROUTES, lambda r: r.name, names_objects, KNOWN_BUGS, lambda r: r.admin),
)
async def test_route_refuses_the_wrong_caller(
    route: RestRoute, case: str, http: httpx.AsyncClient, world: World
) -> None:
    # a GET changes nothing by construction of the routes; a refused write must not either
    before = await snapshot(world) if route.write else None
    mine, theirs = world.my_objects, world.other_objects
    keys = world.keys
    if case == "no key":
        response = await send(http, route, route.url(mine), route.body(mine, required=False), {})
        assert response.status_code == 401
        assert error_code(route, response) == "unauthenticated"
    elif case == "malformed key":
        for header in MALFORMED:
            response = await send(
                http,
                route,
                route.url(mine),
                route.body(mine, required=False),
                {"Authorization": header},
            )
            assert response.status_code == 401, (header[:60], response.text)
            assert error_code(route, response) == "unauthenticated"
    elif case == "revoked key":
        response = await send(
            http, route, route.url(mine), route.body(mine, required=False), bearer(keys["revoked"])
        )
        assert response.status_code == 401
        assert "revoked" in error_message(route, response)
    elif case == "read key":
        response = await send(
            http, route, route.url(mine), route.body(mine, required=False), bearer(keys["read"])
        )
        if route.write:
            assert response.status_code == 403, response.text
            assert error_code(route, response) == "forbidden"
        else:
            assert response.status_code == 200, response.text
    elif case == "write key":
        response = await send(
            http, route, route.url(mine), route.body(mine, required=False), bearer(keys["write"])
        )
        assert response.status_code == 403, response.text
        assert error_code(route, response) == "forbidden"
        assert "admin" in error_message(route, response)
    else:
        key, objects = (
            (keys["admin"], theirs)
            if case == "another account's ids"
            else (keys["test_admin"], mine)
        )
        if route.has_id:
            response = await send(
                http, route, route.url(objects), route.body(objects, required=True), bearer(key)
            )
            assert response.status_code == 404, response.text
            assert error_code(route, response) == "not_found"
        elif route.write and route.body_names_ids(objects):
            response = await send(
                http, route, route.url(objects), route.body(objects, required=True), bearer(key)
            )
            assert response.status_code in (404, 422), response.text
        elif not route.write:
            response = await send(http, route, route.url(objects), None, bearer(key))
            assert response.status_code == 200, response.text
            await _none_of(route, response, vars(objects), case)
        else:
            raise AssertionError(f"{route.name}: names no object; matrix() should skip it")
    if before is not None:
        assert await snapshot(world) == before
