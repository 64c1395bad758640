"""The Orzame dialect's errors: Laravel's 422 body for invalid data, ``{"message", "code"}``
for everything else, and the dialect's own names for the fields the services report."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

from invoicegraph.domain.errors import Conflict, DomainError, ValidationFailed
from invoicegraph.rest.endpoint import Dialect
from invoicegraph.rest.v1.models import CONTACT_NAMES, V1Error, V1ValidationError

INVALID_DATA = "The given data was invalid."

# the services speak the general form's names; /v1 clients sent these
FIELD_NAMES = {
    "client": "contact_id",
    "client_id": "contact_id",
    "series": "serie_id",
    "due_date_term": "due_date_id",
    "payment_method": "payment_method_id",
    "limit": "per_page",
    "offset": "page",
    "template_id": "template.id",
    "template_options": "template.options",
    **CONTACT_NAMES,
}
# the parties an invoice must name before it is issued, as a /v1 invoice shows them
for _party, _shown, _tax_id in (("issuer", "issued_by", "vat"), ("client", "issued_to", "number")):
    _names = {"name": "name", "address": "address", "country": "country", **CONTACT_NAMES}
    _names["tax_id"] = _tax_id
    FIELD_NAMES |= {f"{_party}.{ours}": f"{_shown}.{theirs}" for ours, theirs in _names.items()}
_LINE_PRODUCT = re.compile(r"^(lines\.\d+)\.product$")


def dialect_field(name: str) -> str:
    """The /v1 name of a field a service reported (``client_id`` → ``contact_id``)."""
    line_product = _LINE_PRODUCT.match(name)
    if line_product:
        return f"{line_product.group(1)}.product_id"
    return FIELD_NAMES.get(name, name)


class OrzameDialect(Dialect):
    name = "v1"
    id_kind = "int"
    description = (
        "Orzame dialect (seed 001): integer ids, `{data}` envelopes, Laravel pages and 422s."
    )
    error_model = V1Error
    invalid_model = V1ValidationError

    def query(self, request: Request) -> dict[str, str]:
        """An empty value (``?type_id=``) is an absent one, as Laravel reads it."""
        return {name: value for name, value in request.query_params.items() if value != ""}

    def field_name(self, name: str) -> str:
        return dialect_field(name)

    def error_body(self, exc: DomainError) -> dict[str, Any]:
        if isinstance(exc, ValidationFailed):
            errors: dict[str, list[str]] = {}
            for field in exc.reported:
                errors.setdefault(dialect_field(field.field), []).append(field.message)
            if exc.unreported:  # Laravel's own wording for a summary of more errors
                return {
                    "message": f"{INVALID_DATA} (and {exc.unreported} more errors)",
                    "errors": errors,
                }
            return {"message": INVALID_DATA, "errors": errors}
        body: dict[str, Any] = {"message": exc.message, "code": exc.code}
        if isinstance(exc, Conflict) and exc.fields:
            body["fields"] = [dialect_field(name) for name in exc.fields]
        return body


DIALECT = OrzameDialect()
