"""The services name fields in their own words (``lines.0.price``, ``date``); a Facturovia
client sent ``items.0.unit_price`` and ``invoice_date`` and must hear those names back."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from invoicegraph.domain.errors import Conflict, FieldError, ValidationFailed

# an item's names → a line's
ITEM_FIELDS = {"unit_price": "price", "discount_percent": "discount"}
LINE_FIELDS = {ours: theirs for theirs, ours in ITEM_FIELDS.items()} | {"taxes": "vat_rate"}
_LINE = re.compile(r"^lines(?:\.(\d+)(?:\.([a-z_]+))?(?:\..*)?)?$")
# a correction's figures, named as an item's
_CORRECTION = re.compile(r"^(corrections\.\d+)\.(price|discount)$")

INVOICE_FIELDS = {"date": "invoice_date", "due_date_id": "due_date"}
QUOTE_FIELDS = {"date": "quote_date"}


def rename(field: str, fields: Mapping[str, str]) -> str:
    correction = _CORRECTION.match(field)
    if correction is not None:
        return f"{correction.group(1)}.{LINE_FIELDS[correction.group(2)]}"
    match = _LINE.match(field)
    if match is None:
        return fields.get(field, field)
    index, name = match.groups()
    if index is None:
        return "items"
    if name is None:
        return f"items.{index}"
    return f"items.{index}.{LINE_FIELDS.get(name, name)}"


@contextmanager
def dialect_names(fields: Mapping[str, str] = INVOICE_FIELDS) -> Iterator[None]:
    """Re-raise the services' field errors under the names the client sent."""
    try:
        yield
    except ValidationFailed as exc:
        renamed = [FieldError(rename(f.field, fields), f.message, f.code) for f in exc.fields]
        raise ValidationFailed(renamed) from None
    except Conflict as exc:
        if not exc.fields:
            raise
        raise Conflict(exc.message, [rename(f, fields) for f in exc.fields]) from None
