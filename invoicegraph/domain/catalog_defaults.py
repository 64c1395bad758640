"""What a new account starts with so it can invoice at once (all of it editable)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class DefaultTax:
    kind: str
    name: str
    percentage: Decimal
    is_default: bool = False
    qualification: str = "S1"


DEFAULT_TAXES: tuple[DefaultTax, ...] = (
    DefaultTax("vat", "IVA (21%)", Decimal("21"), is_default=True),
    DefaultTax("vat", "IVA (10%)", Decimal("10")),
    DefaultTax("vat", "IVA (4%)", Decimal("4")),
    DefaultTax("vat", "IVA (0%)", Decimal("0")),
    DefaultTax("withholding", "IRPF (-15%)", Decimal("-15")),
    DefaultTax("withholding", "IRPF (-7%)", Decimal("-7")),
    DefaultTax("surcharge", "Recargo de equivalencia (5.2%)", Decimal("5.2")),
    DefaultTax("surcharge", "Recargo de equivalencia (1.75%)", Decimal("1.75")),
    DefaultTax("surcharge", "Recargo de equivalencia (1.4%)", Decimal("1.4")),
    DefaultTax("surcharge", "Recargo de equivalencia (0.5%)", Decimal("0.5")),
)


@dataclass(frozen=True, slots=True)
class DefaultSeries:
    code: str
    kind: str
    name: str


DEFAULT_SERIES: tuple[DefaultSeries, ...] = (
    DefaultSeries("F", "ordinary", "Facturas"),
    DefaultSeries("R", "rectificative", "Facturas rectificativas"),
)

DEFAULT_PAYMENT_METHOD = ("Bank transfer", "bank_transfer", "Bank transfer")
DEFAULT_DUE_DATE_TERM = ("30 days", 30)
