"""Series numbering rules: display format and issue-date order (pure)."""

from __future__ import annotations

import datetime as dt
import re
import string

from invoicegraph.domain.errors import ValidationFailed

SERIES_KINDS = ("ordinary", "rectificative", "simplified")
_FIELDS = {"code", "number", "year"}
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]{0,19}$")


# a width of at most two digits: ``{number:05d}``, ``{number:>8}``; nothing nested, no conversion
_SPEC_RE = re.compile(r"(?:[^{}]?[<>=^])?0?[0-9]{0,2}d?")
MAX_FORMAT_LENGTH = 64


def check_number_format(fmt: str, field: str = "number_format") -> str:
    """A format such as ``{code}{number}`` or ``{code}{year}/{number:05d}``; must contain
    ``{number}`` so every invoice of a series gets a distinct text.

    Checked by reading it, never by rendering it first: ``{number:>200000000}`` is 19 characters
    that would allocate 200 MB to render."""
    if len(fmt) > MAX_FORMAT_LENGTH:
        raise ValidationFailed.single(field, f"at most {MAX_FORMAT_LENGTH} characters")
    names: set[str] = set()
    try:
        for _, name, spec, conversion in string.Formatter().parse(fmt):
            if name is None:
                continue
            if conversion is not None or not _SPEC_RE.fullmatch(spec or ""):
                raise ValidationFailed.single(
                    field, "a field may only carry a width of at most 99, like {number:05d}"
                )
            names.add(name)
    except ValueError as exc:
        raise ValidationFailed.single(field, f"invalid format: {exc}") from exc
    if "number" not in names or not names <= _FIELDS:
        raise ValidationFailed.single(
            field, "must contain {number} and only {code}, {number}, {year}"
        )
    try:
        format_number(fmt, "F", 1, dt.date(2024, 1, 1))
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationFailed.single(field, f"invalid format: {exc}") from exc
    return fmt


def check_series_code(code: str, field: str = "code") -> str:
    code = code.strip()
    if not _CODE_RE.match(code):
        raise ValidationFailed.single(
            field, "1–20 letters, digits or - _ / . (starting with a letter or digit)"
        )
    return code


def format_number(fmt: str, code: str, number: int, date: dt.date) -> str:
    return fmt.format(code=code, number=number, year=date.year)


def check_issue_date(
    date: dt.date, *, last_issue_date: dt.date | None, today: dt.date, field: str = "date"
) -> None:
    """An issue date may not precede the series' last one (numbers follow dates) nor lie in
    the future (VERI*FACTU forbids it, and so does common sense)."""
    if date > today:
        raise ValidationFailed.single(field, f"cannot be later than today ({today.isoformat()})")
    if last_issue_date is not None and date < last_issue_date:
        raise ValidationFailed.single(
            field,
            f"cannot precede the series' last issue date ({last_issue_date.isoformat()})",
            "before_last_issue",
        )
