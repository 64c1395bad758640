"""OpenAPI 3.1 for the /v1 dialect: ``openapi_paths()`` (path items keyed by their full path,
``/v1/...``) and ``openapi_components()`` (``schemas``, ``responses``, ``parameters`` and the
``securitySchemes`` they use, every name prefixed ``V1``), to be merged into /openapi.json.

Every status a route can answer is listed: the wrapper's (401, 403 on writes, 400/413 on a
body, 409/422 from an Idempotency-Key, 429, 503) and the route's own.
"""

from __future__ import annotations

from typing import Any

from invoicegraph.rest.v1.openapi_schemas import DATE_IN, ref, schemas
from invoicegraph.rest.v1.pagination import MAX_PAGE
from invoicegraph.rest.v1.parse import MAX_ID
from invoicegraph.services.idempotency import MAX_KEY_LENGTH
from invoicegraph.services.pagination import MAX_PAGE_SIZE

Operation = dict[str, Any]

SECURITY: list[dict[str, list[str]]] = [{"V1ApiKey": []}]
ERRORS = {
    "400": "The body is not JSON",
    "401": "Missing, invalid or revoked API key",
    "402": "The account's plan does not allow it",
    "403": "A read-only key cannot write",
    "404": "No such object in this account",
    "409": "The object's state does not allow it",
    "413": "The body is too large",
    "422": "The given data was invalid (Laravel's body, naming each field)",
    "429": "Too many requests; retry after Retry-After seconds",
    "503": "The database is unreachable; retry shortly",
}
TYPES = "1 ordinary, 2 proforma, 3 rectificative"
ORDER_FIELDS = (
    "id",
    "name",
    "date",
    "due_date",
    "total_before_taxes",
    "total_taxes",
    "total_with_taxes",
)


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _data(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"data": schema},
        "required": ["data"],
        "additionalProperties": False,
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    # an empty value (?type_id=) is read as absent, as Laravel reads it
    return {
        "name": name,
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "schema": schema,
        "description": description,
    }


def _operation(
    summary: str,
    ok: tuple[str, str, dict[str, Any] | None],
    errors: tuple[str, ...],
    *,
    body: str | None = None,
    params: list[dict[str, Any]] | None = None,
) -> Operation:
    status, description, content = ok
    responses: dict[str, Any] = {status: {"description": description}}
    if content is not None:
        responses[status]["content"] = content
    codes = {"401", "429", "503", *errors}
    if body is not None:
        codes |= {"400", "403", "409", "413", "422"}
    for code in sorted(codes):
        responses[code] = {"$ref": f"#/components/responses/V1Error{code}"}
    operation: Operation = {"summary": summary, "security": SECURITY, "responses": responses}
    parameters = list(params or [])
    if body is not None:
        parameters.append({"$ref": "#/components/parameters/V1IdempotencyKey"})
        operation["requestBody"] = {"required": False, "content": _json(ref(body))}
    if parameters:
        operation["parameters"] = parameters
    return operation


def _page_params() -> list[dict[str, Any]]:
    return [
        _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page"),
        _query(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            f"Items per page (default {MAX_PAGE_SIZE})",
        ),
    ]


def _search(description: str) -> dict[str, Any]:
    return _query("search", {"type": "string", "minLength": 3, "maxLength": 255}, description)


def _invoice_filters() -> list[dict[str, Any]]:
    ident = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    order = f"^({'|'.join(ORDER_FIELDS)})(,(asc|desc))?$"
    return [
        _query(
            "type_id",
            {"type": "integer", "enum": [1, 2, 3]},
            "1 ordinary, 2 proforma, 3 rectificative",
        ),
        _query("contact_id", ident, "Contact"),
        _query("serie_id", ident, "Series"),
        _query("from", DATE_IN, "Dated on or after (yyyy-mm-dd)"),
        _query("to", DATE_IN, "Dated on or before (yyyy-mm-dd)"),
        _query(
            "unpaid",
            {"type": "string", "enum": ["true", "false", "1", "0"]},
            "Only unpaid invoices; forces type_id 1",
        ),
        _search("In name, number, recipient name and tax id"),
        _query("order", {"type": "string", "pattern": order}, "{field},asc|desc (desc default)"),
    ]


def _id_param() -> dict[str, Any]:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


def _catalogue(name: str, item: str, summary: str, *, search: str | None = None) -> dict[str, Any]:
    params = _page_params() + ([_search(search)] if search else [])
    return {
        f"/v1/{name}": {
            "get": _operation(
                f"List {summary}",
                ("200", f"A page of {summary}", _json(ref(f"{item}Page"))),
                ("422",),
                params=params,
            )
        },
        f"/v1/{name}/{{id}}": {
            "parameters": [_id_param()],
            "get": _operation(
                f"One of the {summary}", ("200", summary, _json(_data(ref(item)))), ("404",)
            ),
        },
    }


