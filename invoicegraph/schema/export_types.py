"""The GraphQL face of exports: which export, which file format, and the signed link answered."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry


@strawberry.enum(description="What an export lists.")
class ExportKind(enum.Enum):
    REGISTER = strawberry.enum_value(
        "register",
        description="The register of invoices issued (libro registro de facturas expedidas), "
        "in the tax agency's column layout: one row per invoice and tax rate.",
    )
    INVOICES = strawberry.enum_value(
        "invoices", description="The invoices issued, one row each with their totals."
    )


@strawberry.enum(description="The file an export is written as.")
class ExportFormat(enum.Enum):
    CSV = strawberry.enum_value(
        "csv", description="`;` separated, decimal comma, dd/mm/yyyy, UTF-8 with a BOM."
    )
    XLSX = strawberry.enum_value("xlsx", description="An Excel workbook of one sheet.")


@strawberry.type(description="A short-lived link that downloads an export without an API key.")
class ExportDownload:
    url: str = strawberry.field(
        description="GET it to download the file (absolute when PUBLIC_BASE_URL is set, else "
        "a path on this server). Anyone holding it can download until `expiresAt`."
    )
    expires_at: dt.datetime = strawberry.field(description="When the link stops working.")
    file_name: str = strawberry.field(description="The name the download is served with.")
