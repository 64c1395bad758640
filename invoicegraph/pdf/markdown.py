"""Intro and close texts: the client's markdown made into safe HTML for the invoice template.

The texts come from API clients, so they are untrusted. Raw HTML is escaped (markdown-it's
``html`` option off), images become their alt text (an ``<img>`` would make the renderer fetch a
URL of the client's choosing), and a link keeps its text with its address printed after it: on
paper a link is only useful if the reader can see where it goes. markdown-it's own link validation
already drops ``javascript:``, ``file:`` and ``data:`` links.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

_LINK_STACK = "invoicegraph_link_stack"


def _render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """An image is printed as its alt text in brackets and never loaded."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return f'<span class="md-image">[{escapeHtml(alt)}]</span>' if alt else ""


def _render_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """Remember the link's address so that ``link_close`` can print it after the text."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    text_parts: list[str] = []
    for following in tokens[idx + 1 :]:
        if following.type == "link_close":
            break
        text_parts.append(following.content)
    text = "".join(text_parts)
    is_autolink = token.markup == "autolink"
    env.setdefault(_LINK_STACK, []).append("" if is_autolink or text == href else href)
    rendered: str = self.renderToken(tokens, idx, options, env)
    return rendered


def _render_link_close(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """Close the link and show its address, so it is readable on paper."""
    href = env.get(_LINK_STACK, [""]).pop()
    closing: str = self.renderToken(tokens, idx, options, env)
    if href:
        closing += f' <span class="md-href">({escapeHtml(href)})</span>'
    return closing


def _build_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.add_render_rule("image", _render_image)
    parser.add_render_rule("link_open", _render_link_open)
    parser.add_render_rule("link_close", _render_link_close)
    return parser


_PARSER = _build_parser()


def render_markdown(source: str) -> Markup:
    """Render ``source`` to HTML that is safe to place unescaped in the invoice template."""
    return Markup(_PARSER.render(source, {}))  # noqa: S704 — markdown-it escapes all raw HTML
