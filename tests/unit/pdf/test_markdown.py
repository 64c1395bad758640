"""Intro and close texts are the client's markdown: formatted, but never trusted."""

from __future__ import annotations

from invoicegraph.pdf.markdown import render_markdown


def test_basic_markdown_is_formatted() -> None:
    html = render_markdown("#### Thank you\n\nSincerely the ***dev team***.")

    assert "<h4>Thank you</h4>" in html
    assert "<em><strong>dev team</strong></em>" in html


def test_raw_html_is_escaped_not_interpreted() -> None:
    html = render_markdown('Hello <img src="http://127.0.0.1:9/x.png"><script>alert(1)</script>')

    assert "<img" not in html
    assert "<script" not in html
    assert "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;" in html


def test_an_image_is_printed_as_its_alt_text_and_never_loaded() -> None:
    html = render_markdown("![our logo](http://127.0.0.1:9/logo.png)")

    assert "<img" not in html
    assert "[our logo]" in html
    assert "127.0.0.1" not in html


def test_a_link_shows_its_address_after_its_text() -> None:
    html = render_markdown("Questions? [visit our website](https://www.orzame.com).")

    assert '<a href="https://www.orzame.com">visit our website</a>' in html
    assert "(https://www.orzame.com)" in html


def test_a_link_whose_text_is_its_address_is_not_repeated() -> None:
    html = render_markdown("<https://www.orzame.com> and [https://a.example](https://a.example)")

    assert html.count("https://www.orzame.com") == 2  # href and text, no third copy
    assert html.count("https://a.example") == 2


def test_dangerous_link_schemes_are_not_made_links() -> None:
    html = render_markdown("[click](javascript:alert(1)) [passwd](file:///etc/passwd)")

    assert "<a" not in html
