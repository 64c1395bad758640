"""Documents of an invoice: its printable view, its PDF (rendered once for issued invoices
and kept, since they never change), and its structured e-invoices."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db.models import Account, Invoice, InvoiceDocumentFile, PaymentMethod, Series
from invoicegraph.domain.errors import Conflict, ValidationFailed
from invoicegraph.domain.money import stored_breakdown
from invoicegraph.pdf.document import (
    DocumentLine,
    DocumentLineTax,
    InvoiceDocument,
    Party,
    Rectification,
    TaxBreakdownRow,
    TemplateOptions,
    Text,
    VerifactuMark,
)
from invoicegraph.services.invoices.loading import load_invoice
from invoicegraph.services.refs import Ref

PDF_MEDIA_TYPE = "application/pdf"


def _breakdown(invoice: Invoice) -> tuple[TaxBreakdownRow, ...]:
    """The rows every document states: each amount rounded once on the row's summed base."""
    return tuple(
        TaxBreakdownRow(
            kind=row.kind,
            name=row.name,
            percentage=row.percentage,
            base=row.base,
            amount=row.amount,
            exemption_code=row.codes.exemption_code,
            qualification=row.codes.qualification,
            paired_rate=row.paired_rate,
        )
        for row in stored_breakdown(invoice.lines)
    )


def document_for(
    account: Account,
    invoice: Invoice,
    *,
    original: Invoice | None = None,
    qr_url: str | None = None,
    series_code: str | None = None,
    payment_iban: str | None = None,
    payment_kind: str | None = None,
) -> InvoiceDocument:
    """The printable view of ``invoice`` (loaded with lines and taxes)."""
    recipient = None
    if invoice.recipient_name is not None:
        recipient = Party(
            name=invoice.recipient_name,
            tax_id=invoice.recipient_tax_id,
            address=invoice.recipient_address,
            city=invoice.recipient_city,
            province=invoice.recipient_province,
            postal_code=invoice.recipient_postal_code,
            country=invoice.recipient_country or "ES",
        )
    options = invoice.template_options or {}
    rectification = None
    if invoice.is_rectificative and original is not None:
        rectification = Rectification(
            original_number=original.full_number or "",
            original_date=original.date,
            cause=invoice.rectification_cause or "R1",
            reason=invoice.rectification_reason,
            kind=invoice.rectification_kind or "I",
        )
    return InvoiceDocument(
        uuid=str(invoice.uuid),
        status=invoice.status,
        is_rectificative=invoice.is_rectificative,
        is_simplified=invoice.is_simplified,
        series_code=series_code,
        number=invoice.number,
        full_number=invoice.full_number,
        name=invoice.name,
        issue_date=invoice.date,
        operation_date=invoice.operation_date,
        due_date=invoice.due_date,
        issuer=Party(
            name=invoice.issuer_name,
            tax_id=invoice.issuer_tax_id,
            address=invoice.issuer_address,
            city=invoice.issuer_city,
            province=invoice.issuer_province,
            postal_code=invoice.issuer_postal_code,
            country=invoice.issuer_country,
            email=account.email,
        ),
        recipient=recipient,
        currency=invoice.currency,
        exchange_rate=invoice.exchange_rate,
        lang=invoice.lang,
        date_format=invoice.date_format,
        money_format=invoice.money_format,
        template_id=invoice.template_id,
        template_options=TemplateOptions(
            use_company_color=bool(options.get("use_company_color", False)),
            include_texts_before=bool(options.get("include_texts_before", True)),
            include_texts_after=bool(options.get("include_texts_after", True)),
        ),
        brand_color=account.brand_color,
        lines=tuple(
            DocumentLine(
                position=line.position,
                description=line.description,
                quantity=line.quantity,
                price=line.price,
                discount=line.discount,
                subtotal=line.subtotal,
                total_discount=line.total_discount,
                total_before_taxes=line.total_before_taxes,
                total_taxes=line.total_taxes,
                total_with_taxes=line.total_with_taxes,
                taxes=tuple(
                    DocumentLineTax(
                        kind=tax.kind,
                        name=tax.name,
                        percentage=tax.percentage,
                        amount=tax.total,
                        exemption_code=tax.exemption_code,
                        qualification=tax.qualification,
                    )
                    for tax in line.taxes
                ),
                sku=line.sku,
                reference=line.reference,
            )
            for line in invoice.lines
        ),
        breakdown=_breakdown(invoice),
        subtotal=invoice.subtotal,
        total_discount=invoice.total_discount,
        total_before_taxes=invoice.total_before_taxes,
        total_taxes=invoice.total_taxes,
        total_with_taxes=invoice.total_with_taxes,
        total_vat=invoice.total_vat,
        total_withholding=invoice.total_withholding,
        intro_texts=tuple(Text(t["label"], t["text"]) for t in invoice.intro_texts or []),
        close_texts=tuple(Text(t["label"], t["text"]) for t in invoice.close_texts or []),
        payment_method=invoice.payment_method_text,
        payment_iban=payment_iban,
        payment_kind=payment_kind,
        external_reference=invoice.external_reference,
        rectification=rectification,
        verifactu=VerifactuMark(qr_url=qr_url) if qr_url else None,
        payed_at=invoice.payed_at,
    )


