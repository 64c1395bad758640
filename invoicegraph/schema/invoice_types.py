"""GraphQL types of invoices. Their roots are the ORM rows themselves: plain fields resolve
by attribute (no per-field resolver), related objects through the request's loaders."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from invoicegraph.db import models
from invoicegraph.domain.money import EXCHANGE_RATE_MEANING, stored_breakdown
from invoicegraph.resolvers.loaders import LineRecord, LineTaxRecord, loaded_relationship
from invoicegraph.schema import line_docs as docs
from invoicegraph.schema.context import Info
from invoicegraph.schema.enums import RectifiedStatus, TaxKind
from invoicegraph.schema.execution import fast_resolver, peek
from invoicegraph.schema.node import Node
from invoicegraph.schema.plain_steps import FALLBACK

if TYPE_CHECKING:
    from invoicegraph.schema.catalog_types import Client, Series


def _d(description: str) -> Any:
    return strawberry.field(description=description)


@strawberry.enum(description="Where an invoice stands.")
class InvoiceStatus(enum.Enum):
    DRAFT = strawberry.enum_value("draft", description="Editable; no number yet.")
    ISSUED = strawberry.enum_value("issued", description="Numbered; fiscal fields are frozen.")
    ANNULLED = strawberry.enum_value(
        "annulled", description="Issued by mistake and annulled; it keeps its number."
    )


@strawberry.enum(description="The /v1 dialect's type_id: 1 ordinary, 2 proforma, 3 rectificative.")
class InvoiceKind(enum.Enum):
    ORDINARY = strawberry.enum_value("ordinary", description="An issued ordinary invoice.")
    PROFORMA = strawberry.enum_value("proforma", description="A draft, not issued yet.")
    RECTIFICATIVE = strawberry.enum_value(
        "rectificative", description="An invoice that corrects an issued one."
    )


@strawberry.enum(description="Legal cause of a rectification (VERI*FACTU TipoFactura R1–R5).")
class RectificationCause(enum.Enum):
    R1 = strawberry.enum_value("R1", description="Error in law or article 80.1, 80.2, 80.6.")
    R2 = strawberry.enum_value("R2", description="Article 80.3 (insolvency proceedings).")
    R3 = strawberry.enum_value("R3", description="Article 80.4 (bad debts).")
    R4 = strawberry.enum_value("R4", description="Any other cause.")
    R5 = strawberry.enum_value("R5", description="Rectification of a simplified invoice.")


@strawberry.enum(description="How a rectificative corrects (VERI*FACTU TipoRectificativa).")
class RectificationType(enum.Enum):
    DIFFERENCES = strawberry.enum_value(
        "I", description="By differences: its amounts are what changes (the default)."
    )
    SUBSTITUTION = strawberry.enum_value(
        "S", description="By substitution: it states the whole invoice and replaces it."
    )


@strawberry.type(description="Issuer or recipient as printed on the invoice.")
class Party:
    name: str | None = _d("Legal name.")
    tax_id: str | None = _d("Tax id.")
    address: str | None = _d("Street address.")
    city: str | None = _d("City.")
    province: str | None = _d("Province or region.")
    postal_code: str | None = _d("Postal code.")
    country: str | None = _d("ISO 3166-1 alpha-2 country code.")


def _party(invoice: models.Invoice, prefix: str) -> Party:
    return Party(
        name=getattr(invoice, prefix + "name"),
        tax_id=getattr(invoice, prefix + "tax_id"),
        address=getattr(invoice, prefix + "address"),
        city=getattr(invoice, prefix + "city"),
        province=getattr(invoice, prefix + "province"),
        postal_code=getattr(invoice, prefix + "postal_code"),
        country=getattr(invoice, prefix + "country"),
    )


@strawberry.type(description="A tax version applied to a line, as it was when applied.")
class LineTax:
    tax_id: int | None = strawberry.field(description="The catalogue tax's integer id.")
    kind: TaxKind = _d("The tax's kind.")
    name: str = _d("The name printed.")
    percentage: Decimal = _d("The rate applied (negative for IRPF).")
    base: Decimal = _d("The line's base it applies to.")
    total: Decimal = strawberry.field(description="The tax amount (negative for IRPF).")
    tax_version_uuid: str | None = strawberry.field(
        name="version", description="The tax version's UUID."
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.InvoiceLineTax | models.QuoteLineTax | LineTaxRecord)


@strawberry.type(description="A line of an invoice.")
class InvoiceLine:
    uuid: UUID = _d("The line's UUID.")
    position: int = _d(docs.POSITION)
    product_id: int | None = _d(docs.PRODUCT_ID)
    sku: str | None = _d(docs.SKU)
    reference: str | None = _d(docs.REFERENCE)
    description: str = _d(docs.DESCRIPTION)
    quantity: Decimal = _d(docs.QUANTITY)
    price: Decimal = _d(docs.PRICE)
    discount: Decimal = _d(docs.DISCOUNT)
    subtotal: Decimal = _d(docs.SUBTOTAL)
    total_discount: Decimal = _d(docs.TOTAL_DISCOUNT)
    total_before_taxes: Decimal = _d(docs.TOTAL_BEFORE_TAXES)
    total_taxes: Decimal = _d(docs.TOTAL_TAXES)
    total_with_taxes: Decimal = _d(docs.TOTAL_WITH_TAXES)
    taxes: list[LineTax] = _d(docs.TAXES)
    rectifies_line_id: int | None = strawberry.field(
        description="On a rectificative line: the original line (integer id) it negates."
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.InvoiceLine | LineRecord)


@strawberry.type(description="Base and amount per tax kind and rate.")
class TaxBreakdown:
    kind: TaxKind = _d("The tax's kind.")
    name: str = _d("The name printed.")
    percentage: Decimal = _d("The rate.")
    base: Decimal = _d("Sum of the bases taxed at this rate.")
    amount: Decimal = _d("The tax on that base, rounded once (negative for IRPF).")


@strawberry.type(description="A label and a text printed before or after the lines.")
class TextBlock:
    label: str = _d("The heading printed above the text.")
    text: str = strawberry.field(description="Markdown.")


@strawberry.type(description="The PDF template of an invoice and its options.")
class Template:
    id: int = _d("The template's number.")
    use_company_color: bool = _d("Headings in the account's brand colour.")
    include_texts_before: bool = _d("Whether the intro texts are printed.")
    include_texts_after: bool = _d("Whether the closing texts are printed.")


@strawberry.type(name="EInvoicing", description="Submission to a government e-invoicing system.")
class EInvoicing:
    system: str = _d("The system, e.g. verifactu.")
    country: str = _d("Its country, e.g. ES.")
    processed: bool = _d("Whether the tax agency has answered.")
    on_error: bool = _d("Whether the agency refused it or it could not be sent.")
    external_link: str | None = _d("The agency's check page (the QR code's address).")
    status: str | None = _d("The agency's status of the record, as it answered.")
    code: str | None = _d("The agency's error code, if any.")
    message: str | None = _d("The agency's error message, if any.")


def breakdown_of(lines: list[Any]) -> list[TaxBreakdown]:
    """The document's rows: each amount computed once on the row's summed base."""
    return [
        TaxBreakdown(
            kind=row.kind,
            name=row.name,
            percentage=row.percentage,
            base=row.base,
            amount=row.amount,
        )
        for row in stored_breakdown(lines)
    ]


async def lines_of(root: Any, info: Info) -> list[Any]:
    preloaded = loaded_relationship(root, "lines")
    if preloaded is not None:
        return list(preloaded)
    prefetched = info.context.loaders.page_lines(root)
    if prefetched is not None:
        return prefetched
    if isinstance(root, models.Quote):
        return await info.context.loaders.quote_lines_by_quote_id.load(root.id)
    return await info.context.loaders.lines_by_invoice_id.load(root.id)


@fast_resolver("Invoice", "lines")
def lines_at_hand(root: Any, context: Any) -> Any:
    """The lines when they are loaded already (eagerly, or primed by a page's prefetch)."""
    preloaded = loaded_relationship(root, "lines")
    if preloaded is not None:
        return preloaded
    prefetched = context.loaders.page_lines(root)
    if prefetched is not None:
        return prefetched
    return peek(context.loaders.lines_by_invoice_id, root.id)


@fast_resolver("Invoice", "taxBreakdown")
def breakdown_at_hand(root: Any, context: Any) -> Any:
    lines = lines_at_hand(root, context)
    return FALLBACK if lines is FALLBACK else breakdown_of(lines)


@fast_resolver("Invoice", "client")
def client_at_hand(root: Any, context: Any) -> Any:
    return None if root.client_id is None else peek(context.loaders.clients_by_id, root.client_id)


@fast_resolver("Invoice", "series")
def series_at_hand(root: Any, context: Any) -> Any:
    return None if root.series_id is None else peek(context.loaders.series_by_id, root.series_id)


@strawberry.enum(description="A file an invoice can be rendered as.")
class DocumentFormat(enum.Enum):
    PDF = strawberry.enum_value("pdf", description="The printable PDF (a draft: a preview).")
    FACTURX = strawberry.enum_value("facturx", description="Factur-X / ZUGFeRD CII XML.")
    UBL = strawberry.enum_value("ubl", description="UBL 2.1 invoice XML (EN 16931).")
    FACTURAE = strawberry.enum_value("facturae", description="Facturae 3.2.2 XML (Spain).")
    FACTURX_PDF = strawberry.enum_value(
        "facturx-pdf", description="PDF/A-3 with the Factur-X XML embedded."
    )


@strawberry.type(description="A rendered document of an invoice.")
class RenderedDocument:
    format: DocumentFormat = _d("Its format.")
    media_type: str = _d("Its media type, e.g. application/pdf.")
    filename: str = _d("A file name for it.")
    content_base64: str = strawberry.field(description="The file, base64-encoded.")


@strawberry.type(description="An invoice: a draft (proforma) until issued, then numbered.")
class Invoice(Node):
    uuid: UUID = _d("The invoice's UUID (accepted wherever an id is).")

    @strawberry.field(description="The integer id (the /v1 dialect's id).")
    def legacy_id(self) -> int:
        root: Any = self
        return int(root.id)

    status: InvoiceStatus = _d("Draft, issued or annulled.")
    is_rectificative: bool = _d("Whether it corrects another invoice.")
    is_simplified: bool = _d("A simplified invoice (ticket).")
    name: str | None = _d("A title of your own (not printed).")
    number: int | None = _d("Its number in the series; null on a draft.")
    full_number: str | None = strawberry.field(description="Series and number as printed.")
    date: dt.date = _d("The invoice date.")
    operation_date: dt.date | None = _d("When the goods or services were supplied.")
    due_date: dt.date | None = _d("When payment is due.")
    payment_method_text: str | None = strawberry.field(
        name="paymentMethod", description="How to pay, as printed."
    )
    currency: str = _d("ISO 4217 currency code.")
    exchange_rate: Decimal = _d(EXCHANGE_RATE_MEANING)
    lang: str = _d("Language of the PDF.")
    date_format: str = _d("How the PDF prints dates.")
    money_format: str = _d("How the PDF prints amounts.")
    notes: str | None = strawberry.field(description="Private notes, never printed.")
    external_reference: str | None = _d("Your own id of the invoice.")
    subtotal: Decimal = _d(docs.DOC_SUBTOTAL)
    total_discount: Decimal = _d(docs.DOC_DISCOUNT)
    total_before_taxes: Decimal = _d(docs.DOC_BASE)
    total_taxes: Decimal = _d(docs.DOC_TAXES)
    total_with_taxes: Decimal = _d(docs.DOC_TOTAL)
    total_vat: Decimal = strawberry.field(description="IVA and equivalence surcharge.")
    total_withholding: Decimal = strawberry.field(description="IRPF withheld (negative).")
    payed_at: dt.date | None = _d("The payment date; null while unpaid.")
    rectification_cause: RectificationCause | None = _d("On a rectificative: its legal cause.")
    rectification_reason: str | None = _d("On a rectificative: the reason printed.")
    rectification_kind: RectificationType | None = strawberry.field(
        name="rectificationType", description="On a rectificative: by differences or substitution."
    )
    rectified_status: RectifiedStatus = _d("How much rectificatives have undone.")
    issued_at: dt.datetime | None = _d("When it was issued.")
    annulled_at: dt.datetime | None = _d("When it was annulled.")
    annulment_reason: str | None = _d("Why it was annulled.")
    created_at: dt.datetime = _d("When it was created.")
    updated_at: dt.datetime = _d("When it last changed.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Invoice)

    @strawberry.field(description="Ordinary, proforma (a draft) or rectificative.")
    def kind(self) -> InvoiceKind:
        root: Any = self
        if root.status == "draft":
            return InvoiceKind.PROFORMA
        return InvoiceKind.RECTIFICATIVE if root.is_rectificative else InvoiceKind.ORDINARY

    @strawberry.field(description="Whether it has a payment date.")
    def is_paid(self) -> bool:
        root: Any = self
        return root.payed_at is not None

    @strawberry.field(description="The issuer as printed (frozen when issued).")
    def issuer(self) -> Party:
        return _party(self, "issuer_")  # type: ignore[arg-type]

    @strawberry.field(description="The recipient as printed; null without a client.")
    def recipient(self) -> Party | None:
        root: Any = self
        return None if root.recipient_name is None else _party(root, "recipient_")

    @strawberry.field(description="The PDF template and its options.")
    def template(self) -> Template:
        root: Any = self
        options = root.template_options or {}
        return Template(
            id=root.template_id,
            use_company_color=bool(options.get("use_company_color", False)),
            include_texts_before=bool(options.get("include_texts_before", True)),
            include_texts_after=bool(options.get("include_texts_after", True)),
        )

    @strawberry.field(description="Texts printed before the lines.")
    def intro_texts(self) -> list[TextBlock]:
        root: Any = self
        return [TextBlock(label=t["label"], text=t["text"]) for t in root.intro_texts or []]

    @strawberry.field(description="Texts printed after the lines.")
    def close_texts(self) -> list[TextBlock]:
        root: Any = self
        return [TextBlock(label=t["label"], text=t["text"]) for t in root.close_texts or []]

    @strawberry.field(description="The lines, in order.")
    async def lines(self, info: Info) -> list[InvoiceLine]:
        return await lines_of(self, info)

    @strawberry.field(description=docs.BREAKDOWN)
    async def tax_breakdown(self, info: Info) -> list[TaxBreakdown]:
        return breakdown_of(await lines_of(self, info))

    @strawberry.field(description="The client invoiced.")
    async def client(
        self, info: Info
    ) -> Annotated[Client, strawberry.lazy("invoicegraph.schema.catalog_types")] | None:
        root: Any = self
        if root.client_id is None:
            return None
        return await info.context.loaders.clients_by_id.load(root.client_id)  # type: ignore[no-any-return]

    @strawberry.field(description="The series that numbers it.")
    async def series(
        self, info: Info
    ) -> Annotated[Series, strawberry.lazy("invoicegraph.schema.catalog_types")] | None:
        root: Any = self
        if root.series_id is None:
            return None
        return await info.context.loaders.series_by_id.load(root.series_id)  # type: ignore[no-any-return]

    @strawberry.field(description="The invoice this rectificative corrects.")
    async def rectifies(self, info: Info) -> Invoice | None:
        root: Any = self
        if root.rectifies_invoice_id is None:
            return None
        return await info.context.loaders.invoices_by_id.load(root.rectifies_invoice_id)  # type: ignore[no-any-return]

    @strawberry.field(description="Rectificative invoices that correct this one.")
    async def rectifications(self, info: Info) -> list[Invoice]:
        root: Any = self
        return await info.context.loaders.rectifications_by_invoice_id.load(root.id)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The invoice as a file: its PDF (a draft gives a preview marked as such) "
        "or a structured e-invoice (issued invoices only). Rendering is expensive: in the "
        "query cost a PDF weighs 20,000 and a FACTURX_PDF 40,000 (the limit is 200,000)."
    )
    async def document(
        self,
        info: Info,
        format: Annotated[
            DocumentFormat, strawberry.argument(description="The file to render.")
        ] = DocumentFormat.PDF,
    ) -> RenderedDocument:
        import base64

        from invoicegraph.domain.errors import DomainError
        from invoicegraph.resolvers.common import caller
        from invoicegraph.schema.errors import top_level
        from invoicegraph.services.documents import invoice_einvoice, invoice_pdf

        root: Any = self
        account = caller(info).account
        try:
            async with info.context.database.sessions() as session:
                if format is DocumentFormat.PDF:
                    content = await invoice_pdf(session, account, root.id, allow_draft=True)
                    media_type = "application/pdf"
                else:
                    content, media_type = await invoice_einvoice(
                        session, account, root.id, format.value
                    )
        except DomainError as exc:
            raise top_level(exc.code.upper(), exc.message) from None
        extension = "pdf" if media_type == "application/pdf" else "xml"
        name = root.full_number or f"draft-{root.uuid}"
        return RenderedDocument(
            format=format,
            media_type=media_type,
            filename=f"{name.replace('/', '-')}-{format.value}.{extension}",
            content_base64=base64.b64encode(content).decode(),
        )

    @strawberry.field(description="VERI*FACTU state; null when the account has it off.")
    async def e_invoicing(self, info: Info) -> EInvoicing | None:
        root: Any = self
        if root.status == "draft":
            return None
        state = await info.context.loaders.e_invoicing_by_invoice_id.load(root.id)
        if state is None:
            return None
        return EInvoicing(
            system=state.system,
            country=state.country,
            processed=state.processed,
            on_error=state.on_error,
            external_link=state.external_link,
            status=getattr(state, "status", None),
            code=getattr(state, "code", None),
            message=getattr(state, "message", None),
        )
