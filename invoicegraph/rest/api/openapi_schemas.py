"""OpenAPI 3.1 schemas of the /api bodies and answers (``Api…`` so they never clash with the
/v1 dialect's). They state what ``parse.py``/``reader.py`` accept and ``shapes.py`` answers:
unknown fields are ignored (``additionalProperties`` stays open), known ones have strict types.
"""

from __future__ import annotations

from typing import Any

from invoicegraph.domain.money import EXCHANGE_RATE_MEANING
from invoicegraph.domain.rectification import CAUSES
from invoicegraph.services.clients import LIMITS as CLIENT_LIMITS
from invoicegraph.services.invoices.inputs import CURRENCIES

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    widened = {**schema, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}
    if "enum" in schema:
        widened["enum"] = [*schema["enum"], None]
    return widened


def obj(properties: dict[str, Schema], required: list[str] | None = None, **extra: Any) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = required
    return schema


def text(max_length: int | None = None, **extra: Any) -> Schema:
    schema: Schema = {"type": "string", **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


UUID: Schema = {
    "type": "string",
    "format": "uuid",
    "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
}
DATE: Schema = {"type": "string", "format": "date"}
# Every real date from 1900-01-01 to 2999-12-31, which is what the reader accepts.
_YEAR = "(19|2[0-9])[0-9]{2}"
_LEAP_YEAR = "((19|2[0-9])(0[48]|[2468][048]|[13579][26])|2000|2400|2800)"
DATE_INPUT: Schema = {
    **DATE,
    "pattern": (
        f"^({_YEAR}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
        f"|02-(0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)$"
    ),
    "description": "YYYY-MM-DD, from 1900-01-01 to 2999-12-31",
}
NOT_BLANK = "\\S"  # at least one character that is not a space: blank text reads as absent
DATETIME: Schema = {"type": "string", "format": "date-time"}
MONEY: Schema = {"type": "number", "description": "exact decimal amount (2 decimals)"}
BOUNDED = {"exclusiveMinimum": -(10**15), "exclusiveMaximum": 10**15}


def number(description: str, **bounds: Any) -> Schema:
    return {"type": "number", "description": description, **(bounds or BOUNDED)}


ERROR = obj(
    {
        "error": obj(
            {
                "code": text(description="stable machine-readable code"),
                "message": text(),
                "request_id": text(description="the request's X-Request-Id"),
                "fields": {
                    "type": "array",
                    "description": "every offending field (422), or what a 409 refused",
                    "items": obj(
                        {
                            "field": text(description="dotted path: items.0.quantity"),
                            "message": text(),
                            "code": text(),
                        },
                        ["field", "message", "code"],
                    ),
                },
            },
            ["code", "message"],
        )
    },
    ["error"],
)

CLIENT_PROPERTIES: dict[str, Schema] = {
    "name": text(CLIENT_LIMITS["name"], pattern=NOT_BLANK),
    "tax_id": text(description="NIF/NIE/CIF, EU VAT number or any id outside the EU"),
    "email": text(CLIENT_LIMITS["email"]),
    "phone": text(CLIENT_LIMITS["phone"]),
    "address": text(CLIENT_LIMITS["address"]),
    "city": text(CLIENT_LIMITS["city"]),
    "province": text(CLIENT_LIMITS["province"]),
    "postal_code": text(CLIENT_LIMITS["postal_code"]),
    "country": text(description="ISO 3166-1 alpha-2, default ES", pattern="^[A-Za-z]{2}$"),
    "notes": text(CLIENT_LIMITS["notes"]),
}
CLIENT_INPUT = obj(
    {
        name: nullable(s) if name not in ("name", "country") else s
        for name, s in CLIENT_PROPERTIES.items()
    },
    ["name"],
)
FIND_OR_CREATE_INPUT = obj(
    {**CLIENT_INPUT["properties"], "tax_id": {**CLIENT_PROPERTIES["tax_id"], "pattern": NOT_BLANK}},
    ["tax_id", "name"],
    description="the client with this tax_id; created from the body when there is none",
)
CLIENT = obj(
    {
        "id": UUID,
        **{
            name: s if name in ("name", "country") else nullable(text())
            for name, s in CLIENT_PROPERTIES.items()
        },
        "created_at": DATETIME,
        "updated_at": DATETIME,
    },
    ["id", *CLIENT_PROPERTIES, "created_at", "updated_at"],
)

ITEM_INPUT = obj(
    {
        "description": text(500, pattern=NOT_BLANK),
        "reference": nullable(text(255, description="your SKU or code; rectify matches it")),
        "quantity": number(
            "negative for a credit line; |quantity × unit_price| ≤ 999999999999",
            minimum=-(10**9),
            maximum=10**9,
            multipleOf=0.0001,
        ),
        "unit_price": number("", minimum=-(10**10), maximum=10**10, multipleOf=0.000001),
        "vat_rate": number(
            "an IVA rate of the account's catalogue (21, 10, 4, 0 by default)",
            minimum=0,
            maximum=100,
            multipleOf=0.0001,
        ),
        "discount_percent": nullable(number("percent", minimum=0, maximum=100, multipleOf=0.01)),
    },
    ["description", "quantity", "unit_price", "vat_rate"],
)
ITEMS_INPUT: Schema = {"type": "array", "items": ref("ApiItemInput"), "maxItems": 500}
DOCUMENT_INPUT: dict[str, Schema] = {
    "client_id": nullable(UUID),
    "currency": text(description="ISO 4217, default EUR", enum=sorted(CURRENCIES)),
    "exchange_rate": number(
        EXCHANGE_RATE_MEANING,
        exclusiveMinimum=0,
        maximum=999_999_999_999,
        multipleOf=0.000001,
    ),
    "items": nullable(ITEMS_INPUT),
    "external_reference": nullable(text(255, description="your order id; ?external_reference=")),
    "notes": nullable(text(5000, description="private, never printed")),
}
INVOICE_INPUT = obj(
    {
        **DOCUMENT_INPUT,
        "invoice_date": {**DATE_INPUT, "description": "default today"},
        "due_date": nullable(DATE_INPUT),
    }
)
QUOTE_INPUT = obj({**DOCUMENT_INPUT, "quote_date": DATE_INPUT, "valid_until": nullable(DATE_INPUT)})
ISSUE_INPUT = nullable(
    obj(
        {
            "serie_id": nullable(UUID),
            "invoice_date": nullable(
                {**DATE_INPUT, "description": "not in the future, not before the series' last"}
            ),
        }
    )
)
CAUSE = text(description="R1–R5 (VERI*FACTU), default R1", enum=list(CAUSES))
CORRECT_INPUT = nullable(
    obj({"causa_rectificacion": nullable(CAUSE), "notes": nullable(text(5000))})
)
RECTIFY_ITEM = obj(
    {
        "reference": nullable(text(description="matches the original line's reference")),
        "description": nullable(text(description="matches when no reference is given")),
        "quantity": number(
            "positive: the server negates it",
            exclusiveMinimum=0,
            exclusiveMaximum=10**15,
            multipleOf=0.0001,
        ),
    },
    ["quantity"],
    anyOf=[
        {"required": [name], "properties": {name: text(pattern=NOT_BLANK)}}
        for name in ("reference", "description")
    ],
    description="unit_price, vat_rate and discount_percent are taken from the original line",
)
RECTIFY_INPUT = obj(
    {
        "items": {"type": "array", "items": ref("ApiRectifyItem"), "minItems": 1},
        "causa_rectificacion": nullable(CAUSE),
        "notes": nullable(text(5000)),
    },
    ["items"],
)
VOID_INPUT = nullable(obj({"reason": nullable(text(500))}))

TAX = obj(
    {
        "kind": text(enum=["vat", "withholding", "surcharge"]),
        "name": text(),
        "rate": {"type": "number"},
        "base": MONEY,
        "amount": MONEY,
    },
    ["kind", "name", "rate", "base", "amount"],
)
FIGURES: dict[str, Schema] = {
    "subtotal": {**MONEY, "description": "Σ quantity × unit_price"},
    "discount_total": MONEY,
    "tax_base": {**MONEY, "description": "subtotal − discount_total"},
    "tax_total": {**MONEY, "description": "IVA and surcharge positive, IRPF negative"},
    "total": {**MONEY, "description": "tax_base + tax_total"},
    "taxes": {"type": "array", "items": ref("ApiTax")},
}
ITEM = obj(
    {
        "id": UUID,
        "position": {"type": "integer"},
        "description": text(),
        "reference": nullable(text()),
        "quantity": {"type": "number"},
        "unit_price": {"type": "number"},
        "discount_percent": {"type": "number"},
        "vat_rate": nullable({"type": "number"}),
        **FIGURES,
    },
    ["id", "position", "description", "reference", "quantity", "unit_price",
     "discount_percent", "vat_rate", *FIGURES],
)  # fmt: skip
PARTY = obj(
    {
        "name": text(),
        **{n: nullable(text()) for n in ("tax_id", "address", "city", "province", "postal_code")},
        "country": nullable(text()),
    },
    ["name", "tax_id", "address", "city", "province", "postal_code", "country"],
)
E_INVOICING = obj(
    {
        "system": text(enum=["VERIFACTU"]),
        "country": text(enum=["ES"]),
        "processed": {"type": "boolean", "description": "the tax agency has answered"},
        "on_error": {"type": "boolean", "description": "rejected, or accepted with errors"},
        "external_link": nullable(text(description="the agency's check URL (the QR code)")),
    },
    ["system", "country", "processed", "on_error", "external_link"],
)
INVOICE_PROPERTIES: dict[str, Schema] = {
    "id": UUID,
    "status": text(enum=["draft", "issued", "annulled"]),
    "serie_id": nullable(UUID),
    "series": nullable(text(description="the series code, F or R by default")),
    "number": nullable({"type": "integer"}),
    "full_number": nullable(text(description="F1, R3…; null on a draft")),
    "invoice_date": DATE,
    "due_date": nullable(DATE),
    "client_id": nullable(UUID),
    "client": nullable(ref("ApiParty")),
    "issuer": nullable(ref("ApiParty")),
    "currency": text(),
    "exchange_rate": {"type": "number"},
    "items": {"type": "array", "items": ref("ApiItem")},
    **FIGURES,
    "vat_total": MONEY,
    "withholding_total": MONEY,
    "is_corrective": {"type": "boolean"},
    "original_invoice_id": nullable(UUID),
    "causa_rectificacion": nullable(text(enum=list(CAUSES))),
    "rectification_reason": nullable(text()),
    "rectification_status": text(
        enum=["none", "partial", "full"], description="what rectificatives took from it"
    ),
    "external_reference": nullable(text()),
    "notes": nullable(text()),
    "payed_at": nullable(DATE),
    "issued_at": nullable(DATETIME),
    "annulled_at": nullable(DATETIME),
    "e_invoicing": nullable(ref("ApiEInvoicing")),
    "created_at": DATETIME,
    "updated_at": DATETIME,
}
INVOICE = obj(INVOICE_PROPERTIES, list(INVOICE_PROPERTIES))
QUOTE_PROPERTIES: dict[str, Schema] = {
    "id": UUID,
    "status": text(enum=["draft", "sent", "accepted", "rejected", "converted"]),
    "quote_date": DATE,
    "valid_until": nullable(DATE),
    "client_id": nullable(UUID),
    "currency": text(),
    "exchange_rate": {"type": "number"},
    "items": {"type": "array", "items": ref("ApiItem")},
    **FIGURES,
    "external_reference": nullable(text()),
    "notes": nullable(text()),
    "converted_invoice_id": nullable(UUID),
    "created_at": DATETIME,
    "updated_at": DATETIME,
}
QUOTE = obj(QUOTE_PROPERTIES, list(QUOTE_PROPERTIES))


def page_of(name: str) -> Schema:
    return obj(
        {
            "data": {"type": "array", "items": ref(name)},
            "next_cursor": nullable(text(description="pass as ?cursor= for the next page")),
        },
        ["data", "next_cursor"],
    )


SCHEMAS: dict[str, Schema] = {
    "ApiError": ERROR,
    "ApiClient": CLIENT,
    "ApiClientInput": CLIENT_INPUT,
    "ApiFindOrCreateInput": FIND_OR_CREATE_INPUT,
    "ApiFindOrCreateResult": obj(
        {"client": ref("ApiClient"), "created": {"type": "boolean"}}, ["client", "created"]
    ),
    "ApiClientList": page_of("ApiClient"),
    "ApiItemInput": ITEM_INPUT,
    "ApiItem": ITEM,
    "ApiTax": TAX,
    "ApiParty": PARTY,
    "ApiEInvoicing": E_INVOICING,
    "ApiInvoiceInput": INVOICE_INPUT,
    "ApiInvoice": INVOICE,
    "ApiInvoiceList": page_of("ApiInvoice"),
    "ApiIssueInput": ISSUE_INPUT,
    "ApiCorrectInput": CORRECT_INPUT,
    "ApiRectifyItem": RECTIFY_ITEM,
    "ApiRectifyInput": RECTIFY_INPUT,
    "ApiRectification": obj({"invoice": ref("ApiInvoice")}, ["invoice"]),
    "ApiVoidInput": VOID_INPUT,
    "ApiQuoteInput": QUOTE_INPUT,
    "ApiQuote": QUOTE,
    "ApiQuoteList": page_of("ApiQuote"),
}
