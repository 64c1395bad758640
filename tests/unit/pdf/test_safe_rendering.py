"""Rendering never opens a connection, whatever URL a client puts into an invoice's texts.

A real TCP listener on loopback stands in for an internal service an attacker would like our
servers to call (SSRF): the test asserts that not a single connection reaches it.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from invoicegraph.pdf.document import InvoiceDocument, Text
from invoicegraph.pdf.render import render_pdf_sync
from invoicegraph.pdf.typeset import html_to_pdf


class LoopbackListener:
    """Accepts and counts connections on 127.0.0.1 until closed."""

    def __init__(self) -> None:
        self.connections = 0
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self._server.settimeout(0.05)
        host, port = self._server.getsockname()
        self.port: int = port
        self.url = f"http://{host}:{port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()


@pytest.fixture
def listener() -> Iterator[LoopbackListener]:
    listening = LoopbackListener()
    yield listening
    listening.close()


def test_the_listener_does_count_a_real_connection(listener: LoopbackListener) -> None:
    with socket.create_connection(("127.0.0.1", listener.port), timeout=1):
        pass
    listener.close()

    assert listener.connections == 1


def test_urls_in_intro_texts_are_never_fetched(
    seed_invoice: InvoiceDocument,
    listener: LoopbackListener,
    read_pdf_text: Callable[[bytes], str],
) -> None:
    texts = (
        Text("Markdown image", f"![tracking pixel]({listener.url}/pixel.png)"),
        Text("Raw HTML", f'<img src="{listener.url}/raw.png"> <iframe src="{listener.url}/">'),
        Text("Link", f"[status page]({listener.url}/status)"),
    )
    document = dataclasses.replace(seed_invoice, intro_texts=texts, close_texts=texts)

    pdf = render_pdf_sync(document)
    listener.close()

    assert listener.connections == 0
    text = read_pdf_text(pdf)
    assert "[tracking pixel]" in text
    assert '<img src="' in text  # escaped, so printed as text
    assert f"({listener.url}/status)" in text


def test_resources_named_by_html_itself_are_refused(listener: LoopbackListener) -> None:
    url = listener.url
    html = f"""<!DOCTYPE html><html><head>
        <link rel="stylesheet" href="{url}/style.css">
        <link rel="attachment" href="{url}/attachment.bin">
        <style>
          @import url("{url}/import.css");
          @font-face {{ font-family: Remote; src: url("{url}/font.ttf"); }}
          body {{ background: url("{url}/background.png"); font-family: Remote; }}
        </style></head><body>
        <p>Total a pagar</p>
        <img src="{url}/image.png"><img src="file:///etc/passwd">
        <object data="{url}/object.svg"></object><embed src="{url}/embed.svg">
        <svg><image href="{url}/svg-image.png" width="10" height="10"/></svg>
        </body></html>"""

    pdf = html_to_pdf(html)
    listener.close()

    assert listener.connections == 0
    assert pdf.startswith(b"%PDF-")
    assert b"root:x:0:0" not in pdf
