"""OpenAPI 3.1 path items of every /api route, for the lead to merge into /openapi.json.

Every operation takes ``Authorization: Bearer fv_live_…`` (or ``fv_test_…``); every POST takes
an optional ``Idempotency-Key``. Errors answer ``ApiError`` with the status codes the shared
REST machinery and the services give (401, 402, 403, 404, 409, 413, 422, 429, 503).
"""

from __future__ import annotations

from typing import Any

from invoicegraph.rest.api.openapi_schemas import SCHEMAS, Schema, ref, text
from invoicegraph.services.pagination import MAX_PAGE_SIZE

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
ERRORS = {
    "400": "the body is not JSON (or not UTF-8, or nests too deeply)",
    "401": "missing, invalid or revoked API key",
    "402": "plan limit reached; consider upgrading to professional",
    "403": "the key is read-only",
    "404": "no such id in this account (another account's ids are not found either)",
    "409": "the invoice's state does not allow it, or the Idempotency-Key is in flight",
    "413": "the body exceeds the size limit",
    "422": "invalid data; error.fields lists every offending field",
    "429": "rate limit reached; retry after Retry-After seconds",
    "503": "the database is unreachable; retry shortly",
}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
LIMIT = {
    "name": "limit",
    "in": "query",
    "description": f"page size, 1–{MAX_PAGE_SIZE} (default {MAX_PAGE_SIZE})",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
}
CURSOR = {
    "name": "cursor",
    "in": "query",
    "description": "the next_cursor of the previous page",
    "schema": {"type": "string"},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "description": (
        "a retry with the same key and body replays the first answer (header "
        "Idempotent-Replayed: true) and creates nothing; another body under the key is 422"
    ),
    "schema": {"type": "string", "pattern": "^[!-~](?:[ -~]{0,253}[!-~])?$"},
}
EXTERNAL_REFERENCE = {
    "name": "external_reference",
    "in": "query",
    "description": "exact match (case included) on the external_reference sent at creation",
    "schema": text(255),
}


def _query(name: str, schema: Schema, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema}


def _json(schema: Schema, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(
    operation_id: str,
    summary: str,
    answers: dict[str, dict[str, Any]],
    errors: list[str],
    *,
    parameters: list[dict[str, Any]] | None = None,
    body: tuple[str, bool] | None = None,
) -> dict[str, Any]:
    """``body``: (schema name, required). Every POST also answers 400, 409 and 413."""
    codes = set(errors) | {"401", "429", "503"}
    params = list(parameters or [])
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["api"],
        "security": SECURITY,
    }
    if body is not None:
        codes |= {"400", "409", "413", "422"}
        params.append(IDEMPOTENCY_KEY)
        name, required = body
        operation["requestBody"] = {
            "required": required,
            "content": {"application/json": {"schema": ref(name)}},
        }
    if params:
        operation["parameters"] = params
    responses = dict(answers)
    for code in sorted(codes):
        responses[code] = _json(ref("ApiError"), ERRORS[code])
    operation["responses"] = responses
    return operation


def _invoice_action(
    operation_id: str, summary: str, body: str, required: bool, answer: dict[str, Any]
) -> dict[str, Any]:
    errors = ["403", "404", "409", "422"] + (["402"] if operation_id == "api_issue_invoice" else [])
    return _operation(operation_id, summary, answer, errors, parameters=[ID], body=(body, required))


