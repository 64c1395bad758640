"""Plans and their limits. A free account can try everything; a professional one has no caps."""

from __future__ import annotations

from dataclasses import dataclass

PLANS = ("free", "professional")


@dataclass(frozen=True, slots=True)
class PlanLimits:
    issued_invoices_per_month: int | None
    api_keys: int | None


LIMITS: dict[str, PlanLimits] = {
    "free": PlanLimits(issued_invoices_per_month=50, api_keys=3),
    "professional": PlanLimits(issued_invoices_per_month=None, api_keys=None),
}


def limits_for(plan: str) -> PlanLimits:
    return LIMITS.get(plan, LIMITS["free"])
