"""The REST route table, read from the app itself: a route added tomorrow is walked too."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.routing import Mount, Route

from invoicegraph.app import create_app
from invoicegraph.settings import Settings


@dataclass(frozen=True)
class RestRoute:
    method: str
    path: str  # with the mount: /v1/invoices/{id}
    write: bool


def rest_routes() -> list[RestRoute]:
    app = create_app(Settings())
    found: list[RestRoute] = []
    for mount in app.routes:
        if not isinstance(mount, Mount) or mount.path not in ("/api", "/v1"):
            continue
        for route in mount.routes:
            if isinstance(route, Route) and hasattr(route, "operations"):
                for method, operation in sorted(route.operations.items()):
                    found.append(RestRoute(method, mount.path + route.path, operation.write))
    return found