async def load_document(
    session: AsyncSession, account: Account, invoice: Invoice
) -> InvoiceDocument:
    original = None
    if invoice.rectifies_invoice_id is not None:
        original = await load_invoice(session, account, invoice.rectifies_invoice_id)
    qr_url = None
    if account.verifactu_enabled and invoice.status != "draft":
        from invoicegraph.services.verifactu.state import e_invoicing_states

        state = (await e_invoicing_states(session, account, [invoice.id])).get(invoice.id)
        qr_url = state.external_link if state is not None else None
    series_code = None
    if invoice.series_id is not None:
        series_code = await session.scalar(
            select(Series.code).where(
                Series.account_id == account.id, Series.id == invoice.series_id
            )
        )
    payment_kind, payment_iban = None, None
    if invoice.payment_method_id is not None:
        method = (
            await session.execute(
                select(PaymentMethod.kind, PaymentMethod.iban).where(
                    PaymentMethod.account_id == account.id,
                    PaymentMethod.id == invoice.payment_method_id,
                )
            )
        ).first()
        if method is not None:
            payment_kind = method.kind
            if method.kind == "bank_transfer":
                # the method's own account, else the issuer's (account settings)
                payment_iban = method.iban or getattr(account, "iban", None)
    return document_for(
        account,
        invoice,
        original=original,
        qr_url=qr_url,
        series_code=series_code,
        payment_iban=payment_iban,
        payment_kind=payment_kind,
    )


async def invoice_pdf(
    session: AsyncSession, account: Account, ref: Ref, *, allow_draft: bool
) -> bytes:
    """The invoice's PDF. Issued (or annulled) invoices are rendered once and served from
    storage afterwards; a draft renders a preview (marked as such) that is never stored."""
    from invoicegraph.pdf.pool import render_pdf

    async with session.begin():
        invoice = await load_invoice(session, account, ref)
        if invoice.status == "draft" and not allow_draft:
            raise Conflict("a draft has no PDF yet; issue it first", ["status"])
        if invoice.status != "draft":
            stored = await session.scalar(
                select(InvoiceDocumentFile.content).where(
                    InvoiceDocumentFile.account_id == account.id,
                    InvoiceDocumentFile.invoice_id == invoice.id,
                    InvoiceDocumentFile.format == "pdf",
                )
            )
            if stored is not None:
                return bytes(stored)
        document = await load_document(session, account, invoice)
        invoice_id, status = invoice.id, invoice.status
    content = await render_pdf(document)
    if status != "draft":
        await _store(session, account, invoice_id, "pdf", PDF_MEDIA_TYPE, content)
    return content


async def _store(
    session: AsyncSession,
    account: Account,
    invoice_id: int,
    fmt: str,
    media_type: str,
    content: bytes,
) -> None:
    """Keep a rendered document. Two concurrent first renders race benignly: the unique index
    keeps one, and both callers already hold identical bytes."""
    from sqlalchemy.dialects import postgresql, sqlite

    async with session.begin():
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await session.execute(
            insert(InvoiceDocumentFile)
            .values(
                account_id=account.id,
                invoice_id=invoice_id,
                format=fmt,
                media_type=media_type,
                content=content,
            )
            .on_conflict_do_nothing(index_elements=["account_id", "invoice_id", "format"])
        )


EINVOICE_FORMATS = ("facturx", "ubl", "facturae", "facturx-pdf")


async def invoice_einvoice(
    session: AsyncSession, account: Account, ref: Ref, fmt: str
) -> tuple[bytes, str]:
    """A structured e-invoice of an issued invoice: the XML of ``facturx`` (EN 16931 CII),
    ``ubl`` (PEPPOL BIS 3) or ``facturae`` (3.2.2, unsigned), or ``facturx-pdf``: the PDF/A-3
    with the CII XML embedded. Rendered once and kept, like the PDF."""
    import asyncio

    from invoicegraph.pdf.einvoice import EInvoiceError, embed_facturx, render_einvoice
    from invoicegraph.pdf.pool import render_pdf

    if fmt not in EINVOICE_FORMATS:
        raise ValidationFailed.single(
            "format", f"must be one of {', '.join(EINVOICE_FORMATS)}", "invalid_choice"
        )
    async with session.begin():
        invoice = await load_invoice(session, account, ref)
        if invoice.status == "draft":
            raise Conflict("a draft has no e-invoice; issue it first", ["status"])
        stored = await session.execute(
            select(InvoiceDocumentFile.content, InvoiceDocumentFile.media_type).where(
                InvoiceDocumentFile.account_id == account.id,
                InvoiceDocumentFile.invoice_id == invoice.id,
                InvoiceDocumentFile.format == fmt,
            )
        )
        row = stored.first()
        if row is not None:
            return bytes(row[0]), str(row[1])
        document = await load_document(session, account, invoice)
        invoice_id = invoice.id
    xml_format = "facturx" if fmt == "facturx-pdf" else fmt
    try:
        content, media_type = render_einvoice(document, xml_format)  # type: ignore[arg-type]
        if fmt == "facturx-pdf":
            base = await render_pdf(document, variant="pdf/a-3b")
            content = await asyncio.to_thread(embed_facturx, base, content, lang=document.lang)
            media_type = PDF_MEDIA_TYPE
    except EInvoiceError as exc:
        raise ValidationFailed.single("format", f"cannot be expressed as {fmt}: {exc}") from exc
    await _store(session, account, invoice_id, fmt, media_type, content)
    return content, media_type
