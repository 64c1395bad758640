"""``updateAccount``: the issuer's own data, for admin keys on the live account."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from invoicegraph.db import models
from invoicegraph.domain.errors import Forbidden
from invoicegraph.resolvers.common import mutate
from invoicegraph.schema.account_types import AccountPayload, AccountSettingsInput
from invoicegraph.schema.arguments import described
from invoicegraph.schema.context import Info
from invoicegraph.services.account_settings import (
    SETTINGS_FIELDS,
    AccountSettings,
    update_account,
)
from invoicegraph.services.unset import UNSET


def settings_data(data: AccountSettingsInput) -> AccountSettings:
    values = {}
    for name in SETTINGS_FIELDS:
        value = getattr(data, name, strawberry.UNSET)
        values[name] = UNSET if value is strawberry.UNSET else value
    return AccountSettings(**values)


@strawberry.type
class AccountMutations:
    @strawberry.mutation(
        description="Change the issuer's settings (admin keys, live mode). Invoices already "
        "issued keep the issuer data they were issued with."
    )
    async def update_account(
        self,
        info: Info,
        input: Annotated[AccountSettingsInput, described("The settings to change.")],
    ) -> AccountPayload:
        async def work(session: AsyncSession, account: models.Account) -> models.Account:
            auth = info.context.auth
            if auth is not None and auth.test_mode:
                raise Forbidden("account settings are changed with a live admin key")
            return await update_account(session, account, settings_data(input))

        account, errors = await mutate(info, work, access="admin")
        return AccountPayload(account=account, errors=errors)  # type: ignore[arg-type]


__all__ = ["AccountMutations"]
