"""The only way weasyprint may load a resource while rendering an invoice.

Invoice content comes from API clients. weasyprint fetches whatever URL an ``<img>``, a
stylesheet, ``@import`` or ``url()`` names, which would let a client make our servers open
connections (SSRF) or read local files into a PDF. The fetcher answers only ``data:`` URLs (the
QR symbol) and ``file:`` URLs inside this package's ``assets/`` directory; everything else is
refused without any I/O. weasyprint treats a refused resource as missing and renders on.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import DataHandler, Request, url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

#: Bundled resources a template may reference by relative URL.
ASSETS_DIR = (Path(__file__).parent / "assets").resolve()
#: The base URL of every rendered document, so relative URLs resolve inside ``ASSETS_DIR``.
ASSETS_BASE_URL = ASSETS_DIR.as_uri() + "/"

logger = logging.getLogger(__name__)


class RefusedURLError(ValueError):
    """A URL the renderer will not load: not bundled, not inline data."""


def _bundled_asset(url: str) -> Path:
    """The file under ``ASSETS_DIR`` that a ``file:`` URL names, refusing anything else.

    Resolving symlinks and ``..`` before the containment check keeps ``file:`` URLs from walking
    out of the assets directory.
    """
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise RefusedURLError(url)
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(ASSETS_DIR) or not path.is_file():
        raise RefusedURLError(url)
    return path


class BundledAssetsFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types
    """A weasyprint URL fetcher that opens no network connection and reads only our assets."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Answer ``data:`` and bundled ``file:`` URLs; refuse every other URL."""
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            # urllib's DataHandler only decodes the URL itself: no I/O is involved.
            with DataHandler().data_open(Request(url)) as response:  # noqa: S310 — data: only
                content_type = response.headers.get("Content-Type", "text/plain")
                return URLFetcherResponse(url, response.read(), {"Content-Type": content_type})
        if scheme == "file":
            try:
                path = _bundled_asset(url)
            except RefusedURLError:
                logger.warning("refused non-bundled file URL while rendering a PDF: %s", url)
                raise
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        logger.warning("refused external URL while rendering a PDF: %.200s", url)
        raise RefusedURLError(url)
