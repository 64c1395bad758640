"""InvoiceDocument → HTML → PDF with weasyprint, synchronously, in whichever process calls it.

This is CPU work: the app never calls it on the event loop but through
:func:`invoicegraph.pdf.render.render_pdf`, which runs it in a worker process. Everything costly and
reusable is built once per process and kept: the Jinja environment (compiled templates), the
fontconfig configuration, and the parsed stylesheets (parsing the templates' CSS takes longer
than laying out a one-page invoice). :func:`warm_up` builds them and renders a sample of each
template so that fonts and glyph caches are loaded before the first real request.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from xml.etree import ElementTree

import cssselect2
from jinja2 import BaseLoader, Environment, FileSystemLoader, StrictUndefined
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.fetcher import ASSETS_BASE_URL, ASSETS_DIR, BundledAssetsFetcher
from invoicegraph.pdf.labels import labels_for
from invoicegraph.pdf.layouts import INVOICE_TEMPLATES, InvoiceTemplate
from invoicegraph.pdf.view import InvoiceView, build_view, justified_rows

TEMPLATES_DIR = ASSETS_DIR.parent / "templates"
CSS_DIR = ASSETS_DIR / "css"

#: Whitespace between two tags, or between a tag and a Jinja statement (never around ``{{ }}``).
_BETWEEN_TAGS = re.compile(r"(>|%\})\s+(?=<|\{%)")


class _CompactLoader(FileSystemLoader):
    """Loads templates with the whitespace between tags removed.

    Indentation between table tags would otherwise become text nodes that weasyprint turns into
    boxes and then discards. Only template source is compacted, never rendered values, so a
    template that needs a space between two tags writes it inside one of them.
    """

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        return _BETWEEN_TAGS.sub(r"\1", source), filename, uptodate


def css_string(value: str) -> str:
    """``value`` as a quoted CSS string.

    Backslash and quote are escaped for CSS, ``<`` is written as a CSS escape so the text could
    never close a ``<style>`` element, and line breaks become CSS newlines.
    """
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("<", "\\3c ")
        .replace("\n", "\\a ")
        .replace("\r", "")
    )
    return f'"{escaped}"'


@lru_cache(maxsize=1)
def _environment() -> Environment:
    loader: BaseLoader = _CompactLoader(TEMPLATES_DIR)
    environment = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.filters["rows"] = justified_rows
    return environment


def render_view(view: InvoiceView) -> str:
    """The HTML of an already built view."""
    template = _environment().get_template(f"{view.template.name}.html.j2")
    return template.render(view=view)


def render_html(document: InvoiceDocument) -> str:
    """The invoice's HTML as weasyprint lays it out (its stylesheets are applied separately)."""
    return render_view(build_view(document))


class _InvoiceHTML(HTML):  # type: ignore[misc]  # weasyprint ships no types
    """An HTML document laid out with our lean user-agent sheet (``assets/css/ua.css``) instead
    of weasyprint's HTML5 one, whose universal pseudo-element rules cost a fifth of a page, and
    read with the C XML parser when it is well-formed XML.

    weasyprint parses HTML with tinyhtml5, a pure-Python HTML5 parser: ~6 ms for a one-page
    invoice, 40 times what expat takes for the same text. Our templates write well-formed XHTML
    (every element closed, ``<tbody>`` written out, values escaped by Jinja, the client's markdown
    by markdown-it in XHTML mode), and for such a document both parsers build the same element
    tree (tests/unit/pdf/test_fast_parse.py compares them), so the tree expat builds is handed
    to weasyprint as its own parser's would be. One difference is XML's: a line break or tab
    inside an attribute value becomes a space (the footer's ``data-footer`` and the author
    metadata, where white space collapses to a space when printed anyway). Anything expat
    refuses (a control character in a client's text, HTML that is not XML) goes through
    tinyhtml5 as before.
    """

    user_agent_sheet: CSS | None = None

    def __init__(self, markup: str, url_fetcher: BundledAssetsFetcher) -> None:
        try:
            # Our own template: its only DTD is the HTML5 doctype and every client text is
            # escaped, so there is no entity for expat to expand and nothing to fetch.
            root = ElementTree.fromstring(markup)  # noqa: S314
        except ElementTree.ParseError:
            super().__init__(string=markup, base_url=ASSETS_BASE_URL, url_fetcher=url_fetcher)
            return
        # What HTML.__init__ sets once its parser has built the tree.
        self.base_url = ASSETS_BASE_URL
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        assert self.user_agent_sheet is not None, "parse the sheet before laying out"
        return [self.user_agent_sheet]


