"""The ``e_invoicing`` block of an invoice, written by the database (both REST dialects show
it key for key as ``services.verifactu.state.EInvoicing.as_block``).

The same rules as ``e_invoicing_states``: nothing for a draft or when the account has
VERI*FACTU off; else the newest record's submission says whether the agency has answered
(``processed``) and whether that answer was a problem (``on_error``), and the newest
registration record with an amount gives the check URL of the QR code (the test host for a
sandbox account).
"""

from __future__ import annotations

from invoicegraph.domain.verifactu.codes import QR_URL_PRODUCTION, QR_URL_TEST
from invoicegraph.services.verifactu.state import ANSWERED, PROBLEMS
from invoicegraph.services.verifactu.stored import ALTA
from invoicegraph.sqlread.documents import Flavour
from invoicegraph.sqlread.jsontext import JsonSql, sql_text


def _among(expression: str, values: frozenset[str]) -> str:
    listed = ", ".join(sql_text(value) for value in sorted(values))
    return f"(CASE WHEN {expression} IN ({listed}) THEN 'true' ELSE 'false' END)"


def qr_link(j: JsonSql, flavour: Flavour, invoice: str) -> str:
    """The check URL as a JSON string, or ``null`` when no registration record has one."""
    base = QR_URL_TEST if flavour.sandbox else QR_URL_PRODUCTION
    url = j.concat(
        [
            sql_text(f'"{base}?nif='),
            j.url_component("alta.issuer_tax_id"),
            "'&numserie='",
            j.url_component("alta.invoice_number"),
            "'&fecha='",
            j.dmy("alta.invoice_date"),
            "'&importe='",
            j.cents("alta.total_amount"),  # digits, "." and "-": nothing to escape
            "'\"'",
        ]
    )
    return (
        f"coalesce((SELECT {url} FROM verifactu_records AS alta"
        f" WHERE alta.account_id = {invoice}.account_id AND alta.invoice_id = {invoice}.id"
        f" AND alta.record_type = {sql_text(ALTA)} AND alta.total_amount IS NOT NULL"
        " ORDER BY alta.chain_position DESC LIMIT 1), 'null')"
    )


def e_invoicing(j: JsonSql, flavour: Flavour, invoice: str) -> str:
    """The block as JSON text, or ``null``."""
    if not flavour.verifactu:
        return "'null'"
    status = "coalesce(submission.status, 'pending')"
    block = j.obj(
        [
            ("system", "'\"VERIFACTU\"'"),
            ("country", "'\"ES\"'"),
            ("processed", _among(status, ANSWERED)),
            ("on_error", _among(status, PROBLEMS)),
            ("external_link", qr_link(j, flavour, invoice)),
        ]
    )
    newest = (
        f"(SELECT {block} FROM verifactu_records AS record"
        " LEFT JOIN verifactu_submissions AS submission"
        " ON submission.account_id = record.account_id AND submission.record_id = record.id"
        f" WHERE record.account_id = {invoice}.account_id AND record.invoice_id = {invoice}.id"
        " ORDER BY record.chain_position DESC LIMIT 1)"
    )
    draft = f"{invoice}.status = 'draft'"
    return f"(CASE WHEN {draft} THEN 'null' ELSE coalesce({newest}, 'null') END)"
