"""Currencies as the Orzame dialect spells them.

The seed sends ISO codes (``"ARS"``) and symbols (``"€"``, ``"$"``) alike and answers each
invoice's currency in one of those spellings: its create example sends and answers ``"ARS"``,
its PATCH example sends and answers ``"$"``, and its stored EUR invoices answer ``"€"``. The
services keep the ISO 4217 code; this dialect maps in both directions with one fixed table, so
every example of the seed comes out as it is written and create, PATCH and GET always agree:

- in: a symbol of the table becomes its code (``"€"`` → ``EUR``); an ISO code is taken in any
  case (``"eur"`` and ``"EUR"``; the services check that it is one);
- out: a currency with a symbol in the table is answered by its symbol (``EUR`` → ``"€"``),
  every other by its code (``ARS`` → ``"ARS"``).

So a client that picks a value from ``/v1/info`` (``data.options.currencies`` lists exactly the
answered spellings) gets back what it sent; one that sends ``"EUR"`` gets ``"€"``.
"""

from __future__ import annotations

import re

from invoicegraph.services.invoices.inputs import CURRENCIES

# one symbol per currency, none ambiguous among the currencies they name ("$" is the dollar)
SYMBOLS: dict[str, str] = {"€": "EUR", "$": "USD", "£": "GBP"}
_SYMBOL_OF = {code: symbol for symbol, code in SYMBOLS.items()}
CURRENCY_PATTERN = "^([A-Za-z]{3}|" + "|".join(re.escape(s) for s in SYMBOLS) + ")$"
_CURRENCY = re.compile(CURRENCY_PATTERN)


def currency_in(value: str) -> str | None:
    """The ISO code the services take for what a client sent (they check it is a real one);
    None when it is neither a symbol of the table nor three letters."""
    if not _CURRENCY.fullmatch(value):
        return None
    return SYMBOLS.get(value, value.upper())


def currency_out(code: str) -> str:
    return _SYMBOL_OF.get(code, code)


def dialect_currencies() -> list[str]:
    """What ``/v1/info`` offers: the symbols first, then every other ISO code."""
    return [*SYMBOLS, *sorted(code for code in CURRENCIES if code not in _SYMBOL_OF)]
