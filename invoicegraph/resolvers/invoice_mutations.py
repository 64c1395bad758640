"""Invoice mutations: one service call each; the resolver only translates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db import models
from invoicegraph.domain.rectification import LineCorrection, RectificationItem
from invoicegraph.resolvers.common import maybe, maybe_ref, mutate, to_ref
from invoicegraph.schema.arguments import Id, described
from invoicegraph.schema.context import Info
from invoicegraph.schema.inputs import (
    InvoiceInput,
    IssueInput,
    LineCorrectionInput,
    LineInput,
    PartialRectifyInput,
    RectifyInput,
    TextInput,
)
from invoicegraph.schema.payloads import DeletePayload, InvoicePayload
from invoicegraph.services import invoices
from invoicegraph.services.invoices import InvoiceData, IssueOptions, RectifyOptions, TextData
from invoicegraph.services.lines import LineData
from invoicegraph.services.unset import UNSET


def line_data(lines: list[LineInput], prefix: str = "lines") -> list[LineData]:
    return [
        LineData(
            product=to_ref(line.product_id, f"{prefix}.{i}.productId", "Product")
            if line.product_id is not None
            else None,
            description=line.description,
            quantity=line.quantity,
            price=line.price,
            discount=line.discount,
            taxes=[to_ref(t, f"{prefix}.{i}.taxIds", "Tax") for t in line.tax_ids]
            if line.tax_ids is not None
            else None,
            vat_rate=line.vat_rate,
            reference=line.reference,
            sku=line.sku,
        )
        for i, line in enumerate(lines)
    ]


def texts(value: list[TextInput] | Any | None) -> Any:
    value = maybe(value)
    if value is UNSET:
        return UNSET
    return [TextData(label=t.label, text=t.text) for t in value or []]


def invoice_data(data: InvoiceInput) -> InvoiceData:
    template = maybe(data.template)
    lines = maybe(data.lines)
    return InvoiceData(
        name=maybe(data.name),
        client=maybe_ref(data.client_id, "clientId", "Client"),
        date=maybe(data.date) if data.date is not None else UNSET,
        operation_date=maybe(data.operation_date),
        due_date=maybe(data.due_date),
        due_date_term=maybe_ref(data.due_date_term_id, "dueDateTermId", "DueDateTerm"),
        payment_method=maybe_ref(data.payment_method_id, "paymentMethodId", "PaymentMethod"),
        series=maybe_ref(data.series_id, "seriesId", "Series"),
        currency=maybe(data.currency) if data.currency is not None else UNSET,
        exchange_rate=maybe(data.exchange_rate) if data.exchange_rate is not None else UNSET,
        lang=maybe(data.lang) if data.lang is not None else UNSET,
        date_format=maybe(data.date_format) if data.date_format is not None else UNSET,
        money_format=maybe(data.money_format) if data.money_format is not None else UNSET,
        template_id=template.id if template not in (UNSET, None) else UNSET,
        template_options={
            "use_company_color": template.use_company_color,
            "include_texts_before": template.include_texts_before,
            "include_texts_after": template.include_texts_after,
        }
        if template not in (UNSET, None)
        else UNSET,
        intro_texts=texts(data.intro_texts),
        close_texts=texts(data.close_texts),
        notes=maybe(data.notes),
        external_reference=maybe(data.external_reference),
        is_simplified=maybe(data.is_simplified) if data.is_simplified is not None else UNSET,
        lines=UNSET if lines is UNSET else line_data(lines or []),
        payed_at=maybe(data.payed_at),
        reload_issued_by=data.reload_issuer,
    )


def line_corrections(data: list[LineCorrectionInput] | None) -> list[LineCorrection] | None:
    if data is None:
        return None
    return [
        LineCorrection(
            reference=item.reference,
            description=item.description,
            quantity=item.quantity,
            price=item.price,
            discount=item.discount,
        )
        for item in data
    ]


def issue_options(data: IssueInput | None) -> IssueOptions:
    if data is None:
        return IssueOptions()
    return IssueOptions(
        series=to_ref(data.series_id, "seriesId", "Series") if data.series_id else None,
        date=data.date,
        as_new=data.as_new_invoice,
        delete_proforma=data.delete_proforma,
    )


async def _invoice(info: Info, work: Any) -> InvoicePayload:
    invoice, errors = await mutate(info, work)
    return InvoicePayload(invoice=invoice, errors=errors)  # type: ignore[arg-type]


@strawberry.type
class InvoiceMutations:
    @strawberry.mutation(description="Create a draft (proforma) invoice.")
    async def create_invoice(
        self, info: Info, input: Annotated[InvoiceInput, described("The invoice's fields.")]
    ) -> InvoicePayload:
        return await _invoice(info, lambda s, a: invoices.create_draft(s, a, invoice_data(input)))

    @strawberry.mutation(
        description="Change an invoice. Issued invoices only take fields without fiscal meaning."
    )
    async def update_invoice(
        self, info: Info, id: Id, input: Annotated[InvoiceInput, described("The invoice's fields.")]
    ) -> InvoicePayload:
        async def work(session: AsyncSession, account: models.Account) -> models.Invoice:
            ref = to_ref(id, "id", "Invoice")
            return await invoices.update_invoice(session, account, ref, invoice_data(input))

        return await _invoice(info, work)

    @strawberry.mutation(
        description="Delete a draft, or the last issued invoice of a series (VERI*FACTU off)."
    )
    async def delete_invoice(self, info: Info, id: Id) -> DeletePayload:
        async def work(session: AsyncSession, account: models.Account) -> strawberry.ID:
            await invoices.delete_invoice(session, account, to_ref(id, "id", "Invoice"))
            return id

        deleted, errors = await mutate(info, work)
        return DeletePayload(deleted_id=deleted, errors=errors)

    @strawberry.mutation(description="Issue a draft: give it the next number of its series.")
    async def issue_invoice(
        self,
        info: Info,
        id: Id,
        input: Annotated[
            IssueInput | None, described("How to issue it; the defaults when omitted.")
        ] = None,
    ) -> InvoicePayload:
        async def work(session: AsyncSession, account: models.Account) -> models.Invoice:
            ref = to_ref(id, "id", "Invoice")
            # the payload's lines, when asked for, come from the lines loader
            return await invoices.issue_invoice(
                session, account, ref, issue_options(input), with_lines=False
            )

        return await _invoice(info, work)

    @strawberry.mutation(
        description="Rectificative invoice negating every line of the original, or, with "
        "`corrections`, stating corrected lines (by differences or by substitution)."
    )
    async def correct_invoice(
        self,
        info: Info,
        id: Id,
        input: Annotated[
            RectifyInput | None, described("Why; R1 and a draft when omitted.")
        ] = None,
    ) -> InvoicePayload:
        data = input or RectifyInput()

        async def work(session: AsyncSession, account: models.Account) -> models.Invoice:
            options = RectifyOptions(
                items=None,
                corrections=line_corrections(data.corrections),
                kind=data.rectification_type.value,
                cause=data.cause.value if data.cause else None,
                reason=data.reason,
                issue=issue_options(data.issue) if data.issue is not None else None,
            )
            return await invoices.rectify_invoice(
                session, account, to_ref(id, "id", "Invoice"), options
            )

        return await _invoice(info, work)

    @strawberry.mutation(
        description="Partial rectificative: only the items given (positive; the server negates)."
    )
    async def rectify_invoice(
        self,
        info: Info,
        id: Id,
        input: Annotated[PartialRectifyInput, described("Why, and what to take back.")],
    ) -> InvoicePayload:
        async def work(session: AsyncSession, account: models.Account) -> models.Invoice:
            options = RectifyOptions(
                items=[
                    RectificationItem(
                        quantity=item.quantity,
                        reference=item.reference,
                        description=item.description,
                    )
                    for item in input.items
                ],
                corrections=line_corrections(input.corrections),
                kind=input.rectification_type.value,
                cause=input.cause.value if input.cause else None,
                reason=input.reason,
                issue=issue_options(input.issue) if input.issue is not None else None,
            )
            return await invoices.rectify_invoice(
                session, account, to_ref(id, "id", "Invoice"), options
            )

        return await _invoice(info, work)

    @strawberry.mutation(description="Record the payment date of an issued invoice.")
    async def mark_invoice_paid(
        self,
        info: Info,
        id: Id,
        date: Annotated[dt.date | None, described("The payment date; today when omitted.")] = None,
    ) -> InvoicePayload:
        return await _invoice(
            info, lambda s, a: invoices.mark_paid(s, a, to_ref(id, "id", "Invoice"), date)
        )

    @strawberry.mutation(
        description="Annul an invoice issued by mistake: it stays, marked annulled "
        "(with VERI*FACTU on, a cancellation record joins the chain)."
    )
    async def annul_invoice(
        self,
        info: Info,
        id: Id,
        reason: Annotated[str | None, described("Why it is annulled.")] = None,
    ) -> InvoicePayload:
        return await _invoice(
            info, lambda s, a: invoices.annul_invoice(s, a, to_ref(id, "id", "Invoice"), reason)
        )

    @strawberry.mutation(description="Remove the payment date of an issued invoice.")
    async def unmark_invoice_paid(self, info: Info, id: Id) -> InvoicePayload:
        return await _invoice(
            info, lambda s, a: invoices.unmark_paid(s, a, to_ref(id, "id", "Invoice"))
        )
