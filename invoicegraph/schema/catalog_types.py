"""GraphQL types of the catalogue, quotes, the account and its keys."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry

from invoicegraph.db import models
from invoicegraph.domain.money import EXCHANGE_RATE_MEANING
from invoicegraph.schema import line_docs as docs
from invoicegraph.schema.context import Info
from invoicegraph.schema.enums import (
    ApiKeyAccess,
    ApiKeyMode,
    PaymentMethodKind,
    Plan,
    QuoteStatus,
    SeriesKind,
    TaxExemption,
    TaxKind,
    TaxQualification,
)
from invoicegraph.schema.invoice_types import (
    Invoice,
    InvoiceLine,
    LineTax,
    TaxBreakdown,
    TextBlock,
    breakdown_of,
    lines_of,
)
from invoicegraph.schema.node import Node


def _legacy(root: Any) -> int:
    return int(root.id)


def _d(description: str) -> Any:
    return strawberry.field(description=description)


UUID_FIELD = "The object's UUID (accepted wherever an id is)."
CREATED = "When it was created."
UPDATED = "When it last changed."
LEGACY_ID = "The integer id (the /v1 dialect's id; accepted wherever an id is)."
IS_DEFAULT = "Used when an invoice names none."
ACTIVE = "Whether new invoices may use it."


@strawberry.type(description="A recipient of invoices (the /v1 dialect's contact).")
class Client(Node):
    uuid: UUID = _d(UUID_FIELD)
    name: str = _d("Legal or trade name.")
    tax_id: str | None = _d("Tax id (NIF/CIF, or a foreign VAT number).")
    email: str | None = _d("Where invoices are sent.")
    phone: str | None = _d("Phone number.")
    address: str | None = _d("Street address.")
    city: str | None = _d("City.")
    province: str | None = _d("Province or region.")
    postal_code: str | None = _d("Postal code.")
    country: str = _d("ISO 3166-1 alpha-2 country code, e.g. ES.")
    notes: str | None = _d("Private notes.")
    created_at: dt.datetime = _d(CREATED)
    updated_at: dt.datetime = _d(UPDATED)

    @strawberry.field(description=LEGACY_ID)
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Client)


@strawberry.type(description="A product or service of the catalogue, to fill lines from.")
class Product(Node):
    uuid: UUID = _d(UUID_FIELD)
    sku: str | None = _d("Stock-keeping unit.")
    name: str = _d("The product's name.")
    description: str = _d("A longer description, copied into lines.")
    price: Decimal = _d("Unit price before taxes.")
    discount: Decimal = _d("Default discount in percent.")
    tax_ids: list[int] = _d("Integer ids of the taxes it applies.")
    active: bool = _d("Whether it can be used in new lines.")

    @strawberry.field(description=LEGACY_ID)
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Product)


class TaxView:
    """A catalogue tax with its current version (the GraphQL Tax's root)."""

    graphql_type_name = "Tax"

    def __init__(self, tax: models.Tax, version: models.TaxVersion) -> None:
        self.tax = tax
        self.version = version
        self.uuid = tax.uuid


@strawberry.type(description="A tax of the catalogue with its current rate.")
class Tax(Node):
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, TaxView)

    @strawberry.field(description=UUID_FIELD)
    def uuid(self) -> uuid_module.UUID:
        root: Any = self
        return root.tax.uuid  # type: ignore[no-any-return]

    @strawberry.field(description=LEGACY_ID)
    def legacy_id(self) -> int:
        root: Any = self
        return int(root.tax.id)

    @strawberry.field(description="The tax's kind.")
    def kind(self) -> TaxKind:
        root: Any = self
        return root.tax.kind  # type: ignore[no-any-return]

    @strawberry.field(description="The name printed, e.g. IVA 21%.")
    def name(self) -> str:
        root: Any = self
        return root.tax.name  # type: ignore[no-any-return]

    @strawberry.field(description="The current rate (negative for IRPF).")
    def percentage(self) -> Decimal:
        root: Any = self
        return root.version.percentage  # type: ignore[no-any-return]

    @strawberry.field(description="UUID of the current version; issued lines keep theirs.")
    def version(self) -> uuid_module.UUID:
        root: Any = self
        return root.version.uuid  # type: ignore[no-any-return]

    @strawberry.field(description="From when the current rate applies.")
    def valid_from(self) -> dt.date:
        root: Any = self
        return root.version.valid_from  # type: ignore[no-any-return]

    @strawberry.field(description="VERI*FACTU qualification of the operations it taxes.")
    def qualification(self) -> TaxQualification:
        root: Any = self
        return root.tax.qualification  # type: ignore[no-any-return]

    @strawberry.field(description="VERI*FACTU exemption cause; null unless exempt.")
    def exemption_code(self) -> TaxExemption | None:
        root: Any = self
        return root.tax.exemption_code  # type: ignore[no-any-return]

    @strawberry.field(description="Applied to lines that name no tax.")
    def is_default(self) -> bool:
        root: Any = self
        return root.tax.is_default  # type: ignore[no-any-return]

    @strawberry.field(description="Whether it can be applied.")
    def active(self) -> bool:
        root: Any = self
        return root.tax.active  # type: ignore[no-any-return]


