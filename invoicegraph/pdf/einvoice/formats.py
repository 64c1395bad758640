"""The e-invoice formats this package writes, named once for the renderer and the validator."""

from __future__ import annotations

from typing import Literal

EInvoiceFormat = Literal["facturx", "ubl", "facturae"]
XML_MEDIA_TYPE = "application/xml"
