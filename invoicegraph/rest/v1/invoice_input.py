"""The invoice bodies of the Orzame dialect (create, PATCH) as the services' input. Names and
shapes only: which values are valid is the models' (types, limits) and the services' (rules)."""

from __future__ import annotations

from invoicegraph.rest.v1.currency import currency_in
from invoicegraph.rest.v1.models import V1InvoiceCreate, V1InvoiceUpdate
from invoicegraph.services.invoices import InvoiceData, TextData
from invoicegraph.services.lines import LineData
from invoicegraph.services.unset import UNSET, is_set

# the dialect's name → InvoiceData's
RENAMED = {
    "contact_id": "client",
    "due_date_id": "due_date_term",
    "payment_method_id": "payment_method",
}
LINE_NAMES = {"product_id": "product"}
READ_HERE = ("currency", "reload_issued_by", "intro_texts", "close_texts", "lines", "template")


def invoice_data(body: V1InvoiceCreate | V1InvoiceUpdate) -> InvoiceData:
    """Every field the client sent, under the services' names; ``UNSET`` for the others."""
    data = InvoiceData(**body.sent(RENAMED, but=READ_HERE))
    currency = body.maybe("currency")
    if is_set(currency):
        # the pattern admits a symbol of the table or three letters: always a code here
        data.currency = currency_in(currency) or currency
    data.reload_issued_by = body.maybe("reload_issued_by") is True
    for name in ("intro_texts", "close_texts"):
        texts = body.maybe(name)
        if is_set(texts):
            setattr(data, name, [TextData(label=t.label, text=t.text) for t in texts])
    lines = body.maybe("lines")
    data.lines = [LineData(**line.sent(LINE_NAMES)) for line in lines] if is_set(lines) else UNSET
    if body.template is not None:
        data.template_id = body.template.id
        data.template_options = body.template.options.model_dump()
    return data