@strawberry.type(description="A numbering series: gapless numbers in issue order.")
class Series(Node):
    uuid: UUID = _d(UUID_FIELD)
    code: str = _d("The code printed before the number, e.g. F.")
    kind: SeriesKind = _d("What it numbers.")
    name: str = _d("A name of your own.")
    number_format: str = _d("How numbers print, with {code}, {year} and {number}.")
    last_number: int = _d("The last number issued; 0 before the first.")
    last_issue_date: dt.date | None = _d("The date of the last issued invoice; none before it.")
    is_default: bool = _d(IS_DEFAULT)
    active: bool = _d(ACTIVE)

    @strawberry.field(description=LEGACY_ID)
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Series)


@strawberry.type(description="A way of paying, printed on the invoice.")
class PaymentMethod(Node):
    uuid: UUID = _d(UUID_FIELD)
    name: str = _d("The name printed.")
    kind: PaymentMethodKind = _d("How it is paid.")
    description: str = _d("Instructions printed with it.")
    iban: str | None = _d("The account to transfer to.")
    is_default: bool = _d(IS_DEFAULT)
    active: bool = _d(ACTIVE)

    @strawberry.field(description=LEGACY_ID)
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.PaymentMethod)


@strawberry.type(description="A payment term: the due date is the invoice date plus its days.")
class DueDateTerm(Node):
    uuid: UUID = _d(UUID_FIELD)
    name: str = _d("The name, e.g. 30 days.")
    days: int = _d("Days from the invoice date to the due date.")
    is_default: bool = _d(IS_DEFAULT)
    active: bool = _d(ACTIVE)

    @strawberry.field(description=LEGACY_ID)
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.DueDateTerm)


@strawberry.type(description="A line of a quote; its figures as on an invoice line.")
class QuoteLine:
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

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.QuoteLine)


