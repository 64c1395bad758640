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
    trade_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Commercial name, printed beside the legal name."
    )
    tax_id: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="NIF/CIF; unique among live accounts, fixed once invoices are issued.",
    )
    address: str | None = strawberry.field(default=strawberry.UNSET, description="Street address.")
    city: str | None = strawberry.field(default=strawberry.UNSET, description="City.")
    province: str | None = strawberry.field(
        default=strawberry.UNSET, description="Province or region."
    )
    postal_code: str | None = strawberry.field(default=strawberry.UNSET, description="Postal code.")
    country: str | None = strawberry.field(default=strawberry.UNSET, description="ISO 3166-1.")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="Contact email.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="Contact phone.")
    iban: str | None = strawberry.field(
        default=strawberry.UNSET, description="Where the account collects (IBAN)."
    )
    default_lang: str | None = strawberry.field(
        default=strawberry.UNSET, description="Language of new documents, e.g. es."
    )
    default_date_format: str | None = strawberry.field(
        default=strawberry.UNSET, description="How new documents print dates."
    )
    default_money_format: str | None = strawberry.field(
        default=strawberry.UNSET, description="How new documents print amounts."
    )
    default_currency: str | None = strawberry.field(
        default=strawberry.UNSET, description="Currency of new documents (ISO 4217)."
    )
    brand_color: str | None = strawberry.field(default=strawberry.UNSET, description="#RRGGBB.")
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET, description="IANA zone of the issue dates (Europe/Madrid)."
    )
    verifactu_enabled: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Register issued invoices with VERI*FACTU."
    )


@strawberry.type(description="The answer of updateAccount.")
class AccountPayload:
    account: Account | None = strawberry.field(description="The account as it is now.")
    errors: list[UserError] = strawberry.field(
        description="Why the input was refused; empty on success."
    )
