"""The OpenAPI 3.1 schemas of the /v1 dialect (``components.schemas``), every name prefixed
``V1``. Inputs are as wide as the handlers read them (an Integer may be a string of digits,
a Number a numeric string, a Boolean 0/1/"0"/"1"/"true"/"false"; unknown keys are ignored),
never narrower; outputs are exactly what the shapes write, nulls included."""

from __future__ import annotations

from typing import Any

from invoicegraph.pdf.formatting import DATE_FORMATS, MONEY_FORMATS
from invoicegraph.pdf.labels import LANGUAGES
from invoicegraph.rest.v1.contacts import COUNTRY_PATTERN
from invoicegraph.rest.v1.currency import CURRENCY_PATTERN
from invoicegraph.rest.v1.parse import (
    DATE_PATTERN,
    INTEGER_PATTERN,
    MAX_ID,
    MAX_NUMBER,
    NUMBER_PATTERN,
)
from invoicegraph.services.invoices.inputs import MAX_TEXT_LENGTH, MAX_TEXTS, TEMPLATE_OPTIONS
from invoicegraph.services.lines import MAX_LINES

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    return {**schema, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}


def obj(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required is not None:
        schema["required"] = required
    return schema


def closed(properties: dict[str, Schema]) -> Schema:
    """An answer: every key is always there, and no other."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


STRING: Schema = {"type": "string"}
# every error answer names its request (the edge writes it; X-Request-Id has the same)
REQUEST_ID: Schema = {"type": "string", "description": "the request's X-Request-Id"}


def _with_request_id(schema: Schema) -> Schema:
    return {**schema, "properties": {**schema["properties"], "request_id": REQUEST_ID}}


INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
TIMESTAMP: Schema = {"type": "string", "format": "date-time"}
ID_IN: Schema = {
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        {"type": "string", "pattern": INTEGER_PATTERN},
    ],
    "description": "An identifier: an integer, or a string of digits",
}
NUMBER_IN: Schema = {
    "anyOf": [
        {"type": "number", "minimum": -int(MAX_NUMBER), "maximum": int(MAX_NUMBER)},
        {"type": "string", "pattern": NUMBER_PATTERN, "maxLength": 64},
    ]
}
BOOLEAN_IN: Schema = {"anyOf": [{"type": "boolean"}, {"enum": [0, 1, "0", "1", "true", "false"]}]}
DATE_IN: Schema = {
    "type": "string",
    "format": "date",
    "pattern": DATE_PATTERN,
    "description": "yyyy-mm-dd, years 1900 to 2999",
}


def text(max_length: int) -> Schema:
    return {"type": "string", "maxLength": max_length}


def _party(with_id: bool) -> Schema:
    fields: dict[str, Schema] = {"id": nullable(INTEGER)} if with_id else {}
    fields["name"] = nullable(STRING) if with_id else STRING
    fields["number" if with_id else "vat"] = nullable(STRING) if with_id else STRING
    for name in ("address", "population", "province_state"):
        fields[name] = nullable(STRING)
    fields["country"] = nullable(STRING) if with_id else STRING
    fields["zip"] = nullable(STRING)
    return closed(fields)


def _invoice(full: bool) -> Schema:
    head: dict[str, Schema] = {
        "id": INTEGER,
        "name": nullable(STRING),
        "type_id": {"type": "integer", "enum": [1, 2, 3]},
        "serie": closed({"id": nullable(INTEGER), "name": nullable(STRING)}),
        "number": nullable(INTEGER),
        "e_invoicing": nullable(ref("V1EInvoicing")),
        "date": DATE,
        "due_date": nullable(DATE),
        "payment_method": nullable(STRING),
        "rectification_invoice_id": nullable(INTEGER),
        "issued_by": ref("V1IssuedBy"),
        "issued_to": nullable(ref("V1IssuedTo")),
        "payed_at": nullable(DATE),
        "currency": STRING,
        "lang": STRING,
        "date_format": STRING,
        "money_format": STRING,
    }
    if full:
        head.update(
            template=ref("V1Template"),
            intro_texts={"type": "array", "items": ref("V1Text")},
            lines={"type": "array", "items": ref("V1Line")},
            close_texts={"type": "array", "items": ref("V1Text")},
            notes=STRING,
        )
    for name in ("total_before_taxes", "total_taxes", "total_with_taxes"):
        head[name] = NUMBER
    head.update(created_at=TIMESTAMP, updated_at=TIMESTAMP)
    return closed(head)


def _line() -> Schema:
    amounts = ("subtotal", "total_discount", "total_before_taxes")
    return closed(
        {
            "sku": nullable(STRING),
            "product_id": nullable(INTEGER),
            "description": STRING,
            "quantity": NUMBER,
            "price": NUMBER,
            "discount": NUMBER,
            "business_line_id": {"type": "null"},
            **{name: NUMBER for name in amounts},
            "taxes": {
                "type": "array",
                "items": closed(
                    {
                        "id": nullable(INTEGER),
                        "name": STRING,
                        "percentage": NUMBER,
                        "total": NUMBER,
                        "version": nullable(STRING),
                    }
                ),
            },
            "total_taxes": NUMBER,
            "total_with_taxes": NUMBER,
        }
    )


def _invoice_input(creating: bool) -> Schema:
    required = (
        [
            "name",
            "contact_id",
            "due_date_id",
            "payment_method_id",
            "lang",
            "currency",
            "date_format",
            "money_format",
        ]
        if creating
        else None
    )
    properties: dict[str, Schema] = {
        "name": {**text(255), "minLength": 1} if creating else text(255),
        "contact_id": ID_IN,
        "due_date_id": ID_IN,
        "payment_method_id": ID_IN,
        "date": DATE_IN,
        "lang": {"type": "string", "enum": list(LANGUAGES)},
        "currency": {
            "type": "string",
            "pattern": CURRENCY_PATTERN,
            "description": "An ISO 4217 code (ARS, any case) or one of the symbols €, $, £",
        },
        "date_format": {"type": "string", "enum": list(DATE_FORMATS)},
        "money_format": {"type": "string", "enum": list(MONEY_FORMATS)},
        "notes": nullable(text(5000)),
        "intro_texts": {"type": "array", "items": ref("V1TextInput"), "maxItems": MAX_TEXTS},
        "close_texts": {"type": "array", "items": ref("V1TextInput"), "maxItems": MAX_TEXTS},
        "lines": {"type": "array", "items": ref("V1LineInput"), "maxItems": MAX_LINES},
        "template": ref("V1TemplateInput"),
    }
    if not creating:
        properties["payed_at"] = nullable(DATE_IN)
        properties["reload_issued_by"] = BOOLEAN_IN
    schema = obj(properties, required)
    if not creating:
        schema["minProperties"] = 1
        schema["description"] = "All optional, but at least one parameter must be sent."
    return schema


def _page(item: str) -> Schema:
    # absolute under PUBLIC_BASE_URL, else relative to the server (never the Host header)
    link = {"type": "string", "format": "uri-reference"}
    return closed(
        {
            "data": {"type": "array", "items": ref(item)},
            "links": closed(
                {"first": link, "last": link, "prev": nullable(link), "next": nullable(link)}
            ),
            "meta": closed(
                {
                    "current_page": INTEGER,
                    "from": nullable(INTEGER),
                    "last_page": INTEGER,
                    "path": STRING,
                    "per_page": INTEGER,
                    "to": nullable(INTEGER),
                    "total": INTEGER,
                }
            ),
        }
    )


def _catalogue() -> dict[str, Schema]:
    flags = {"is_default": BOOLEAN, "active": BOOLEAN}
    contact = {
        "id": INTEGER,
        "name": STRING,
        "number": nullable(STRING),
        "email": nullable(STRING),
        "phone": nullable(STRING),
        "address": nullable(STRING),
        "population": nullable(STRING),
        "province_state": nullable(STRING),
        "country": STRING,
        "zip": nullable(STRING),
        "notes": nullable(STRING),
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
    }
    contact_input = {
        "name": {**text(255), "minLength": 1},
        "number": nullable(text(64)),
        "email": nullable(text(255)),
        "phone": nullable(text(40)),
        "address": nullable(text(255)),
        "population": nullable(text(120)),
        "province_state": nullable(text(120)),
        "country": {
            "type": "string",
            "pattern": COUNTRY_PATTERN,
            "description": "ISO 3166-1 alpha-2, ES by default",
        },
        "zip": nullable(text(20)),
        "notes": nullable(text(5000)),
    }
    return {
        "V1Contact": closed(contact),
        "V1ContactInput": obj(contact_input, ["name"]),
        "V1Product": closed(
            {
                "id": INTEGER,
                "sku": nullable(STRING),
                "name": STRING,
                "description": STRING,
                "price": NUMBER,
                "discount": NUMBER,
                "taxes": {"type": "array", "items": INTEGER},
                "active": BOOLEAN,
                "created_at": TIMESTAMP,
                "updated_at": TIMESTAMP,
            }
        ),
        "V1Tax": closed(
            {
                "id": INTEGER,
                "name": STRING,
                "kind": {"type": "string", "enum": ["vat", "withholding", "surcharge"]},
                "percentage": NUMBER,
                "version": {"type": "string", "format": "uuid"},
                **flags,
            }
        ),
        "V1Series": closed(
            {"id": INTEGER, "name": STRING, "description": STRING, "kind": STRING, **flags}
        ),
        "V1PaymentMethod": closed(
            {"id": INTEGER, "name": STRING, "description": STRING, "kind": STRING, **flags}
        ),
        "V1DueDate": closed({"id": INTEGER, "name": STRING, "days": INTEGER, **flags}),
    }


def schemas() -> dict[str, Schema]:
    named_list = {"type": "array", "items": closed({"id": INTEGER, "name": STRING})}
    strings = {"type": "array", "items": STRING}
    result: dict[str, Schema] = {
        "V1Invoice": _invoice(full=True),
        "V1InvoiceSummary": _invoice(full=False),
        "V1Line": _line(),
        "V1Text": closed({"label": STRING, "text": STRING}),
        "V1Template": closed(
            {"id": INTEGER, "options": closed({name: BOOLEAN for name in TEMPLATE_OPTIONS})}
        ),
        "V1IssuedBy": _party(with_id=False),
        "V1IssuedTo": _party(with_id=True),
        "V1EInvoicing": closed(
            {
                "system": STRING,
                "country": STRING,
                "processed": BOOLEAN,
                "on_error": BOOLEAN,
                "external_link": nullable(STRING),
            }
        ),
        "V1InvoiceCreate": _invoice_input(creating=True),
        "V1InvoiceUpdate": _invoice_input(creating=False),
        "V1TextInput": obj(
            {"label": {**text(255), "minLength": 1}, "text": text(MAX_TEXT_LENGTH)},
            ["label", "text"],
        ),
        "V1LineInput": obj(
            {
                "product_id": nullable(ID_IN),
                "quantity": NUMBER_IN,
                "price": NUMBER_IN,
                "description": text(500),
                "discount": NUMBER_IN,
                "taxes": {"type": "array", "items": ID_IN, "maxItems": 10},
            }
        )
        | {
            "description": "With product_id the product fills what is not sent; without it "
            "quantity (0 or more), price and description are required (discount defaults to 0)."
        },
        "V1TemplateInput": obj(
            {
                "id": ID_IN,
                "options": obj(
                    {name: BOOLEAN_IN for name in TEMPLATE_OPTIONS}, [*TEMPLATE_OPTIONS]
                ),
            },
            ["id", "options"],
        ),
        "V1IssueInput": obj(
            {"date": DATE_IN, "serie_id": ID_IN, "delete_proforma": BOOLEAN_IN},
            ["date", "serie_id"],
        ),
        "V1RectifyInput": obj({"date": DATE_IN, "serie_id": ID_IN}, ["date", "serie_id"]),
        "V1AnnulInput": obj({"reason": {"type": ["string", "null"], "maxLength": 500}}),
        "V1InvoicePage": _page("V1InvoiceSummary"),
        "V1Info": closed(
            {
                "options": closed(
                    {
                        "langs": strings,
                        "currencies": strings,
                        "date_formats": strings,
                        "money_formats": strings,
                        "invoice_templates": named_list,
                        "invoice_types": named_list,
                    }
                ),
                "app": closed({"owner": ref("V1IssuedBy")}),
            }
        ),
        "V1Error": obj(
            {
                "message": STRING,
                "code": STRING,
                "fields": {"type": "array", "items": STRING},
                "request_id": REQUEST_ID,
            },
            ["message", "code"],
        ),
        "V1ValidationError": _with_request_id(
            closed(
                {
                    "message": {"type": "string", "const": "The given data was invalid."},
                    "errors": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": STRING},
                    },
                }
            )
        ),
    }
    catalogue = _catalogue()
    result.update(catalogue)
    for name in ("V1Contact", "V1Product", "V1Tax", "V1Series", "V1PaymentMethod", "V1DueDate"):
        result[f"{name}Page"] = _page(name)
    return result
