"""Rectification rules: which quantities of which original lines a rectificative negates,
and what corrected lines it states.

Full rectification negates what every line still has; partial rectification matches each
requested item to an original line (by ``reference`` when given, else by description), and
caps its quantity by what earlier rectifications of the same original left. A correction
(a new price, discount or quantity of a line) is matched the same way: by differences it takes
back what remains of the line and states the line as it should have been; by substitution
(``S``) the rectificative states the whole invoice as it should have been.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from invoicegraph.domain.errors import Conflict, FieldError, ValidationFailed
from invoicegraph.domain.validation import check_decimal

QUANTITY_PLACES = 4  # as a line's quantity
PRICE_PLACES = 6  # as a line's price
MAX_QUANTITY = Decimal("1000000000")
MAX_PRICE = Decimal("10000000000")
KINDS = {"I": "differences", "S": "substitution"}

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
    price: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)

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
class LineCorrection:
    """A line of the original as it should have been: matched like a returned item; what is
    left out (``None``) keeps the original's value."""

    reference: str | None = None
    description: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    discount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CorrectedLine:
    """One original line as the rectificative states it: ``taken`` of it is taken back (by
    differences: what remained of it) and it is stated again with these figures."""

    line_id: int
    taken: Decimal
    quantity: Decimal
    price: Decimal
    discount: Decimal


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


def check_kind(kind: str, field: str = "rectification_type") -> str:
    kind = kind.strip().upper()
    if kind not in KINDS:
        raise ValidationFailed.single(
            field, "must be I (by differences) or S (by substitution)", "invalid_choice"
        )
    return kind


def _candidates(
    lines: Sequence[OriginalLine], reference: str | None, description: str | None
) -> tuple[list[OriginalLine], str, str]:
    """The lines an item or correction names, how it named them and the field that did."""
    if reference:
        found = [
            line for line in lines if line.reference and _key(line.reference) == _key(reference)
        ]
        if not found and description:
            # lines created without a reference are matched by description instead
            found = [
                line
                for line in lines
                if not line.reference and _key(line.description) == _key(description)
            ]
        return found, f"reference {reference!r}", "reference"
    found = [line for line in lines if _key(line.description) == _key(description)]
    return found, f"description {description!r}", "description"


def _corrected_figures(
    correction: LineCorrection, line: OriginalLine, path: str, errors: list[FieldError]
) -> tuple[Decimal, Decimal, Decimal] | None:
    before = len(errors)
    quantity = line.remaining
    if correction.quantity is not None:
        quantity = check_decimal(
            correction.quantity,
            f"{path}.quantity",
            errors,
            places=QUANTITY_PLACES,
            low=-MAX_QUANTITY,
            high=MAX_QUANTITY,
        )
    price = line.price
    if correction.price is not None:
        price = check_decimal(
            correction.price,
            f"{path}.price",
            errors,
            places=PRICE_PLACES,
            low=-MAX_PRICE,
            high=MAX_PRICE,
        )
    discount = line.discount
    if correction.discount is not None:
        discount = check_decimal(
            correction.discount, f"{path}.discount", errors, places=2, low=0, high=100
        )
    if len(errors) > before:
        return None
    if (quantity, price, discount) == (line.remaining, line.price, line.discount):
        errors.append(
            FieldError(path, "changes nothing: send a new quantity, price or discount", "unchanged")
        )
        return None
    return quantity, price, discount


def corrected_lines(
    lines: Sequence[OriginalLine],
    corrections: Sequence[LineCorrection],
    *,
    prefix: str = "corrections",
    whole: bool = False,
) -> list[CorrectedLine]:
    """The lines a correction names with their new figures; ``whole`` (substitution) also
    keeps every line it does not name, as it is. Each line is corrected at most once."""
    if not corrections and not whole:
        raise ValidationFailed.single(prefix, "at least one line to correct", "required")
    errors: list[FieldError] = []
    chosen: dict[int, CorrectedLine] = {}
    for index, correction in enumerate(corrections):
        path = f"{prefix}.{index}"
        if not correction.reference and not correction.description:
            errors.append(
                FieldError(
                    f"{path}.reference", "name the line by reference or description", "required"
                )
            )
            continue
        candidates, label, how = _candidates(lines, correction.reference, correction.description)
        candidates = [line for line in candidates if line.remaining != 0]
        free = [line for line in candidates if line.id not in chosen]
        if not free:
            message = (
                f"no line of the original invoice has {label}"
                if not candidates
                else f"every line with {label} is corrected already"
            )
            errors.append(FieldError(f"{path}.{how}", message, "no_match"))
            continue
        line = free[0]
        figures = _corrected_figures(correction, line, path, errors)
        if figures is not None:
            chosen[line.id] = CorrectedLine(line.id, line.remaining, *figures)
    if errors:
        raise ValidationFailed(errors)
    if not whole:
        order = {line.id: position for position, line in enumerate(lines)}
        return sorted(chosen.values(), key=lambda c: order[c.line_id])
    return [
        chosen.get(line.id)
        or CorrectedLine(line.id, line.remaining, line.remaining, line.price, line.discount)
        for line in lines
    ]


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
