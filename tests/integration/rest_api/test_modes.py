"""Test keys work on the account's sandbox; VERI*FACTU accounts show ``e_invoicing``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from invoicegraph.services.api_keys import create_key
from invoicegraph.settings import get_settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from .helpers import issued_invoice, new_invoice


async def test_a_test_key_works_on_the_sandbox_apart_from_live_data(
    api: httpx.AsyncClient, http: httpx.AsyncClient, database: Database, account: Account
) -> None:
    live = await new_invoice(api)
    async with database.sessions() as session:
        test_key = (await create_key(session, account, access="write", mode="test")).text
    assert test_key.startswith("fv_test_")
    sandbox = httpx.AsyncClient(
        transport=http._transport,
        base_url=http.base_url,
        headers={"Authorization": f"Bearer {test_key}"},
        event_hooks=http.event_hooks,
    )
    async with sandbox:
        assert (await sandbox.get("/invoices")).json()["data"] == []
        assert (await sandbox.get(f"/invoices/{live['id']}")).status_code == 404
        issued = await issued_invoice(sandbox)
        assert issued["full_number"] == "F1"  # the sandbox numbers on its own
    assert [i["id"] for i in (await api.get("/invoices")).json()["data"]] == [live["id"]]


@pytest.fixture
def producer_configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """VERI*FACTU records name the software's producer, read from the settings."""
    monkeypatch.setenv("VERIFACTU_PRODUCER_NAME", "Invoicegraph Labs SL")
    monkeypatch.setenv("VERIFACTU_PRODUCER_NIF", "A58818501")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("producer_configured")
async def test_an_issued_invoice_of_a_verifactu_account_shows_its_e_invoicing_state(
    http: httpx.AsyncClient, database: Database
) -> None:
    async with database.sessions() as session:
        account = await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Verifactu S.L.",
            tax_id=new_tax_id(),
            plan="professional",
            verifactu=True,
        )
    async with database.sessions() as session:
        key = (await create_key(session, account, access="write")).text
    http.headers["Authorization"] = f"Bearer {key}"
    draft = await new_invoice(http)
    assert draft["e_invoicing"] is None
    issued = await issued_invoice(http)
    block = issued["e_invoicing"]
    assert block["system"] == "VERIFACTU" and block["country"] == "ES"
    assert block["processed"] is False and block["on_error"] is False
    assert block["external_link"].startswith("https://")
    assert account.tax_id in block["external_link"]
    listed = (await http.get("/invoices", params={"status": "issued"})).json()["data"]
    assert listed[0]["e_invoicing"] == block
    assert (await http.get(f"/invoices/{issued['id']}")).json()["e_invoicing"] == block
