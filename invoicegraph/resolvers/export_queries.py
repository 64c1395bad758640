"""``exportDownload``: a signed link, valid 15 minutes, to an export of the caller's account
(``services.export_links``). Exports are reads: any key may ask for one."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

import strawberry

from invoicegraph.db.base import utcnow
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.resolvers.common import caller
from invoicegraph.schema.arguments import described
from invoicegraph.schema.context import Info
from invoicegraph.schema.error_codes import bad_input
from invoicegraph.schema.export_types import ExportDownload, ExportFormat, ExportKind
from invoicegraph.services.export_links import DOWNLOAD_PATH, link_token
from invoicegraph.services.exports import MAX_RANGE_DAYS, account_today, export_range, file_name


@strawberry.type
class ExportQueries:
    @strawberry.field(
        description="A link (15 minutes) that downloads an export of the invoices issued from "
        "`from` to `to`, both included (default: this quarter so far; at most "
        f"{MAX_RANGE_DAYS} days). The file is streamed as it is read, however long the range."
    )
    async def export_download(
        self,
        info: Info,
        kind: Annotated[ExportKind, described("What to export.")],
        from_: Annotated[
            dt.date | None,
            strawberry.argument(name="from", description="First issue date, included."),
        ] = None,
        to: Annotated[dt.date | None, described("Last issue date, included.")] = None,
        format: Annotated[ExportFormat, described("The file format.")] = ExportFormat.CSV,
    ) -> ExportDownload:
        auth = caller(info)
        try:
            span = export_range(from_, to, today=account_today(auth.account))
        except ValidationFailed as exc:
            first = exc.fields[0]
            raise bad_input(f"{first.field}: {first.message}", first.field) from None
        kind_value, fmt = str(kind.value), str(format.value)
        token, expires = link_token(auth, kind_value, span, fmt, now=utcnow())
        base = info.context.settings.public_base_url
        return ExportDownload(
            url=f"{base}{DOWNLOAD_PATH}?{urlencode({'token': token})}",
            expires_at=expires,
            file_name=file_name(kind_value, span, fmt),
        )