@dataclass(frozen=True, slots=True)
class _Typesetter:
    """What weasyprint reuses between documents in one process."""

    font_config: FontConfiguration
    fetcher: BundledAssetsFetcher
    stylesheets: dict[int, tuple[CSS, ...]]

    def parse(self, css: str) -> CSS:
        return CSS(
            string=css,
            base_url=ASSETS_BASE_URL,
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )


_typesetter_lock = threading.Lock()
_typesetter: _Typesetter | None = None
#: One layout at a time per process: the font configuration and caches are shared state, and a
#: pool worker takes one job at a time anyway; this only matters to callers that use threads.
_layout_lock = threading.Lock()


def _template_css(template: InvoiceTemplate) -> tuple[str, ...]:
    files = (CSS_DIR / "common.css", CSS_DIR / f"{template.name}.css")
    return tuple(path.read_text(encoding="utf-8") for path in files)


def _get_typesetter() -> _Typesetter:
    global _typesetter
    if _typesetter is None:
        with _typesetter_lock:
            if _typesetter is None:
                typesetter = _Typesetter(FontConfiguration(), BundledAssetsFetcher(), {})
                ua_css = (CSS_DIR / "ua.css").read_text(encoding="utf-8")
                _InvoiceHTML.user_agent_sheet = typesetter.parse(ua_css)
                for template in INVOICE_TEMPLATES:
                    typesetter.stylesheets[template.id] = tuple(
                        typesetter.parse(css) for css in _template_css(template)
                    )
                _typesetter = typesetter
    return _typesetter


@lru_cache(maxsize=64)
def _accent_stylesheet(accent: str) -> CSS:
    """The accent rules in ``accent`` (a validated ``#rrggbb``), parsed once per colour."""
    css = (CSS_DIR / "accent.css").read_text(encoding="utf-8").replace("ACCENT", accent)
    return _get_typesetter().parse(css)


@lru_cache(maxsize=8)
def _page_counter_stylesheet(lang: str) -> CSS:
    """The footer's "page X of Y" in ``lang``, parsed once per language."""
    before, _, rest = labels_for(lang).page_of.partition("{page}")
    between, _, after = rest.partition("{pages}")
    content = (
        f"{css_string(before)} counter(page) {css_string(between)} "
        f"counter(pages) {css_string(after)}"
    )
    return _get_typesetter().parse(f"@page {{ @bottom-right {{ content: {content}; }} }}")


def stylesheets_for(view: InvoiceView) -> tuple[CSS, ...]:
    """The parsed stylesheets ``view`` is laid out with: its template's, its accent, its footer."""
    return (
        *_get_typesetter().stylesheets[view.template.id],
        _accent_stylesheet(view.accent),
        _page_counter_stylesheet(view.lang),
    )


def html_to_pdf(
    html: str, *, stylesheets: tuple[CSS, ...] = (), variant: str | None = None
) -> bytes:
    """Lay out ``html`` with the safe fetcher and the process's fonts: the one weasyprint call.

    Every resource the document names goes through :class:`BundledAssetsFetcher`, so this is
    safe for HTML that contains client-supplied text.
    """
    typesetter = _get_typesetter()
    with _layout_lock:
        document = _InvoiceHTML(html, typesetter.fetcher)
        pdf: bytes = document.write_pdf(
            stylesheets=list(stylesheets),
            font_config=typesetter.font_config,
            pdf_variant=variant,
        )
    return pdf


def render_document(document: InvoiceDocument, variant: str | None = None) -> bytes:
    """Render ``document`` to PDF bytes in this process (``variant``: weasyprint's
    ``pdf_variant``, e.g. ``"pdf/a-3b"``; ``None`` for a plain PDF)."""
    view = build_view(document)
    return html_to_pdf(render_view(view), stylesheets=stylesheets_for(view), variant=variant)


def warm_up() -> None:
    """Build the reusable state and render a sample of each template, and prepare each language
    (Babel's locale data, the footer sheet), so the first real invoice finds everything loaded."""
    from invoicegraph.pdf.labels import LANGUAGES
    from invoicegraph.pdf.sample import sample_document

    for template in INVOICE_TEMPLATES:
        render_document(sample_document(template_id=template.id))
    for lang in LANGUAGES:
        render_view(build_view(sample_document(lang=lang)))
        _page_counter_stylesheet(lang)
