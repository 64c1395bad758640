"""The Subscription root: invoice events of the caller's account, live."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from starlette.websockets import WebSocket

from invoicegraph.resolvers.common import caller
from invoicegraph.schema.context import Info
from invoicegraph.schema.errors import top_level
from invoicegraph.schema.invoice_types import Invoice
from invoicegraph.schema.socket_key import (
    REVOKED_CLOSE_REASON,
    close_for_revoked_key,
    key_is_active,
)
from invoicegraph.services.events import BROKER
from invoicegraph.services.invoices.loading import load_invoice


@strawberry.enum(description="What happened to an invoice.")
class InvoiceEventKind(enum.Enum):
    CREATED = strawberry.enum_value("created", description="A draft was created.")
    ISSUED = strawberry.enum_value("issued", description="It was issued (numbered).")
    RECTIFIED = strawberry.enum_value("rectified", description="A rectificative corrected it.")
    PAID = strawberry.enum_value("paid", description="Its payment date was recorded.")


@strawberry.type(description="A change to an invoice of the account.")
class InvoiceEvent:
    kind: InvoiceEventKind = strawberry.field(description="What happened.")
    invoice_id: strawberry.ID = strawberry.field(description="The invoice's UUID.")
    invoice: Invoice | None = strawberry.field(description="The invoice as it is now.")


async def _require_active_key(info: Info) -> None:
    """Refuse to go on for a key revoked since the socket opened: close its socket."""
    auth = caller(info)
    if await key_is_active(info.context.database, auth.key.id):
        return
    request = info.context.request
    if isinstance(request, WebSocket):
        await close_for_revoked_key(request)
    raise top_level("UNAUTHENTICATED", REVOKED_CLOSE_REASON)


@strawberry.type(description="Live events, over WebSocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(
        description="Invoices of your account as they are created, issued, rectified and paid."
    )
    async def invoice_events(
        self,
        info: Info,
        kinds: Annotated[
            list[InvoiceEventKind] | None,
            strawberry.argument(description="Only these kinds; every kind when omitted."),
        ] = None,
    ) -> AsyncGenerator[InvoiceEvent, None]:
        auth = caller(info)
        wanted = {str(k.value) for k in kinds} if kinds else None
        database = info.context.database
        await _require_active_key(info)
        async with BROKER.subscribe(database, auth.account.id) as queue:
            while True:
                event = await queue.get()
                if wanted is not None and event.kind not in wanted:
                    continue
                # the socket's own guard re-checks every few seconds; this closes the gap
                # between a revocation and the guard's next look
                await _require_active_key(info)
                async with database.sessions() as session, session.begin():
                    invoice = await load_invoice(session, auth.account, event.invoice_id)
                yield InvoiceEvent(
                    kind=InvoiceEventKind(event.kind),
                    invoice_id=strawberry.ID(event.invoice_uuid),
                    invoice=invoice,  # type: ignore[arg-type]
                )
