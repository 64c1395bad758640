"""Fixtures for the VERI*FACTU integration tests: the producer configured, an account with
VERI*FACTU on, and the agency's schemas (the unit tests' fixtures, fetched once offline)."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.migrate import migrate
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from invoicegraph.settings import Settings, get_settings
from tests.parties import ISSUER_ADDRESS
from tests.tax_ids import new_tax_id

from ...unit.verifactu.conftest import load_schema, validate, xsd_dir
from ..conftest_helpers import fresh_database
from .agency import FakeAgency
from .pki import Pki, make_pki

__all__ = ["load_schema", "validate", "xsd_dir"]

PRODUCER_NAME = "Invoicegraph Labs SL"
PRODUCER_NIF = "A58818501"


@pytest.fixture(autouse=True)
def producer_configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Records name the invoicing system's producer, read from the settings."""
    monkeypatch.setenv("VERIFACTU_PRODUCER_NAME", PRODUCER_NAME)
    monkeypatch.setenv("VERIFACTU_PRODUCER_NIF", PRODUCER_NIF)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def vf_account(database: Database) -> Account:
    """A fresh live account with VERI*FACTU on."""
    async with database.sessions() as session:
        return await create_account(
            session,
            **ISSUER_ADDRESS,
            name="Taller Verifactu S.L.",
            tax_id=new_tax_id(),
            plan="professional",
            verifactu=True,
        )


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A throwaway CA with a server certificate for the stand-in and a client certificate."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def agency(pki: Pki, load_schema: Callable[[str], Any]) -> Iterator[FakeAgency]:
    """The agency's stand-in on loopback, answering at once (``TiempoEsperaEnvio`` 0)."""
    fake = FakeAgency(pki, load_schema("SuministroLR.xsd")).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def outbox_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    """A database of the module's own: the worker sends every account's records, so tests
    that run it must not see the records other test modules leave pending."""
    async with fresh_database(request.param, tmp_path_factory.mktemp("outbox")) as database:
        await migrate(database)
        yield database


def worker_settings(database: Database, agency: FakeAgency, pki: Pki, **overrides: Any) -> Settings:
    """Settings pointing the worker at the stand-in, with waits short enough for a test."""
    values: dict[str, Any] = {
        "database_url": database.engine.url.render_as_string(hide_password=False),
        "verifactu_endpoint": f"{agency.url}/live",
        "verifactu_sandbox_endpoint": f"{agency.url}/test",
        "verifactu_cert_file": str(pki.client_cert),
        "verifactu_key_file": str(pki.client_key),
        "verifactu_ca_file": str(pki.ca),
        "verifactu_producer_name": PRODUCER_NAME,
        "verifactu_producer_nif": PRODUCER_NIF,
        "verifactu_poll_seconds": 0.05,
        "verifactu_timeout_seconds": 2.0,
        "verifactu_retry_base_seconds": 0.05,
        "verifactu_retry_max_seconds": 0.4,
    }
    values.update(overrides)
    return Settings(**values)


_NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_nif_numbers = itertools.count(int(time.time()) % 10_000_000 * 10)


def fresh_nif() -> str:
    """A valid Spanish NIF no other account of the run has: the agency keys invoices by it."""
    number = next(_nif_numbers) % 100_000_000
    return f"{number:08d}{_NIF_LETTERS[number % 23]}"
