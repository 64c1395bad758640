"""The Facturovia dialect as the shared REST machinery sees it: UUID ids in paths."""

from __future__ import annotations

from invoicegraph.rest.api.models import ApiError
from invoicegraph.rest.endpoint import Dialect


class FacturoviaDialect(Dialect):
    name = "api"
    id_kind = "uuid"
    description = "Facturovia dialect (seed 000): UUID ids, lists as `{data, next_cursor}`."
    error_model = invalid_model = ApiError


DIALECT = FacturoviaDialect()