def openapi_paths() -> dict[str, Any]:
    invoice = {"200": _json(ref("ApiInvoice"), "the invoice")}
    rectified = {
        "201": _json(ref("ApiRectification"), "the rectificative invoice, a draft to issue")
    }
    return {
        "/api/invoices": {
            "get": _operation(
                "api_list_invoices",
                "List invoices with their items, newest first",
                {"200": _json(ref("ApiInvoiceList"), "a page of invoices")},
                ["422"],
                parameters=[
                    EXTERNAL_REFERENCE,
                    _query("status", text(enum=["draft", "issued", "annulled"]), "by status"),
                    _query("client_id", {"type": "string", "format": "uuid"}, "by client"),
                    LIMIT,
                    CURSOR,
                ],
            ),
            "post": _operation(
                "api_create_invoice",
                "Create a draft invoice (answered as the invoice itself)",
                {"201": _json(ref("ApiInvoice"), "the draft")},
                ["403"],
                body=("ApiInvoiceInput", False),
            ),
        },
        "/api/invoices/{id}": {
            "get": _operation(
                "api_get_invoice",
                "Get a single invoice with line items",
                invoice,
                ["404"],
                parameters=[ID],
            ),
        },
        "/api/invoices/{id}/issue": {
            "post": _invoice_action(
                "api_issue_invoice",
                "Issue a draft in place (status → issued, next number of its series)",
                "ApiIssueInput",
                False,
                invoice,
            )
        },
        "/api/invoices/{id}/correct": {
            "post": _invoice_action(
                "api_correct_invoice",
                "Rectificative invoice that negates every original line",
                "ApiCorrectInput",
                False,
                rectified,
            )
        },
        "/api/invoices/{id}/rectify": {
            "post": _invoice_action(
                "api_rectify_invoice",
                "Partial rectificative: only the items named (positive qty, server negates)",
                "ApiRectifyInput",
                True,
                rectified,
            )
        },
        "/api/invoices/{id}/void": {
            "post": _invoice_action(
                "api_void_invoice",
                "Annul an issued invoice (status → annulled; its number stays used)",
                "ApiVoidInput",
                False,
                invoice,
            )
        },
        "/api/invoices/{id}/pdf": {
            "get": _operation(
                "api_invoice_pdf",
                "Download the PDF of an issued invoice (409 for a draft)",
                {
                    "200": {
                        "description": "the PDF",
                        "content": {
                            "application/pdf": {
                                "schema": {"type": "string", "contentMediaType": "application/pdf"}
                            }
                        },
                    }
                },
                ["404", "409"],
                parameters=[ID],
            )
        },
        "/api/invoices/{id}/xml": {
            "get": _operation(
                "api_invoice_xml",
                "Download the structured e-invoice of an issued invoice (409 for a draft)",
                {
                    "200": {
                        "description": "the e-invoice: XML, or a PDF/A-3 for facturx-pdf",
                        "content": {
                            "application/xml": {"schema": {"type": "string"}},
                            "application/pdf": {
                                "schema": {"type": "string", "contentMediaType": "application/pdf"}
                            },
                        },
                    }
                },
                ["404", "409", "422"],
                parameters=[
                    ID,
                    _query(
                        "format",
                        {"type": "string", "enum": ["facturx", "ubl", "facturae", "facturx-pdf"]},
                        "facturx (EN 16931 CII, default), ubl (PEPPOL BIS 3), facturae (3.2.2) "
                        "or facturx-pdf (PDF/A-3 with the CII embedded)",
                    ),
                ],
            )
        },
        "/api/clients": {
            "get": _operation(
                "api_list_clients",
                "List clients, newest first",
                {"200": _json(ref("ApiClientList"), "a page of clients")},
                ["422"],
                parameters=[
                    _query("search", text(255, minLength=3), "in name, tax id and email"),
                    _query("tax_id", text(32), "exact tax id, compact form"),
                    LIMIT,
                    CURSOR,
                ],
            ),
            "post": _operation(
                "api_create_client",
                "Create a client (422 when another client has its tax_id)",
                {"201": _json(ref("ApiClient"), "the client")},
                ["403"],
                body=("ApiClientInput", True),
            ),
        },
        "/api/clients/find-or-create": {
            "post": _operation(
                "api_find_or_create_client",
                "Find a client by tax_id, or create it (idempotent)",
                {
                    "200": _json(ref("ApiFindOrCreateResult"), "found (created: false)"),
                    "201": _json(ref("ApiFindOrCreateResult"), "created (created: true)"),
                },
                ["403"],
                body=("ApiFindOrCreateInput", True),
            )
        },
        "/api/clients/{id}": {
            "get": _operation(
                "api_get_client",
                "Get a client",
                {"200": _json(ref("ApiClient"), "the client")},
                ["404"],
                parameters=[ID],
            )
        },
        "/api/quotes": {
            "get": _operation(
                "api_list_quotes",
                "List quotes with their items, newest first",
                {"200": _json(ref("ApiQuoteList"), "a page of quotes")},
                ["422"],
                parameters=[
                    EXTERNAL_REFERENCE,
                    _query(
                        "status",
                        text(enum=["draft", "sent", "accepted", "rejected", "converted"]),
                        "by status",
                    ),
                    _query("client_id", {"type": "string", "format": "uuid"}, "by client"),
                    LIMIT,
                    CURSOR,
                ],
            ),
            "post": _operation(
                "api_create_quote",
                "Create a quote (answered as the quote itself)",
                {"201": _json(ref("ApiQuote"), "the quote")},
                ["403"],
                body=("ApiQuoteInput", False),
            ),
        },
        "/api/quotes/{id}": {
            "get": _operation(
                "api_get_quote",
                "Get a quote with its items",
                {"200": _json(ref("ApiQuote"), "the quote")},
                ["404"],
                parameters=[ID],
            )
        },
    }


def openapi_components() -> dict[str, Any]:
    return {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "an API key: fv_live_… (live) or fv_test_… (sandbox)",
            }
        },
    }
