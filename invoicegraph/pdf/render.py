"""Invoice PDFs: the entry points services and the e-invoice writer call.

``await render_pdf(document)`` renders in a warm worker process, off the event loop;
``render_pdf_sync(document)`` does the same work in the calling process (scripts, tests, the
pool's workers). The app's lifespan calls ``await start_pool(settings.pdf_workers)`` on start and
``shutdown_pool()`` on stop.

Importing this module does not import weasyprint, so the server process never loads it: the
synchronous path imports :mod:`invoicegraph.pdf.typeset` when it is first used.
"""

from __future__ import annotations

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.pool import configure_pool, pool_size, render_pdf, shutdown_pool, start_pool

__all__ = [
    "configure_pool",
    "pool_size",
    "render_pdf",
    "render_pdf_sync",
    "shutdown_pool",
    "start_pool",
]


def render_pdf_sync(document: InvoiceDocument, variant: str | None = None) -> bytes:
    """Render ``document`` to PDF bytes in this process, blocking until done.

    ``variant`` is weasyprint's ``pdf_variant`` (``"pdf/a-3b"`` for the Factur-X base the
    e-invoice writer embeds its XML into); ``None`` gives a plain PDF.
    """
    from invoicegraph.pdf.typeset import render_document

    return render_document(document, variant)
