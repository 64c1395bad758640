"""Values the red team found 5xx with: NUL bytes, lone surrogates, unicode digits, huge lists,
deep nesting, numbers beyond every column. Bodies are encoded here with JSON escapes
(``\\ud800``), as an attacker sends them: no UTF-8 encoder would."""

from __future__ import annotations

import json
import random
from typing import Any

NUL = "a\x00b"
SURROGATE = "x\ud800y"
TEXTS = (NUL, SURROGATE, "\udfff", "\x00")
UNICODE_DIGITS = ("\u00b9", "\u0661", "\uff11", "\u0967\u0968", "\u2460")
SCALARS: tuple[Any, ...] = (
    *TEXTS,
    *UNICODE_DIGITS,
    "",
    " ",
    "0" * 400,
    "9" * 40,
    -1,
    0,
    2**63,
    10**40,
    -(10**30),
    1e308,
    True,
    None,
    "1901-01-01",
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "{number:>200000000}",
    "%s%n",
    "<script>",
)


def encode(value: Any) -> bytes:
    """JSON with ASCII escapes: a lone surrogate travels as ``\\ud800``."""
    return json.dumps(value, ensure_ascii=True).encode()


def random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth < 3 and roll < 0.12:
        return {rng.choice(NAMES): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if depth < 3 and roll < 0.2:
        size = rng.choice((0, 1, 3, 1001, 10_000))
        item = random_value(rng, depth + 1) if size < 1000 else {}
        return [item] * size
    if roll < 0.22:
        nested: Any = 1
        for _ in range(rng.choice((40, 200, 600))):
            nested = [nested]
        return nested
    return rng.choice(SCALARS)


# field names both dialects and GraphQL use, so random bodies reach the parsers' fields
NAMES = (
    "name",
    "client_id",
    "contact_id",
    "items",
    "lines",
    "description",
    "quantity",
    "unit_price",
    "price",
    "vat_rate",
    "taxes",
    "date",
    "invoice_date",
    "due_date",
    "serie_id",
    "notes",
    "intro_texts",
    "close_texts",
    "text",
    "label",
    "tax_id",
    "number",
    "email",
    "address",
    "reason",
    "currency",
    "exchange_rate",
    "external_reference",
    "payed_at",
    "reference",
    "sku",
)
