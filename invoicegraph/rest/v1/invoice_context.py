"""What an invoice's answer needs beyond its own row: its series' code (``serie.name``) and its
e-invoicing state (``e_invoicing``). Both are fetched once per answer, for a whole list page
at a time, never once per invoice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from invoicegraph.db.models import Invoice
from invoicegraph.rest.endpoint import Call
from invoicegraph.services.catalog import list_series
from invoicegraph.services.pagination import MAX_PAGE_SIZE, PageRequest
from invoicegraph.services.verifactu.state import e_invoicing_states


async def series_codes(call: Call, invoices: Sequence[Invoice]) -> dict[int, str]:
    """Code of every series the invoices name. An account has a handful of series, so one
    page of them (rarely two) answers a whole list."""
    wanted = {invoice.series_id for invoice in invoices if invoice.series_id is not None}
    codes: dict[int, str] = {}
    offset = 0
    async with call.session() as session:
        while wanted - codes.keys():
            page = await list_series(
                session,
                call.auth.account,
                PageRequest(limit=MAX_PAGE_SIZE, offset=offset, descending=False, with_total=False),
            )
            codes.update({series.id: series.code for series in page.items})
            if not page.has_next:
                break
            offset += MAX_PAGE_SIZE
    return codes


async def e_invoicing(call: Call, invoices: Sequence[Invoice]) -> dict[int, dict[str, Any]]:
    """The ``e_invoicing`` block of each issued invoice that has one (one call per answer)."""
    issued = [invoice.id for invoice in invoices if invoice.status != "draft"]
    if not issued:
        return {}
    async with call.session() as session:
        states = await e_invoicing_states(session, call.auth.account, issued)
    return {invoice_id: state.as_block() for invoice_id, state in states.items()}
