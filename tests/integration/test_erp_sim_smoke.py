"""The reference ERP answers every read of the contract for the demo company."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.test_erp_sim_api_rig import Rig, order_body, running_sim


@pytest.fixture
async def rig(fresh_db: str) -> AsyncIterator[Rig]:
    async with running_sim(fresh_db) as r:
        yield r


async def test_reads(rig: Rig) -> None:
    for path in (
        "/v1/products",
        "/v1/warehouses",
        "/v1/stock",
        "/v1/stock/movements",
        "/v1/taxes",
        "/v1/currencies",
        "/v1/payment-methods",
        "/v1/document-types",
        "/v1/customers/general-public",
        "/v1/shipments",
        "/v1/products/by-sku/CAP",
    ):
        answer = await rig.client.get(path)
        assert answer.status_code == 200, (path, answer.text)


async def test_create_document(rig: Rig) -> None:
    answer = await rig.create("/v1/sales-documents", order_body())
    assert answer.status_code == 201, answer.text
    doc = answer.json()
    assert doc["number"] == "REM-1"
    assert doc["totals"] == {
        "subtotal": "398.00",
        "discount": "0.00",
        "tax": "63.68",
        "rounding": "0.00",
        "total": "461.68",
    }


async def test_a_documents_rounding_goes_into_its_total_within_bounds(rig: Rig) -> None:
    answer = await rig.create("/v1/sales-documents", order_body(rounding="-0.01"))
    assert answer.status_code == 201, answer.text
    totals = answer.json()["totals"]
    assert (totals["rounding"], totals["total"]) == ("-0.01", "461.67")
    assert totals["tax"] == "63.68"  # rounding carries no tax

    too_much = await rig.create("/v1/sales-documents", order_body(rounding="1.50"))
    assert too_much.status_code == 422
    assert "rounding" in too_much.text
