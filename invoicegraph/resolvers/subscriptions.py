"""The Subscription root: invoice events of the caller's account, live."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from contextlib import suppress
from typing import Annotated

import strawberry
from starlette.websockets import WebSocket

from invoicegraph.domain.errors import NotFound
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
    UPDATED = strawberry.enum_value("updated", description="A field of it changed.")
    ANNULLED = strawberry.enum_value("annulled", description="It was annulled.")
    DELETED = strawberry.enum_value("deleted", description="It was deleted (`invoice` is null).")


@strawberry.type(description="A change to an invoice of the account.")
class InvoiceEvent:
    event_id: strawberry.ID = strawberry.field(
        description="The recorded event's id: the same id its webhook delivery carries."
    )
    kind: InvoiceEventKind = strawberry.field(description="What happened.")
    invoice_id: strawberry.ID = strawberry.field(description="The invoice's UUID.")
    invoice: Invoice | None = strawberry.field(description="The invoice as it is now.")


_KINDS = frozenset(str(k.value) for k in InvoiceEventKind)


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
        description=(
            "Invoices of your account as they are created, updated, issued, rectified, paid, "
            "annulled and deleted: the recorded events that webhooks deliver too."
        )
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
                kind = event.type.removeprefix("invoice.")
                if event.object_kind != "invoice" or kind not in _KINDS:
                    continue
                if wanted is not None and kind not in wanted:
                    continue
                # the socket's own guard re-checks every few seconds; this closes the gap
                # between a revocation and the guard's next look
                await _require_active_key(info)
                invoice = None
                if kind != "deleted":
                    async with database.sessions() as session, session.begin():
                        with suppress(NotFound):  # deleted since
                            invoice = await load_invoice(session, auth.account, event.object_id)
                yield InvoiceEvent(
                    event_id=strawberry.ID(event.id),
                    kind=InvoiceEventKind(kind),
                    invoice_id=strawberry.ID(event.object_uuid),
                    invoice=invoice,  # type: ignore[arg-type]
                )
