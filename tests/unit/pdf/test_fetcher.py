"""While rendering, weasyprint may read our bundled assets and inline data, nothing else."""

from __future__ import annotations

import pytest

from invoicegraph.pdf.fetcher import ASSETS_DIR, BundledAssetsFetcher, RefusedURLError


@pytest.fixture
def fetcher() -> BundledAssetsFetcher:
    return BundledAssetsFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x.png",
        "https://example.com/logo.png",
        "ftp://example.com/file",
        "file:///etc/passwd",
        f"file://{ASSETS_DIR}/../fetcher.py",
        f"file://{ASSETS_DIR}/css/../../fetcher.py",
        f"file://example.com{ASSETS_DIR}/css/common.css",
        f"file://{ASSETS_DIR}/css/missing.css",
        "gopher://127.0.0.1:70/",
    ],
)
def test_everything_but_bundled_assets_and_data_is_refused(
    fetcher: BundledAssetsFetcher, url: str
) -> None:
    with pytest.raises(RefusedURLError):
        fetcher.fetch(url)


def test_inline_data_is_decoded(fetcher: BundledAssetsFetcher) -> None:
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")

    assert response.read() == b"hello"
    assert response.content_type == "text/plain"


def test_a_bundled_asset_is_read(fetcher: BundledAssetsFetcher) -> None:
    response = fetcher.fetch((ASSETS_DIR / "css" / "common.css").as_uri())

    assert b"@page" in response.read()
    assert response.content_type == "text/css"
