"""Why an e-invoice could not be produced.

An ``InvoiceDocument`` can hold things a structured format has no place for (a draft has no
number, Facturae needs a recipient's postal address, EN 16931 cannot mix "not subject to VAT"
with other VAT categories). Saying so loudly beats emitting a file the receiver rejects.
"""

from __future__ import annotations


class EInvoiceError(ValueError):
    """The document cannot be expressed in the requested e-invoice format; the message says why."""
