"""Small helpers shared by the catalogue tests."""

from __future__ import annotations

from invoicegraph.domain.errors import ValidationFailed


def field_codes(error: ValidationFailed) -> dict[str, str]:
    """``{field: code}`` of a validation error; every offending field appears once."""
    fields = [f.field for f in error.fields]
    assert len(fields) == len(set(fields)), f"a field is reported twice: {error.fields}"
    return {f.field: f.code for f in error.fields}
