"""The Facturovia dialect as the shared REST machinery sees it: UUID ids in paths."""

from __future__ import annotations

from invoicegraph.rest.endpoint import Dialect


class FacturoviaDialect(Dialect):
    name = "api"
    id_kind = "uuid"


DIALECT = FacturoviaDialect()
