"""The Subscription root: invoice events of the caller's account, live."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator

import strawberry

from invoicegraph.resolvers.common import caller
from invoicegraph.schema.context import Info
from invoicegraph.schema.invoice_types import Invoice
from invoicegraph.services.events import BROKER
from invoicegraph.services.invoices.loading import load_invoice


@strawberry.enum
class InvoiceEventKind(enum.Enum):
    CREATED = "created"
    ISSUED = "issued"
    RECTIFIED = "rectified"
    PAID = "paid"


@strawberry.type
class InvoiceEvent:
    kind: InvoiceEventKind
    invoice_id: strawberry.ID = strawberry.field(description="The invoice's UUID.")
    invoice: Invoice | None


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Invoices of your account as they are created, issued, rectified and paid."
    )
    async def invoice_events(
        self, info: Info, kinds: list[InvoiceEventKind] | None = None
    ) -> AsyncGenerator[InvoiceEvent, None]:
        auth = caller(info)
        wanted = {k.value for k in kinds} if kinds else None
        database = info.context.database
        async with BROKER.subscribe(database, auth.account.id) as queue:
            while True:
                event = await queue.get()
                if wanted is not None and event.kind not in wanted:
                    continue
                async with database.sessions() as session, session.begin():
                    invoice = await load_invoice(session, auth.account, event.invoice_id)
                yield InvoiceEvent(
                    kind=InvoiceEventKind(event.kind),
                    invoice_id=strawberry.ID(event.invoice_uuid),
                    invoice=invoice,  # type: ignore[arg-type]
                )
