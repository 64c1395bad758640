"""What a refused request must not change: every row of the world's objects and the number of
rows each account (and its sandbox) holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, or_, select

from invoicegraph.db.models import (
    Account,
    ApiKey,
    Client,
    DueDateTerm,
    Invoice,
    PaymentMethod,
    Product,
    Quote,
    Series,
    Tax,
    WebhookDelivery,
    WebhookEndpoint,
)

from .conftest import World

TABLES: dict[str, Any] = {
    "invoice": Invoice,
    "draft": Invoice,
    "client": Client,
    "quote": Quote,
    "product": Product,
    "tax": Tax,
    "series": Series,
    "payment_method": PaymentMethod,
    "due_date_term": DueDateTerm,
    "api_key": ApiKey,
    "webhook_endpoint": WebhookEndpoint,
    "webhook_delivery": WebhookDelivery,
}
COUNTED = (Invoice, Client, Quote, Product, Tax, Series, ApiKey, WebhookEndpoint)


async def snapshot(world: World) -> dict[str, Any]:
    """The world's objects row by row (``last_used_at`` of keys aside: using a key is not a
    change) and the row counts of both accounts, sandboxes included."""
    found: dict[str, Any] = {}
    owners = [world.mine.id, world.other.id]
    async with world.database.sessions() as session, session.begin():
        accounts = select(Account.id).where(
            or_(Account.id.in_(owners), Account.live_account_id.in_(owners))
        )
        for model in COUNTED:
            table: Table = model.__table__
            rows = await session.execute(
                select(table.c.account_id, func.count())
                .where(table.c.account_id.in_(accounts))
                .group_by(table.c.account_id)
            )
            found[f"count:{table.name}"] = sorted(rows.all())
        for owner, objects, account in (
            ("mine", world.my_objects, world.mine),
            ("other", world.other_objects, world.other),
        ):
            for kind, row_id in objects.ints.items():
                table = TABLES[kind].__table__
                columns = [c for c in table.c if c.name != "last_used_at"]
                key = (table.c.account_id == account.id, table.c.id == row_id)
                row = (await session.execute(select(*columns).where(*key))).one()
                found[f"{owner}:{kind}"] = tuple(row)
    return found
