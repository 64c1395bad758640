"""The account's settings on GraphQL: ``updateAccount`` (admin keys) and its input/payload."""

from __future__ import annotations

import strawberry

from invoicegraph.schema.catalog_types import Account
from invoicegraph.schema.errors import UserError


@strawberry.input(
    description="The issuer's settings. An omitted field is kept; null clears an optional one."
)
class AccountSettingsInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Legal name.")
    trade_name: str | None = strawberry.field(default=strawberry.UNSET)
    tax_id: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="NIF/CIF; unique among live accounts, fixed once invoices are issued.",
    )
    address: str | None = strawberry.field(default=strawberry.UNSET)
    city: str | None = strawberry.field(default=strawberry.UNSET)
    province: str | None = strawberry.field(default=strawberry.UNSET)
    postal_code: str | None = strawberry.field(default=strawberry.UNSET)
    country: str | None = strawberry.field(default=strawberry.UNSET, description="ISO 3166-1.")
    email: str | None = strawberry.field(default=strawberry.UNSET)
    phone: str | None = strawberry.field(default=strawberry.UNSET)
    iban: str | None = strawberry.field(default=strawberry.UNSET)
    default_lang: str | None = strawberry.field(default=strawberry.UNSET)
    default_date_format: str | None = strawberry.field(default=strawberry.UNSET)
    default_money_format: str | None = strawberry.field(default=strawberry.UNSET)
    default_currency: str | None = strawberry.field(default=strawberry.UNSET)
    brand_color: str | None = strawberry.field(default=strawberry.UNSET, description="#RRGGBB.")
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET, description="IANA zone of the issue dates (Europe/Madrid)."
    )
    verifactu_enabled: bool | None = strawberry.field(default=strawberry.UNSET)


@strawberry.type
class AccountPayload:
    account: Account | None
    errors: list[UserError]