def openapi_paths() -> dict[str, Any]:
    invoice = _json(_data(ref("V1Invoice")))
    e_invoicing = {"anyOf": [ref("V1EInvoicing"), {"type": "null"}]}
    issued = {
        name: _json(
            _data(
                {
                    "type": "object",
                    "properties": {key: {"type": "integer"}, "e_invoicing": e_invoicing},
                    "required": [key, "e_invoicing"],
                    "additionalProperties": False,
                }
            )
        )
        for name, key in (
            ("issue", "issue_invoice_id"),
            ("rectify", "rectification_invoice_id"),
            ("annul", "annulled_invoice_id"),
        )
    }
    pdf = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    paths: dict[str, Any] = {
        "/v1/info": {
            "get": _operation(
                "Options for invoices and the account's issuer data",
                ("200", "The options", _json(_data(ref("V1Info")))),
                (),
            )
        },
        "/v1/invoices": {
            "get": _operation(
                "List invoices",
                ("200", "A page of invoices", _json(ref("V1InvoicePage"))),
                ("422",),
                params=_page_params() + _invoice_filters(),
            ),
            "post": _operation(
                "Create a proforma (draft) invoice",
                ("201", "The proforma", invoice),
                (),
                body="V1InvoiceCreate",
            ),
        },
        "/v1/invoices/{id}": {
            "parameters": [_id_param()],
            "get": _operation("Get an invoice", ("200", "The invoice", invoice), ("404",)),
            "patch": _operation(
                "Update an invoice (an issued one only without fiscal changes)",
                ("200", "The invoice", invoice),
                ("404",),
                body="V1InvoiceUpdate",
            ),
            "delete": _operation(
                "Delete a proforma, or the last issued invoice of its series",
                ("204", "Deleted", None),
                ("403", "404", "409"),
            ),
        },
        "/v1/invoices/{id}/download": {
            "parameters": [_id_param()],
            "get": _operation(
                "The invoice as a PDF (a proforma as a preview)",
                ("200", "The PDF", pdf),
                ("404",),
            ),
        },
        "/v1/invoices/{id}/issue": {
            "parameters": [_id_param()],
            "post": _operation(
                "Issue a new invoice from the proforma",
                ("201", "The new invoice's id", issued["issue"]),
                ("402", "404"),
                body="V1IssueInput",
            ),
        },
        "/v1/invoices/{id}/rectify": {
            "parameters": [_id_param()],
            "post": _operation(
                "Rectify an issued invoice with a new rectificative, issued at once",
                ("201", "The rectificative's id", issued["rectify"]),
                ("402", "404"),
                body="V1RectifyInput",
            ),
        },
    }
    paths["/v1/invoices/{id}/annul"] = {
        "parameters": [_id_param()],
        "post": _operation(
            "Annul an invoice issued by mistake (it stays, marked annulled; with VERI*FACTU "
            "on, a cancellation record joins the chain)",
            ("200", "The annulled invoice's id", issued["annul"]),
            ("404", "409"),
            body="V1AnnulInput",
        ),
    }
    paths.update(_catalogue("contacts", "V1Contact", "contacts", search="In name, tax id, email"))
    paths["/v1/contacts"]["post"] = _operation(
        "Create a contact",
        ("201", "The contact", _json(_data(ref("V1Contact")))),
        (),
        body="V1ContactInput",
    )
    paths.update(_catalogue("products", "V1Product", "products", search="In name and sku"))
    paths.update(_catalogue("taxes", "V1Tax", "taxes"))
    paths.update(_catalogue("series", "V1Series", "series"))
    paths.update(_catalogue("payment-methods", "V1PaymentMethod", "payment methods"))
    paths.update(_catalogue("due-dates", "V1DueDate", "due-date terms"))
    for item in paths.values():
        for method, operation in item.items():
            if method != "parameters":
                operation.setdefault("tags", ["v1"])
    return paths


def openapi_components() -> dict[str, Any]:
    error = _json(ref("V1Error"))
    responses = {
        f"V1Error{code}": {
            "description": description,
            "content": _json(ref("V1ValidationError")) if code == "422" else error,
        }
        for code, description in ERRORS.items()
    }
    return {
        "schemas": schemas(),
        "responses": responses,
        "parameters": {
            "V1IdempotencyKey": {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                "description": "Retry safely: the same key and body replay the first answer",
            }
        },
        "securitySchemes": {
            "V1ApiKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key: fv_live_… or fv_test_… (the account's sandbox)",
            }
        },
    }
