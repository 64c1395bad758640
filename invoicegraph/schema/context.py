"""The per-request GraphQL context: who is calling, the database, and the loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import strawberry
from starlette.requests import Request
from starlette.websockets import WebSocket

from invoicegraph.db.engine import Database
from invoicegraph.domain.errors import DomainError
from invoicegraph.services.api_keys import AuthContext
from invoicegraph.settings import Settings

if TYPE_CHECKING:
    from invoicegraph.resolvers.loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    database: Database
    settings: Settings
    auth: AuthContext | None
    auth_error: DomainError | None
    loaders: Loaders
    connection_params: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Info = strawberry.Info[Context, None]
