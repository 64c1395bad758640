"""GraphQL input types. Optional fields default to UNSET so an update can tell "not sent"
from an explicit null. Every list states (and enforces, ``input_bounds.py``) its bound."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import UNSET

from invoicegraph.domain.money import EXCHANGE_RATE_MEANING
from invoicegraph.schema.enums import (
    QuoteStatus,
    SeriesKind,
    TaxExemption,
    TaxKind,
    TaxQualification,
)
from invoicegraph.schema.input_bounds import REQUIRED, bounded
from invoicegraph.schema.invoice_types import (
    InvoiceKind,
    InvoiceStatus,
    RectificationCause,
    RectificationType,
)
from invoicegraph.services.invoices.inputs import MAX_TEXTS
from invoicegraph.services.lines import MAX_LINES

MAX_LINE_TAXES = 10


def _field(description: str, default: Any = UNSET) -> Any:
    return strawberry.field(default=default, description=description)


@strawberry.input(description="A label and a markdown text printed before or after the lines.")
class TextInput:
    label: str = strawberry.field(description="The heading printed above the text.")
    text: str = strawberry.field(description="The text, in Markdown.")


@strawberry.input(description="The PDF template of an invoice and its options.")
class TemplateInput:
    id: int = strawberry.field(description="The template's number.")
    use_company_color: bool = _field("Print headings in the account's brand colour.", False)
    include_texts_before: bool = _field("Print the intro texts.", True)
    include_texts_after: bool = _field("Print the closing texts.", True)


@strawberry.input(
    description="A line: a `productId` (its data fills what is not sent), or the line in full."
)
class LineInput:
    product_id: strawberry.ID | None = _field(
        "A catalogue product (global id, UUID or integer id).", None
    )
    description: str | None = _field("What is sold; the product's name when omitted.", None)
    quantity: Decimal | None = _field("Units sold (up to 4 decimals); 1 when omitted.", None)
    price: Decimal | None = _field("Unit price before taxes, in the invoice's currency.", None)
    discount: Decimal | None = _field("Discount in percent of the line's subtotal.", None)
    tax_ids: list[strawberry.ID] | None = bounded(
        MAX_LINE_TAXES, "Catalogue taxes (global id, UUID or integer id).", None
    )
    vat_rate: Decimal | None = _field("A bare IVA rate, mapped to the catalogue's IVA tax.", None)
    reference: str | None = _field("Your reference of the line; rectifications match it.", None)
    sku: str | None = _field("The product's stock-keeping unit, as printed.", None)


@strawberry.input(description="An invoice's fields; on update, only the fields sent change.")
class InvoiceInput:
    name: str | None = _field("A title of your own (not printed).")
    client_id: strawberry.ID | None = _field("The recipient (a client's id); null for none.")
    date: dt.date | None = _field("The invoice date; today when omitted.")
    operation_date: dt.date | None = _field("When the goods or services were supplied.")
    due_date: dt.date | None = _field("When payment is due.")
    due_date_term_id: strawberry.ID | None = _field("A due-date term that sets the due date.")
    payment_method_id: strawberry.ID | None = _field("How the invoice is to be paid.")
    series_id: strawberry.ID | None = _field("The series that numbers it when issued.")
    currency: str | None = _field("ISO 4217 code, e.g. EUR (the default).")
    exchange_rate: Decimal | None = _field(EXCHANGE_RATE_MEANING)
    lang: str | None = _field("Language of the PDF, e.g. es, en, ca.")
    date_format: str | None = _field("How the PDF prints dates, e.g. dd/mm/yyyy.")
    money_format: str | None = _field("How the PDF prints amounts.")
    template: TemplateInput | None = _field("The PDF template and its options.")
    intro_texts: list[TextInput] | None = bounded(MAX_TEXTS, "Texts printed before the lines.")
    close_texts: list[TextInput] | None = bounded(MAX_TEXTS, "Texts printed after the lines.")
    notes: str | None = _field("Private notes, never printed.")
    external_reference: str | None = _field("Your own id of the invoice, e.g. an order number.")
    is_simplified: bool | None = _field("A simplified invoice (ticket), up to 3,000 €.")
    lines: list[LineInput] | None = bounded(
        MAX_LINES, "The lines; on update they replace every line."
    )
    payed_at: dt.date | None = _field("The payment date; null while unpaid.")
    reload_issuer: bool = _field("Copy the account's current data as the issuer (drafts).", False)


@strawberry.input(description="How to issue a draft.")
class IssueInput:
    series_id: strawberry.ID | None = _field("The series; the draft's or the default one.", None)
    date: dt.date | None = _field(
        "The issue date; today when omitted. Not before the series' last.", None
    )
    as_new_invoice: bool = _field(
        "Issue a new invoice from this proforma instead of issuing it in place.", False
    )
    delete_proforma: bool = _field("With asNewInvoice: delete the proforma afterwards.", False)


@strawberry.input(description="An item to take back: a positive quantity; the server negates it.")
class RectificationItemInput:
    quantity: Decimal = strawberry.field(description="How many units to take back (positive).")
    reference: str | None = _field("The original line's reference.", None)
    description: str | None = _field("The original line's description (without reference).", None)


@strawberry.input(
    description="A line of the original as it should have been: matched by reference, else by "
    "description; what is omitted keeps the original's value."
)
class LineCorrectionInput:
    reference: str | None = _field("The original line's reference.", None)
    description: str | None = _field("The original line's description (without reference).", None)
    quantity: Decimal | None = _field("The right quantity (0: the line should not be there).", None)
    price: Decimal | None = _field("The right unit price.", None)
    discount: Decimal | None = _field("The right discount in percent.", None)


@strawberry.input(description="Why and how an invoice is rectified.")
class RectifyInput:
    cause: RectificationCause | None = _field("The legal cause; R1 when omitted.", None)
    reason: str | None = _field("The reason, printed on the rectificative.", None)
    issue: IssueInput | None = _field("Issue the rectificative at once; a draft otherwise.", None)
    rectification_type: RectificationType = _field(
        "By differences (the default) or by substitution (needs corrections).",
        RectificationType.DIFFERENCES,
    )
    corrections: list[LineCorrectionInput] | None = bounded(
        MAX_LINES,
        "Lines with a new quantity, price or discount. By differences the rectificative takes "
        "each back and states it again; by substitution it states the whole invoice with them.",
        None,
    )


@strawberry.input(description="A partial rectification: the items to take back.")
class PartialRectifyInput(RectifyInput):
    items: list[RectificationItemInput] = bounded(
        MAX_LINES, "Items matched to the original's lines.", REQUIRED
    )


@strawberry.input(description="A client's fields; on update, only the fields sent change.")
class ClientInput:
    name: str | None = _field("Legal or trade name.")
    tax_id: str | None = _field("Tax id (NIF/CIF, or a foreign VAT number).")
    email: str | None = _field("Where invoices are sent.")
    phone: str | None = _field("Phone number.")
    address: str | None = _field("Street address.")
    city: str | None = _field("City.")
    province: str | None = _field("Province or region.")
    postal_code: str | None = _field("Postal code.")
    country: str | None = _field("ISO 3166-1 alpha-2 code; ES when omitted.")
    notes: str | None = _field("Private notes.")


@strawberry.input(description="A product's fields; on update, only the fields sent change.")
class ProductInput:
    name: str | None = _field("The product's name.")
    description: str | None = _field("A longer description, copied into lines.")
    sku: str | None = _field("Stock-keeping unit.")
    price: Decimal | None = _field("Unit price before taxes.")
    discount: Decimal | None = _field("Default discount in percent.")
    tax_ids: list[strawberry.ID] | None = bounded(MAX_LINE_TAXES, "Taxes it applies.")
    active: bool | None = _field("Whether it can be used in new lines.")


@strawberry.input(description="A tax's fields; a new percentage on update adds a version.")
class TaxInput:
    kind: TaxKind | None = _field("The tax's kind.")
    name: str | None = _field("The name printed, e.g. IVA 21%.")
    percentage: Decimal | None = _field("The rate (negative for IRPF).")
    valid_from: dt.date | None = _field("From when the rate applies.")
    qualification: TaxQualification | None = _field("VERI*FACTU qualification.")
    exemption_code: TaxExemption | None = _field("VERI*FACTU exemption cause, if exempt.")
    is_default: bool | None = _field("Applied to lines that name no tax.")
    active: bool | None = _field("Whether it can be applied.")


@strawberry.input(description="A series' fields; numbering fields freeze once it has issued.")
class SeriesInput:
    code: str | None = _field("The code printed before the number, e.g. F.")
    kind: SeriesKind | None = _field("What it numbers.")
    name: str | None = _field("A name of your own.")
    number_format: str | None = _field(
        "How numbers print, with {code}, {year} and {number} (e.g. {code}{year}-{number:04d})."
    )
    is_default: bool | None = _field("The series used when an invoice names none.")
    active: bool | None = _field("Whether it can number new invoices.")


@strawberry.input(description="A quote's fields; on update, only the fields sent change.")
class QuoteInput:
    name: str | None = _field("A title of your own.")
    client_id: strawberry.ID | None = _field("The client it is for.")
    date: dt.date | None = _field("The quote's date; today when omitted.")
    valid_until: dt.date | None = _field("Until when the offer stands.")
    currency: str | None = _field("ISO 4217 code; EUR when omitted.")
    exchange_rate: Decimal | None = _field(EXCHANGE_RATE_MEANING)
    lang: str | None = _field("Language of the document, e.g. es.")
    notes: str | None = _field("Private notes.")
    external_reference: str | None = _field("Your own id of the quote.")
    intro_texts: list[TextInput] | None = bounded(MAX_TEXTS, "Texts printed before the lines.")
    close_texts: list[TextInput] | None = bounded(MAX_TEXTS, "Texts printed after the lines.")
    status: QuoteStatus | None = _field("Where it stands (not CONVERTED: that is set on convert).")
    lines: list[LineInput] | None = bounded(
        MAX_LINES, "The lines; on update they replace every line."
    )


@strawberry.enum(description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = strawberry.enum_value("asc", description="Smallest first.")
    DESC = strawberry.enum_value("desc", description="Largest (newest) first.")


@strawberry.enum(description="What invoices can be sorted by.")
class InvoiceOrderField(enum.Enum):
    ID = strawberry.enum_value("id", description="Creation order.")
    NAME = strawberry.enum_value("name", description="The invoice's name.")
    DATE = strawberry.enum_value("date", description="The invoice date.")
    DUE_DATE = strawberry.enum_value("due_date", description="The due date.")
    NUMBER = strawberry.enum_value("number", description="The number in its series.")
    TOTAL_BEFORE_TAXES = strawberry.enum_value("total_before_taxes", description="The base.")
    TOTAL_TAXES = strawberry.enum_value("total_taxes", description="The taxes.")
    TOTAL_WITH_TAXES = strawberry.enum_value("total_with_taxes", description="The total.")
    CREATED_AT = strawberry.enum_value("created_at", description="When it was created.")


@strawberry.input(description="The order of an invoice list.")
class InvoiceOrder:
    field: InvoiceOrderField = _field("What to sort by.", InvoiceOrderField.ID)
    direction: OrderDirection = _field("Ascending or descending.", OrderDirection.DESC)


@strawberry.input(description="Filters of the invoice list; all given must hold.")
class InvoiceFilterInput:
    kind: InvoiceKind | None = _field("Ordinary, proforma (draft) or rectificative.", None)
    status: InvoiceStatus | None = _field("Draft, issued or annulled.", None)
    client_id: strawberry.ID | None = _field("Invoices of this client.", None)
    series_id: strawberry.ID | None = _field("Invoices of this series.", None)
    rectifies_id: strawberry.ID | None = _field("Rectificatives of this invoice.", None)
    date_from: dt.date | None = _field("Dated on or after this day.", None)
    date_to: dt.date | None = _field("Dated on or before this day.", None)
    unpaid: bool = _field("Only issued invoices without a payment date.", False)
    external_reference: str | None = _field("With this external reference.", None)
    search: str | None = _field(
        "Text in the number, name or recipient; at least 3 characters.", None
    )


@strawberry.input(description="Filters of the quote list; all given must hold.")
class QuoteFilterInput:
    status: QuoteStatus | None = _field("Quotes in this status.", None)
    client_id: strawberry.ID | None = _field("Quotes of this client.", None)
    external_reference: str | None = _field("With this external reference.", None)
