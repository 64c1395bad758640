"""What the tax agency and the database accept of an invoice's date and amounts.

- An invoice is issued today or earlier where the business is (its account's time zone): an
  issue date in the future is refused, whatever the mode. A past operation belongs in the
  operation date, not in a backdated issue date.
- With VERI*FACTU on, an issue date before 2024-10-28 (the day the agency's service opened)
  is refused: the agency rejects such records, and a record generated today for an invoice
  of 2020 is backdating.
- Every amount a record states (base, tax, ``ImporteTotal``) has at most 12 integer digits
  (``ImporteSgn12.2Type``), and the database keeps the same on every total: an invoice whose
  totals do not fit is refused as a draft, naming the figure, not at issue with a 500.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from invoicegraph.domain.errors import FieldError
from invoicegraph.domain.money import DocumentFigures

VERIFACTU_START = dt.date(2024, 10, 28)
AMOUNT_LIMIT = Decimal("1E12")  # 12 integer digits: at most 999 999 999 999.99


def issue_date_problems(
    date: dt.date, today: dt.date, *, verifactu: bool, field: str = "date"
) -> list[FieldError]:
    if date > today:
        return [
            FieldError(
                field,
                f"an invoice cannot be issued with a future date ({date.isoformat()} is after "
                f"today, {today.isoformat()}, in the account's time zone); a later operation "
                "is invoiced when it happens",
                "out_of_range",
            )
        ]
    if verifactu and date < VERIFACTU_START:
        return [
            FieldError(
                field,
                f"with VERI*FACTU on, the issue date cannot precede "
                f"{VERIFACTU_START.isoformat()}; a past operation goes in the operation date",
                "out_of_range",
            )
        ]
    return []


def amount_problems(figures: DocumentFigures, field: str = "lines") -> list[FieldError]:
    """The totals of ``figures`` that the record and the database cannot hold."""
    totals = {
        "subtotal": figures.subtotal,
        "total before taxes": figures.total_before_taxes,
        "total taxes": figures.total_taxes,
        "total with taxes": figures.total_with_taxes,
        "total before withholding": figures.total_before_taxes + figures.total_vat,
    }
    totals.update(
        {f"{row.kind} {row.percentage.normalize():f}% base": row.base for row in figures.breakdown}
    )
    too_big = [name for name, value in totals.items() if abs(value) >= AMOUNT_LIMIT]
    if not too_big:
        return []
    return [
        FieldError(
            field,
            f"the invoice's {', '.join(too_big)} exceed 999999999999.99 in absolute value "
            "(12 integer digits: what a VERI*FACTU record and the database hold)",
            "out_of_range",
        )
    ]
