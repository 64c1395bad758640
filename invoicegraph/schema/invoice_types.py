"""GraphQL types of invoices. Their roots are the ORM rows themselves: plain fields resolve
by attribute (no per-field resolver), related objects through the request's loaders."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from invoicegraph.db import models
from invoicegraph.domain.money import EXCHANGE_RATE_MEANING, stored_breakdown
from invoicegraph.resolvers.loaders import LineRecord, LineTaxRecord, loaded_relationship
from invoicegraph.schema.context import Info
from invoicegraph.schema.execution import fast_resolver, peek
from invoicegraph.schema.node import Node
from invoicegraph.schema.plain_steps import FALLBACK

if TYPE_CHECKING:
    from invoicegraph.schema.catalog_types import Client, Series


@strawberry.enum
class InvoiceStatus(enum.Enum):
    DRAFT = "draft"
    ISSUED = "issued"
    ANNULLED = "annulled"


@strawberry.enum(description="The /v1 dialect's type_id: 1 ordinary, 2 proforma, 3 rectificative.")
class InvoiceKind(enum.Enum):
    ORDINARY = "ordinary"
    PROFORMA = "proforma"
    RECTIFICATIVE = "rectificative"


@strawberry.enum
class RectificationCause(enum.Enum):
    R1 = "R1"
    R2 = "R2"
    R3 = "R3"
    R4 = "R4"
    R5 = "R5"


@strawberry.type(description="Issuer or recipient as printed on the invoice.")
class Party:
    name: str | None
    tax_id: str | None
    address: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country: str | None


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
    kind: str
    name: str
    percentage: Decimal
    base: Decimal
    total: Decimal = strawberry.field(description="The tax amount (negative for IRPF).")
    tax_version_uuid: str | None = strawberry.field(
        name="version", description="The tax version's UUID."
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.InvoiceLineTax | models.QuoteLineTax | LineTaxRecord)


@strawberry.type
class InvoiceLine:
    uuid: uuid.UUID
    position: int
    product_id: int | None
    sku: str | None
    reference: str | None
    description: str
    quantity: Decimal
    price: Decimal
    discount: Decimal
    subtotal: Decimal
    total_discount: Decimal
    total_before_taxes: Decimal
    total_taxes: Decimal
    total_with_taxes: Decimal
    taxes: list[LineTax]
    rectifies_line_id: int | None = strawberry.field(
        description="On a rectificative line: the original line (integer id) it negates."
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.InvoiceLine | LineRecord)


@strawberry.type(description="Base and amount per tax kind and rate.")
class TaxBreakdown:
    kind: str
    name: str
    percentage: Decimal
    base: Decimal
    amount: Decimal


@strawberry.type
class TextBlock:
    label: str
    text: str = strawberry.field(description="Markdown.")


@strawberry.type
class Template:
    id: int
    use_company_color: bool
    include_texts_before: bool
    include_texts_after: bool


@strawberry.type(name="EInvoicing", description="Submission to a government e-invoicing system.")
class EInvoicing:
    system: str
    country: str
    processed: bool
    on_error: bool
    external_link: str | None
    status: str | None
    code: str | None
    message: str | None


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


@strawberry.enum
class DocumentFormat(enum.Enum):
    PDF = "pdf"
    FACTURX = "facturx"
    UBL = "ubl"
    FACTURAE = "facturae"
    FACTURX_PDF = "facturx-pdf"


@strawberry.type(description="A rendered document of an invoice.")
class RenderedDocument:
    format: DocumentFormat
    media_type: str
    filename: str
    content_base64: str = strawberry.field(description="The file, base64-encoded.")


@strawberry.type
class Invoice(Node):
    uuid: uuid.UUID

    @strawberry.field(description="The integer id (the /v1 dialect's id).")
    def legacy_id(self) -> int:
        root: Any = self
        return int(root.id)

    status: InvoiceStatus
    is_rectificative: bool
    is_simplified: bool
    name: str | None
    number: int | None
    full_number: str | None = strawberry.field(description="Series and number as printed.")
    date: dt.date
    operation_date: dt.date | None
    due_date: dt.date | None
    payment_method_text: str | None = strawberry.field(name="paymentMethod")
    currency: str
    exchange_rate: Decimal = strawberry.field(description=EXCHANGE_RATE_MEANING)
    lang: str
    date_format: str
    money_format: str
    notes: str | None = strawberry.field(description="Private notes, never printed.")
    external_reference: str | None
    subtotal: Decimal
    total_discount: Decimal
    total_before_taxes: Decimal
    total_taxes: Decimal
    total_with_taxes: Decimal
    total_vat: Decimal = strawberry.field(description="IVA and equivalence surcharge.")
    total_withholding: Decimal = strawberry.field(description="IRPF withheld (negative).")
    payed_at: dt.date | None
    rectification_cause: RectificationCause | None
    rectification_reason: str | None
    rectified_status: str = strawberry.field(description="none, partial or full.")
    issued_at: dt.datetime | None
    annulled_at: dt.datetime | None
    annulment_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Invoice)

    @strawberry.field
    def kind(self) -> InvoiceKind:
        root: Any = self
        if root.status == "draft":
            return InvoiceKind.PROFORMA
        return InvoiceKind.RECTIFICATIVE if root.is_rectificative else InvoiceKind.ORDINARY

    @strawberry.field
    def is_paid(self) -> bool:
        root: Any = self
        return root.payed_at is not None

    @strawberry.field
    def issuer(self) -> Party:
        return _party(self, "issuer_")  # type: ignore[arg-type]

    @strawberry.field
    def recipient(self) -> Party | None:
        root: Any = self
        return None if root.recipient_name is None else _party(root, "recipient_")

    @strawberry.field
    def template(self) -> Template:
        root: Any = self
        options = root.template_options or {}
        return Template(
            id=root.template_id,
            use_company_color=bool(options.get("use_company_color", False)),
            include_texts_before=bool(options.get("include_texts_before", True)),
            include_texts_after=bool(options.get("include_texts_after", True)),
        )

    @strawberry.field
    def intro_texts(self) -> list[TextBlock]:
        root: Any = self
        return [TextBlock(label=t["label"], text=t["text"]) for t in root.intro_texts or []]

    @strawberry.field
    def close_texts(self) -> list[TextBlock]:
        root: Any = self
        return [TextBlock(label=t["label"], text=t["text"]) for t in root.close_texts or []]

    @strawberry.field
    async def lines(self, info: Info) -> list[InvoiceLine]:
        return await lines_of(self, info)

    @strawberry.field
    async def tax_breakdown(self, info: Info) -> list[TaxBreakdown]:
        return breakdown_of(await lines_of(self, info))

    @strawberry.field
    async def client(
        self, info: Info
    ) -> Annotated[Client, strawberry.lazy("invoicegraph.schema.catalog_types")] | None:
        root: Any = self
        if root.client_id is None:
            return None
        return await info.context.loaders.clients_by_id.load(root.client_id)  # type: ignore[no-any-return]

    @strawberry.field
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
        "or a structured e-invoice (issued invoices only)."
    )
    async def document(
        self, info: Info, format: DocumentFormat = DocumentFormat.PDF
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
