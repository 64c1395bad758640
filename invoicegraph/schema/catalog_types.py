"""GraphQL types of the catalogue, quotes, the account and its keys."""

from __future__ import annotations

import datetime as dt
import uuid
import uuid as uuid_module
from decimal import Decimal
from typing import Any

import strawberry

from invoicegraph.db import models
from invoicegraph.domain.money import EXCHANGE_RATE_MEANING
from invoicegraph.schema.context import Info
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


@strawberry.type(description="A recipient of invoices (the /v1 dialect's contact).")
class Client(Node):
    uuid: uuid.UUID
    name: str
    tax_id: str | None
    email: str | None
    phone: str | None
    address: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country: str
    notes: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @strawberry.field(description="The integer id (the /v1 dialect's contact id).")
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Client)


@strawberry.type
class Product(Node):
    uuid: uuid.UUID
    sku: str | None
    name: str
    description: str
    price: Decimal
    discount: Decimal
    tax_ids: list[int] = strawberry.field(description="Integer ids of the taxes it applies.")
    active: bool

    @strawberry.field
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

    @strawberry.field
    def uuid(self) -> uuid_module.UUID:
        root: Any = self
        return root.tax.uuid  # type: ignore[no-any-return]

    @strawberry.field
    def legacy_id(self) -> int:
        root: Any = self
        return int(root.tax.id)

    @strawberry.field(description="vat, withholding or surcharge.")
    def kind(self) -> str:
        root: Any = self
        return root.tax.kind  # type: ignore[no-any-return]

    @strawberry.field
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

    @strawberry.field
    def valid_from(self) -> dt.date:
        root: Any = self
        return root.version.valid_from  # type: ignore[no-any-return]

    @strawberry.field
    def qualification(self) -> str:
        root: Any = self
        return root.tax.qualification  # type: ignore[no-any-return]

    @strawberry.field
    def exemption_code(self) -> str | None:
        root: Any = self
        return root.tax.exemption_code  # type: ignore[no-any-return]

    @strawberry.field
    def is_default(self) -> bool:
        root: Any = self
        return root.tax.is_default  # type: ignore[no-any-return]

    @strawberry.field
    def active(self) -> bool:
        root: Any = self
        return root.tax.active  # type: ignore[no-any-return]


@strawberry.type(description="A numbering series.")
class Series(Node):
    uuid: uuid.UUID
    code: str
    kind: str = strawberry.field(description="ordinary, rectificative or simplified.")
    name: str
    number_format: str
    last_number: int
    last_issue_date: dt.date | None
    is_default: bool
    active: bool

    @strawberry.field
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Series)


@strawberry.type
class PaymentMethod(Node):
    uuid: uuid.UUID
    name: str
    kind: str
    description: str
    iban: str | None
    is_default: bool
    active: bool

    @strawberry.field
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.PaymentMethod)


@strawberry.type
class DueDateTerm(Node):
    uuid: uuid.UUID
    name: str
    days: int
    is_default: bool
    active: bool

    @strawberry.field
    def legacy_id(self) -> int:
        return _legacy(self)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.DueDateTerm)


@strawberry.type
class QuoteLine:
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

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.QuoteLine)


@strawberry.type
class Quote(Node):
    uuid: uuid.UUID
    status: str = strawberry.field(description="draft, sent, accepted, rejected or converted.")
    name: str | None
    date: dt.date
    valid_until: dt.date | None
    currency: str
    exchange_rate: Decimal = strawberry.field(description=EXCHANGE_RATE_MEANING)
    lang: str
    notes: str | None
    external_reference: str | None
    subtotal: Decimal
    total_discount: Decimal
    total_before_taxes: Decimal
    total_taxes: Decimal
    total_with_taxes: Decimal
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Quote)

    @strawberry.field
    def legacy_id(self) -> int:
        return _legacy(self)

    @strawberry.field
    async def lines(self, info: Info) -> list[QuoteLine]:
        return await lines_of(self, info)

    @strawberry.field
    async def tax_breakdown(self, info: Info) -> list[TaxBreakdown]:
        return breakdown_of(await lines_of(self, info))

    @strawberry.field
    def intro_texts(self) -> list[TextBlock]:
        root: Any = self
        return [TextBlock(label=t["label"], text=t["text"]) for t in root.intro_texts or []]

    @strawberry.field
    def close_texts(self) -> list[TextBlock]:
        root: Any = self
        return [TextBlock(label=t["label"], text=t["text"]) for t in root.close_texts or []]

    @strawberry.field
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
    uuid: uuid.UUID
    name: str = strawberry.field(description="Legal name, printed on every invoice.")
    trade_name: str | None = strawberry.field(description="Commercial name, printed beside it.")
    tax_id: str
    address: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country: str
    email: str | None
    phone: str | None
    iban: str | None = strawberry.field(description="Where the account collects (compact IBAN).")
    brand_color: str | None
    plan: str
    verifactu_enabled: bool
    timezone: str
    default_lang: str
    default_currency: str
    default_date_format: str
    default_money_format: str
    is_sandbox: bool = strawberry.field(description="True when a test key is used.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Account)


@strawberry.type(description="An API key. Its secret is shown only once, at creation.")
class ApiKey(Node):
    uuid: uuid.UUID
    name: str
    mode: str = strawberry.field(description="live or test.")
    access: str = strawberry.field(description="read, write or admin.")
    hint: str = strawberry.field(description="The last characters of the secret.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.ApiKey)


__all__ = ["InvoiceLine"]
