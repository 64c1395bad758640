"""Documents need a complete issuer (Facturae requires an address): a fuller account."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from invoicegraph.db.engine import Database
from invoicegraph.db.models import Account
from invoicegraph.services.accounts import create_account
from tests.tax_ids import new_tax_id


@pytest.fixture
async def account(database: Database) -> Account:
    async with database.sessions() as session:
        return await create_account(
            session,
            name="Acme Inc. S.A.",
            tax_id=new_tax_id(),
            plan="professional",
            address="Gran Vía 1",
            city="Madrid",
            province="Madrid",
            postal_code="28013",
        )


@pytest.fixture(scope="session")
def facturae_schemas() -> None:
    """The Facturae XSDs are fetched, not committed: run the script a fresh clone runs."""
    script = Path(__file__).resolve().parents[3] / "scripts" / "fetch_einvoice_schemas.py"
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True)
