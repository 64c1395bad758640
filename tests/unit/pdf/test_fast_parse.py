"""The invoice HTML is read by expat when it is well-formed XML, and that changes nothing: the tree
is the one weasyprint's own HTML5 parser builds, for every template, language and kind of
invoice and for the client's markdown; what expat refuses is read by the HTML5 parser."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

import pytest
from weasyprint import HTML

from invoicegraph.pdf.document import InvoiceDocument, Text
from invoicegraph.pdf.fetcher import ASSETS_BASE_URL, BundledAssetsFetcher
from invoicegraph.pdf.labels import LANGUAGES
from invoicegraph.pdf.layouts import INVOICE_TEMPLATES
from invoicegraph.pdf.render import render_pdf_sync
from invoicegraph.pdf.typeset import _InvoiceHTML, render_html

ReadText = Callable[[bytes], str]

MARKDOWN = (
    Text("Lists", "1. first\n2. second\n\n- a\n- b\n\n> quoted"),
    Text("Breaks", "line one  \nline two\n\n---\n\n`code` and\n\n```\nblock <b>\n```"),
    Text("Links", '[site](https://example.com/?a=1&b=2 "t") <https://example.org> ![logo](x.png)'),
    Text("Escapes", "Tom & \"Jerry\" <script>alert(1)</script> &copy; &#65; ' it's"),
    Text("Headings", "# One\n## Two\n###### Six\n\n*em* **strong** ***both*** ~~no~~"),
)


def as_tuple(element: Element) -> tuple[object, ...]:
    return (
        element.tag,
        sorted(element.attrib.items()),
        element.text,
        element.tail,
        [as_tuple(child) for child in element],
    )


def trees(markup: str) -> tuple[_InvoiceHTML, HTML]:
    fetcher = BundledAssetsFetcher()
    return (
        _InvoiceHTML(markup, fetcher),
        HTML(string=markup, base_url=ASSETS_BASE_URL, url_fetcher=fetcher),
    )


def documents(base: InvoiceDocument) -> list[InvoiceDocument]:
    variants = [dataclasses.replace(base, template_id=t.id) for t in INVOICE_TEMPLATES]
    variants += [dataclasses.replace(base, lang=lang) for lang in LANGUAGES]
    variants.append(dataclasses.replace(base, intro_texts=MARKDOWN, close_texts=MARKDOWN[::-1]))
    return variants


@pytest.mark.parametrize(
    "fixture",
    ["seed_invoice", "verifactu_invoice", "rectificative_invoice", "draft_invoice", "long_invoice"],
)
def test_expat_builds_the_tree_the_html5_parser_builds(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    for document in documents(request.getfixturevalue(fixture)):
        fast, html5 = trees(render_html(document))

        assert as_tuple(fast.etree_element) == as_tuple(html5.etree_element)
        # and the document is set up as HTML.__init__ sets it up, nothing missing
        assert sorted(vars(fast)) == sorted(vars(html5))
        assert (fast.base_url, fast.media_type) == (html5.base_url, html5.media_type)


def test_the_templates_are_well_formed_xml(seed_invoice: InvoiceDocument) -> None:
    # a template that stopped being XML would silently fall back to the slow parser
    for document in documents(seed_invoice):
        root = ElementTree.fromstring(render_html(document))
        assert root.tag == "html"


def test_text_expat_refuses_is_read_by_the_html5_parser(
    seed_invoice: InvoiceDocument, read_pdf_text: ReadText
) -> None:
    # a control character is not allowed in XML 1.0; the HTML5 parser reads it
    text = Text("Control", "before\x01after and a form\x0cfeed")
    document = dataclasses.replace(seed_invoice, close_texts=(text,))

    fast, html5 = trees(render_html(document))

    assert as_tuple(fast.etree_element) == as_tuple(html5.etree_element)
    assert "Total a pagar 4.494,38 €" in read_pdf_text(render_pdf_sync(document))
