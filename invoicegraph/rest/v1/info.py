"""``/v1/info``: the values an invoice may take (``data.options``) and the account's issuer
data (``data.app.owner``, what ``reload_issued_by`` copies onto an invoice)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from invoicegraph.pdf.formatting import DATE_FORMATS, MONEY_FORMATS
from invoicegraph.pdf.labels import LANGUAGES
from invoicegraph.pdf.layouts import INVOICE_TEMPLATES
from invoicegraph.rest.endpoint import Call
from invoicegraph.rest.v1.currency import dialect_currencies
from invoicegraph.rest.v1.models import V1Info
from invoicegraph.rest.v1.shapes import INVOICE_TYPES, owner


def options() -> dict[str, Any]:
    return {
        "langs": list(LANGUAGES),
        "currencies": dialect_currencies(),
        "date_formats": list(DATE_FORMATS),
        "money_formats": list(MONEY_FORMATS),
        "invoice_templates": [
            {"id": template.id, "name": template.title} for template in INVOICE_TEMPLATES
        ],
        "invoice_types": [{"id": type_id, "name": name} for type_id, name in INVOICE_TYPES.items()],
    }


async def info(call: Call) -> Response:
    """Options for invoices and the account's issuer data."""
    info = {"options": options(), "app": {"owner": owner(call.auth.account)}}
    return call.json({"data": V1Info.model_validate(info)})
