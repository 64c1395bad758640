"""Valid Spanish tax ids that no other test uses: a live account's tax id is unique on the
installation (one taxpayer, one numbering, one VERI*FACTU chain), and the test databases are
shared by every test of a session (and by parallel workers' own databases in turn)."""

from __future__ import annotations

import secrets

from stdnum.es import cif


def new_tax_id() -> str:
    """A random, valid CIF of a limited company (``B`` + 7 digits + check digit)."""
    digits = f"B{secrets.randbelow(10**7):07d}"
    return digits + cif.calc_check_digits(digits)[0]
