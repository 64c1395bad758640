"""Rectification rules: which quantities of which original lines a rectificative negates.

Full rectification negates what every line still has; partial rectification matches each
requested item to an original line (by ``reference`` when given, else by description), and
caps its quantity by what earlier rectifications of the same original left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from invoicegraph.domain.errors import Conflict, FieldError, ValidationFailed

QUANTITY_PLACES = 4  # as a line's quantity

CAUSES = {
    "R1": "Error fundado en derecho y causas del art. 80 Uno, Dos y Seis LIVA",
    "R2": "Art. 80 Tres LIVA (concurso de acreedores)",
    "R3": "Art. 80 Cuatro LIVA (créditos incobrables)",
    "R4": "Resto de causas",
    "R5": "Rectificación de factura simplificada",
}


@dataclass(frozen=True, slots=True)
class OriginalLine:
    id: int
    description: str
    reference: str | None
    quantity: Decimal  # as issued (positive for a normal sale)
    already_rectified: Decimal  # Σ quantities negated by earlier rectificatives (positive)

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.already_rectified


@dataclass(frozen=True, slots=True)
class RectificationItem:
    """An item the client wants rectified: a positive quantity; the server negates it."""

    quantity: Decimal
    reference: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Negation:
    line_id: int
    quantity: Decimal  # positive: how much of the line this rectificative takes back


def check_cause(cause: str, *, original_is_simplified: bool, field: str = "cause") -> str:
    cause = cause.strip().upper()
    if cause not in CAUSES:
        raise ValidationFailed.single(
            field, f"must be one of {', '.join(CAUSES)}", "invalid_choice"
        )
    if original_is_simplified and cause != "R5":
        raise ValidationFailed.single(field, "a simplified invoice is rectified with cause R5")
    if not original_is_simplified and cause == "R5":
        raise ValidationFailed.single(field, "R5 only rectifies simplified invoices")
    return cause


def full_negation(lines: Sequence[OriginalLine]) -> list[Negation]:
    negations = [Negation(line.id, line.remaining) for line in lines if line.remaining != 0]
    if not negations:
        raise Conflict("the invoice has already been fully rectified", ["lines"])
    return negations


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def partial_negation(
    lines: Sequence[OriginalLine], items: Sequence[RectificationItem], *, prefix: str = "items"
) -> list[Negation]:
    """Match items to lines and cap quantities; every offending item is reported at once."""
    if not items:
        raise ValidationFailed.single(prefix, "at least one item to rectify", "required")
    by_reference: dict[str, list[OriginalLine]] = {}
    by_description: dict[str, list[OriginalLine]] = {}
    for line in lines:
        if line.reference:
            by_reference.setdefault(_key(line.reference), []).append(line)
        by_description.setdefault(_key(line.description), []).append(line)
    taken: dict[int, Decimal] = {}
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        path = f"{prefix}.{index}"
        if not item.quantity.is_finite() or item.quantity <= 0:
            errors.append(FieldError(f"{path}.quantity", "must be positive; the server negates it"))
            continue
        if _decimal_places(item.quantity) > QUANTITY_PLACES:
            errors.append(FieldError(f"{path}.quantity", "at most 4 decimals"))
            continue
        if item.reference:
            candidates = by_reference.get(_key(item.reference), [])
            if not candidates and item.description:
                # Facturovia's own return workflow sends a reference for lines the original
                # was created without one: those lines are matched by description instead.
                candidates = [
                    line
                    for line in by_description.get(_key(item.description), [])
                    if not line.reference
                ]
            label = f"reference {item.reference!r}"
            match_field = f"{path}.reference"
        else:
            candidates = by_description.get(_key(item.description), [])
            label = f"description {item.description!r}"
            match_field = f"{path}.description"
        if not candidates:
            errors.append(
                FieldError(match_field, f"no line of the original invoice has {label}", "no_match")
            )
            continue
        wanted = item.quantity
        left = sum((c.remaining - taken.get(c.id, Decimal(0)) for c in candidates), Decimal(0))
        # several identical lines: take from each in order until the item is satisfied
        for line in candidates:
            if wanted == 0:
                break
            available = line.remaining - taken.get(line.id, Decimal(0))
            step = min(available, wanted)
            if step > 0:
                taken[line.id] = taken.get(line.id, Decimal(0)) + step
                wanted -= step
        if wanted > 0:
            errors.append(
                FieldError(
                    f"{path}.quantity",
                    f"exceeds what remains to rectify of {label} ({left.normalize():f})",
                    "exceeds_remaining",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    order = {line.id: position for position, line in enumerate(lines)}
    return [
        Negation(line_id, qty)
        for line_id, qty in sorted(taken.items(), key=lambda kv: order[kv[0]])
    ]


def rectified_status(lines: Sequence[OriginalLine], extra: Mapping[int, Decimal]) -> str:
    """``full`` when nothing remains after ``extra`` is taken too, ``partial`` otherwise."""
    remaining = [line.remaining - extra.get(line.id, Decimal(0)) for line in lines]
    if all(r == 0 for r in remaining):
        return "full"
    if all(line.already_rectified + extra.get(line.id, Decimal(0)) == 0 for line in lines):
        return "none"
    return "partial"