@strawberry.type(description="A quote (estimate): lines like an invoice's, convertible into one.")
class Quote(Node):
    uuid: UUID = _d(UUID_FIELD)
    status: QuoteStatus = _d("Where it stands.")
    name: str | None = _d("A title of your own.")
    date: dt.date = _d("The quote's date.")
    valid_until: dt.date | None = _d("Until when the offer stands.")
    currency: str = _d("ISO 4217 currency code.")
    exchange_rate: Decimal = _d(EXCHANGE_RATE_MEANING)
    lang: str = _d("Language of the document.")
    notes: str | None = _d("Private notes.")
    external_reference: str | None = _d("Your own id of the quote.")
    subtotal: Decimal = _d(docs.DOC_SUBTOTAL)
    total_discount: Decimal = _d(docs.DOC_DISCOUNT)
    total_before_taxes: Decimal = _d(docs.DOC_BASE)
    total_taxes: Decimal = _d(docs.DOC_TAXES)
    total_with_taxes: Decimal = _d(docs.DOC_TOTAL)
    created_at: dt.datetime = _d(CREATED)
    updated_at: dt.datetime = _d(UPDATED)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Quote)

    @strawberry.field(description=LEGACY_ID)
    def legacy_id(self) -> int:
        return _legacy(self)

    @strawberry.field(description="The lines, in order.")
    async def lines(self, info: Info) -> list[QuoteLine]:
        return await lines_of(self, info)

    @strawberry.field(description=docs.BREAKDOWN)
    async def tax_breakdown(self, info: Info) -> list[TaxBreakdown]:
        return breakdown_of(await lines_of(self, info))

    @strawberry.field(description="Texts printed before the lines.")
    def intro_texts(self) -> list[TextBlock]:
        root: Any = self
        return [TextBlock(label=t["label"], text=t["text"]) for t in root.intro_texts or []]

    @strawberry.field(description="Texts printed after the lines.")
    def close_texts(self) -> list[TextBlock]:
        root: Any = self
        return [TextBlock(label=t["label"], text=t["text"]) for t in root.close_texts or []]

    @strawberry.field(description="The client it is for.")
    async def client(self, info: Info) -> Client | None:
        root: Any = self
        if root.client_id is None:
            return None
        return await info.context.loaders.clients_by_id.load(root.client_id)  # type: ignore[no-any-return]

    @strawberry.field(description="The draft invoice it was converted into.")
    async def invoice(self, info: Info) -> Invoice | None:
        root: Any = self
        if root.converted_invoice_id is None:
            return None
        return await info.context.loaders.invoices_by_id.load(root.converted_invoice_id)  # type: ignore[no-any-return]


@strawberry.type(description="The issuing company.")
class Account(Node):
    uuid: UUID = _d(UUID_FIELD)
    name: str = _d("Legal name, printed on every invoice.")
    trade_name: str | None = _d("Commercial name, printed beside it.")
    tax_id: str = _d("Tax id (NIF/CIF).")
    address: str | None = _d("Street address.")
    city: str | None = _d("City.")
    province: str | None = _d("Province or region.")
    postal_code: str | None = _d("Postal code.")
    country: str = _d("ISO 3166-1 alpha-2 country code.")
    email: str | None = _d("Contact email.")
    phone: str | None = _d("Contact phone.")
    iban: str | None = _d("Where the account collects (compact IBAN).")
    brand_color: str | None = _d("Colour of PDF headings, as #rrggbb.")
    plan: Plan = _d("The account's plan.")
    verifactu_enabled: bool = _d("Whether issued invoices are registered with VERI*FACTU.")
    timezone: str = _d("IANA time zone that dates are reckoned in, e.g. Europe/Madrid.")
    default_lang: str = _d("Language of new documents.")
    default_currency: str = _d("Currency of new documents.")
    default_date_format: str = _d("How new documents print dates.")
    default_money_format: str = _d("How new documents print amounts.")
    is_sandbox: bool = _d("True when a test key is used.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Account)


@strawberry.type(description="An API key. Its secret is shown only once, at creation.")
class ApiKey(Node):
    uuid: UUID = _d(UUID_FIELD)
    name: str = _d("A name to recognise it by.")
    mode: ApiKeyMode = _d("Live data or the sandbox.")
    access: ApiKeyAccess = _d("What it may do.")
    hint: str = _d("The last characters of the secret.")
    created_at: dt.datetime = _d(CREATED)
    last_used_at: dt.datetime | None = _d("When it was last used.")
    revoked_at: dt.datetime | None = _d("When it was revoked; null while it works.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.ApiKey)


__all__ = ["InvoiceLine"]
