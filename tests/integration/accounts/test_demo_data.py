"""`make run` promises demo data: the demo key sees invoices in every state, priced to the cent
by the catalogue, through the same API a client would use."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from invoicegraph.app import create_app
from invoicegraph.db.migrate import migrate
from invoicegraph.services.demo import create_demo
from invoicegraph.settings import Settings

from ..conftest_helpers import fresh_database

QUERY = """{ invoices(first: 10) { edges { node {
  status fullNumber isRectificative payedAt totalWithTaxes rectifiedStatus
  client { name }
} } } }"""


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_the_demo_key_sees_a_paid_a_rectified_a_rectificative_and_a_draft_invoice(
    engine: str, tmp_path: Path
) -> None:
    # a database of its own, as `make run` starts from: the demo account is one per
    # installation, and other tests' keys to it work on it in the shared one
    async with fresh_database(engine, tmp_path) as database:
        await migrate(database)
        key = await create_demo(database)
        app = create_app(Settings(), database=database)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://demo.test",
            headers={"Authorization": f"Bearer {key}"},
        ) as http:
            answer = (await http.post("/graphql", json={"query": QUERY})).json()
            listed = (await http.get("/v1/invoices")).json()

    assert "errors" not in answer
    nodes = sorted(
        (edge["node"] for edge in answer["data"]["invoices"]["edges"]),
        key=lambda node: (node["fullNumber"] is None, node["fullNumber"] or ""),
    )
    summary = [
        (n["status"], n["fullNumber"], n["isRectificative"], n["rectifiedStatus"]) for n in nodes
    ]
    assert summary == [
        ("ISSUED", "F1", False, "NONE"),
        ("ISSUED", "F2", False, "PARTIAL"),
        ("ISSUED", "R1", True, "NONE"),
        ("DRAFT", None, False, "NONE"),
    ]
    paid, corrected, rectificative, draft = nodes
    assert paid["payedAt"] is not None and corrected["payedAt"] is None
    # 4 × 15.99 + 1.5 × 45.00 = 131.46, IVA 21 % 27.61
    assert paid["totalWithTaxes"] == "159.07"
    # two filters back at the original's 10 % discount: −2 × 14.391 = −28.78, IVA −6.04
    assert rectificative["totalWithTaxes"] == "-34.82"
    assert {n["client"]["name"] for n in nodes} == {"Talleres García S.L."}
    assert draft["totalWithTaxes"] == "163.35"  # 3 × 45.00 + 21 %
    assert len(listed["data"] if isinstance(listed, dict) else listed) == 4
