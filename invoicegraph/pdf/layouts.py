"""The print templates an invoice can choose (the /v1 dialect's ``template.id``).

Kept as plain data apart from the renderer so that the ``/info`` endpoint and input validation can
list and check template ids without importing weasyprint.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InvoiceTemplate:
    """One print template: its public id, its short name (file stem) and a display title."""

    id: int
    name: str
    title: str


#: The templates, in id order. ``name`` names ``templates/<name>.html.j2`` and
#: ``assets/css/<name>.css``.
INVOICE_TEMPLATES: tuple[InvoiceTemplate, ...] = (
    InvoiceTemplate(id=1, name="classic", title="Classic"),
    InvoiceTemplate(id=2, name="modern", title="Modern"),
    InvoiceTemplate(id=3, name="minimal", title="Minimal"),
)

_BY_ID = {template.id: template for template in INVOICE_TEMPLATES}


def template_by_id(template_id: int) -> InvoiceTemplate:
    """The template with ``template_id``; an unknown id is a bug upstream, so it raises."""
    try:
        return _BY_ID[template_id]
    except KeyError:
        raise ValueError(f"unknown invoice template id {template_id!r}") from None
