"""The dialect's texts (substitution variables, the markdown spelling the seed answers) and its
currency spellings."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.rest.v1.currency import currency_in, currency_out
from invoicegraph.rest.v1.texts import normalise_markdown, substitute
from invoicegraph.services.verifactu import system
from invoicegraph.settings import Settings

from .conftest import Seed, create, issue, seed_payload, today


def test_document_title_is_replaced_and_other_variables_kept() -> None:
    text = "{document_title} for {client_name}"

    assert substitute(text, document_title="Invoice 7") == "Invoice 7 for {client_name}"


@pytest.mark.parametrize(
    ("written", "answered"),
    [
        ("# Invoice \nDevelopment", "# Invoice\n\nDevelopment"),
        ("#### Thanks.\n\nSincerely", "#### Thanks.\n\nSincerely"),
        ("Plain text\n# not at the start", "Plain text\n# not at the start\n"[:-1]),
        (
            "```\n# a comment\ncode\n```\n# Title\nText",
            "```\n# a comment\ncode\n```\n# Title\n\nText",
        ),
        ("#hashtag\nnext", "#hashtag\nnext"),
        ("", ""),
    ],
)
def test_headings_stand_alone_as_the_seed_answers_them(written: str, answered: str) -> None:
    assert normalise_markdown(written) == answered


def test_currencies_map_both_ways() -> None:
    assert [currency_in(v) for v in ("€", "$", "£", "ars", "EUR", " € ", "euro")] == [
        "EUR",
        "USD",
        "GBP",
        "ARS",
        "EUR",
        None,
        None,
    ]
    assert [currency_out(c) for c in ("EUR", "USD", "GBP", "ARS")] == ["€", "$", "£", "ARS"]


async def test_a_symbol_sent_on_patch_is_answered_and_read_back(
    client: httpx.AsyncClient, seed: Seed
) -> None:
    draft = await create(client, seed_payload(seed))

    patched = await client.patch(f"invoices/{draft['id']}", json={"currency": "$"})

    assert patched.json()["data"]["currency"] == "$"
    assert (await client.get(f"invoices/{draft['id']}")).json()["data"]["currency"] == "$"
    listed = (await client.get("invoices")).json()["data"]
    assert [i["currency"] for i in listed] == ["$"]


async def test_e_invoicing_is_answered_when_verifactu_is_on(
    client: httpx.AsyncClient,
    seed: Seed,
    database: Database,
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the records name the software's producer, which the services read from the settings
    configured = Settings(
        verifactu_producer_name="Producer S.L.", verifactu_producer_nif="B27346063"
    )
    monkeypatch.setattr(system, "get_settings", lambda: configured)
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(Account).where(Account.id == account.id).values(verifactu_enabled=True)
        )
    draft = await create(client, seed_payload(seed))
    proforma = await create(client, seed_payload(seed, currency="€", date=today().isoformat()))
    issued = await issue(client, seed, proforma["id"])  # VERI*FACTU records are in euros
    invoice_id = issued["issue_invoice_id"]

    invoice = (await client.get(f"invoices/{invoice_id}")).json()["data"]
    listed = {i["id"]: i for i in (await client.get("invoices")).json()["data"]}

    block = invoice["e_invoicing"]
    assert block is not None and (block["system"], block["country"]) == ("VERIFACTU", "ES")
    assert block["processed"] is False and "ValidarQR" in block["external_link"]
    assert listed[invoice_id]["e_invoicing"] == block == issued["e_invoicing"]
    assert listed[draft["id"]]["e_invoicing"] is None
