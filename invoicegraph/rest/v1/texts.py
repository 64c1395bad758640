"""The intro and close texts of the Orzame dialect: substitution variables and the markdown
spelling the seed answers.

The seed sends ``"# Invoice \\n{document_title}"`` with the invoice named "Development and
services invoice" and answers ``"# Invoice\\n\\nDevelopment and services invoice"``; after a
PATCH that renames the invoice the text still shows the old name. So variables are replaced
when the texts are written (create, or a PATCH that sends texts), and the result is stored.

How far we go: ``{document_title}`` (the invoice's name) is the one variable the seed shows
and the only one replaced; any other ``{…}`` is kept as written, never blanked. The markdown is
then written the way the seed answers it: an ATX heading loses its trailing spaces and is
followed by a blank line. Both leave the rendered document unchanged (CommonMark ignores a
heading's trailing spaces and ends the heading at its line), so nothing the client meant is
lost; fenced code blocks are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from invoicegraph.services.invoices import TextData

VARIABLES = ("document_title",)
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def substitute(text: str, *, document_title: str | None) -> str:
    return text.replace("{document_title}", document_title or "")


def normalise_markdown(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1) == fence:
                fence = None
            out.append(line)
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        if not _HEADING.match(line):
            out.append(line)
            continue
        out.append(line.rstrip())
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if following.strip():
            out.append("")
    return "\n".join(out)


def render_texts(texts: Sequence[TextData], *, document_title: str | None) -> list[TextData]:
    return [
        TextData(
            label=t.label,
            text=normalise_markdown(substitute(t.text, document_title=document_title)),
        )
        for t in texts
    ]


def uses_variables(texts: Sequence[TextData]) -> bool:
    return any("{" + name + "}" in t.text for t in texts for name in VARIABLES)
