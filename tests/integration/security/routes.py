"""The REST route table as the security matrix sees it, read from the app itself.

Every route mounted under ``/api`` and ``/v1`` is listed, so a route added tomorrow is in the
matrix without anyone touching the tests. What the table cannot know is a *valid* body for a
write route (one that reaches the object lookup instead of stopping at validation): that lives
in ``BODIES``, and a write route missing from it fails the matrix with a message saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount, Route

from invoicegraph.app import create_app
from invoicegraph.rest.api.dialect import DIALECT as API_DIALECT
from invoicegraph.rest.endpoint import Dialect
from invoicegraph.rest.v1.dialect import DIALECT as V1_DIALECT
from invoicegraph.settings import Settings

from .conftest import TODAY, Objects

REST_MOUNTS = ("/api", "/v1")
DIALECTS: dict[str, Dialect] = {d.name: d for d in (API_DIALECT, V1_DIALECT)}
# the object a path's ``{id}`` names, by the path segment before it
RESOURCES = {
    "invoices": "invoice",
    "clients": "client",
    "contacts": "client",
    "quotes": "quote",
    "products": "product",
    "taxes": "tax",
    "series": "series",
    "payment-methods": "payment_method",
    "due-dates": "due_date_term",
    "webhook-endpoints": "webhook_endpoint",
    "webhook-deliveries": "webhook_delivery",
}
# actions only a draft can take (any invoice is not found when it is another account's; own
# drafts keep the read-key checks honest)
DRAFT_ACTIONS = {("POST", "issue"), ("DELETE", "{id}")}

Body = Callable[[Objects], Any]
# body fields that name another object (``tax_id`` is a client's NIF, not a reference)
REFERENCES = {"client_id", "contact_id", "serie_id", "due_date_id", "payment_method_id"}


def _api_item() -> dict[str, Any]:
    return {"description": "Servicio", "quantity": 1, "unit_price": 10, "vat_rate": 21}


def _v1_invoice(o: Objects) -> dict[str, Any]:
    return {
        "name": "Factura",
        "contact_id": o.ints["client"],
        "due_date_id": o.ints["due_date_term"],
        "payment_method_id": o.ints["payment_method"],
        "lang": "es",
        "currency": "EUR",
        "date_format": "dd/mm/yyyy",
        "money_format": "symbol_after,point,comma",
        "lines": [{"description": "Servicio", "quantity": 1, "price": 10}],
    }


# A minimal valid body per write route; ``None`` sends no body. Ids in a body are the same
# account's as the path's, so "another account's ids" covers both.
BODIES: dict[str, Body] = {
    "POST /api/clients": lambda o: {"name": "Cliente nuevo"},
    "POST /api/clients/find-or-create": lambda o: {"name": "Cliente", "tax_id": "B12345674"},
    "POST /api/invoices": lambda o: {"client_id": str(o.uuids["client"]), "items": [_api_item()]},
    "POST /api/invoices/{id}/issue": lambda o: {"serie_id": str(o.uuids["series"])},
    "POST /api/invoices/{id}/correct": lambda o: {},
    "POST /api/invoices/{id}/rectify": lambda o: {
        "items": [{"description": "Servicio", "quantity": 1}]
    },
    "POST /api/invoices/{id}/void": lambda o: {"reason": "emitida por error"},
    "POST /api/quotes": lambda o: {"client_id": str(o.uuids["client"]), "items": []},
    "POST /v1/invoices": _v1_invoice,
    "PATCH /v1/invoices/{id}": lambda o: {"notes": "nota"},
    "DELETE /v1/invoices/{id}": lambda o: None,
    "POST /v1/invoices/{id}/issue": lambda o: {"date": TODAY, "serie_id": o.ints["series"]},
    "POST /v1/invoices/{id}/rectify": lambda o: {"date": TODAY, "serie_id": o.ints["series"]},
    "POST /v1/invoices/{id}/annul": lambda o: {"reason": "emitida por error"},
    "POST /v1/contacts": lambda o: {"name": "Contacto nuevo"},
    "POST /api/webhook-endpoints": lambda o: {
        "url": "https://93.184.215.14/hooks/new",
        "events": ["invoice.issued"],
    },
    "PATCH /api/webhook-endpoints/{id}": lambda o: {"enabled": False},
    "DELETE /api/webhook-endpoints/{id}": lambda o: None,
    "POST /api/webhook-endpoints/{id}/rotate-secret": lambda o: {"overlap_hours": 1},
    "POST /api/webhook-deliveries/{id}/redeliver": lambda o: {},
}


@dataclass(frozen=True)
class RestRoute:
    prefix: str  # the mount: "/api"
    path: str  # inside it: "/invoices/{id}/issue"
    method: str
    write: bool
    dialect: Dialect
    admin: bool = False  # only an admin key may call it

    @property
    def name(self) -> str:
        return f"{self.method} {self.prefix}{self.path}"

    @property
    def has_id(self) -> bool:
        return "{id}" in self.path

    @property
    def object_kind(self) -> str:
        """What the ``{id}`` of the path names (``invoice``, ``draft``, ``client`` …)."""
        segments = self.path.strip("/").split("/")
        resource = segments[segments.index("{id}") - 1]
        assert resource in RESOURCES, (
            f"{self.name}: teach tests/integration/security/routes.py RESOURCES which object "
            f"/{resource}/{{id}} names"
        )
        kind = RESOURCES[resource]
        if kind == "invoice" and (self.method, segments[-1]) in DRAFT_ACTIONS:
            return "draft"
        return kind

    def url(self, objects: Objects) -> str:
        """The route's URL with ``objects``' id of the right kind (UUID or integer)."""
        if not self.has_id:
            return self.prefix + self.path
        kind = self.object_kind
        ref = objects.uuids[kind] if self.dialect.id_kind == "uuid" else objects.ints[kind]
        return self.prefix + self.path.replace("{id}", str(ref))

    def body(self, objects: Objects, *, required: bool) -> Any:
        """The minimal valid body; ``{}`` when any body will do (the request is refused before
        it is read) and the table has none."""
        if self.method in ("GET", "HEAD"):
            return None
        maker = BODIES.get(self.name)
        if maker is None:
            assert not required, (
                f"{self.name} is a new write route: add a minimal valid body for it to "
                "BODIES in tests/integration/security/routes.py"
            )
            return {}
        return maker(objects)

    def body_names_ids(self, objects: Objects) -> bool:
        """Whether the minimal body refers to other objects (``client_id`` …), so that
        another account's ids can be sent even to a route without ``{id}``."""
        body = self.body(objects, required=True)
        return isinstance(body, dict) and any(key in REFERENCES for key in body)


def table(app: Starlette) -> list[RestRoute]:
    """Every (route, method) of the REST mounts of ``app``."""
    found: list[RestRoute] = []
    for mount in app.routes:
        if not isinstance(mount, Mount) or mount.path not in REST_MOUNTS:
            continue
        for route in mount.routes:
            assert isinstance(route, Route), f"{mount.path}: {route!r} is not a plain Route"
            assert hasattr(route, "operations"), (
                f"{mount.path}{route.path} is not built by the route table (rest/operation.py): "
                "it would skip authentication"
            )
            dialect = DIALECTS[route.endpoint.__name__.split("_", 1)[0]]
            for method, operation in sorted(route.operations.items()):
                found.append(
                    RestRoute(
                        mount.path, route.path, method, operation.write, dialect, operation.admin
                    )
                )
    return found


@cache
def served_app() -> Starlette:
    """The app as ``invoicegraph serve`` builds it (its database is never touched)."""
    return create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))


@cache
def route_table() -> list[RestRoute]:
    return table(served_app())
