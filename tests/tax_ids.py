"""Valid Spanish tax ids that no other test uses: a live account's tax id is unique on the
installation (one taxpayer, one numbering, one VERI*FACTU chain), and the test databases are
shared by every test of a session (and by parallel workers' own databases in turn)."""

from __future__ import annotations

import itertools
import secrets

from stdnum.es import cif

# Consecutive numbers from a random start: random draws repeated each other by the birthday
# rule (thousands of accounts among 10^7 numbers made a clash likely in one run), while a
# counter never repeats in a process, and the random start keeps processes apart.
_NUMBERS = itertools.count(secrets.randbelow(10**7))


def new_tax_id() -> str:
    """A valid CIF of a limited company (``B`` + 7 digits + check digit), new in this run."""
    digits = f"B{next(_NUMBERS) % 10**7:07d}"
    return digits + cif.calc_check_digits(digits)[0]
