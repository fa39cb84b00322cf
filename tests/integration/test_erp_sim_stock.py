"""The stock ledger on real Postgres: every movement type changes the right quantities
and writes exactly one ``stock.changed`` per warehouse it touches, carrying the
resulting quantities; concurrent movements of one SKU serialise."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.test_erp_sim_api_rig import Rig, running_sim

SKU = "CAP"


@pytest.fixture
async def rig(fresh_db: str) -> AsyncIterator[Rig]:
    async with running_sim(fresh_db) as r:
        yield r


@pytest.mark.parametrize(
    ("movement", "expected"),
    [
        ({"type": "purchase_entry", "quantity": 5}, {"SHOPIFY": 15}),
        ({"type": "free_entry", "quantity": 3}, {"SHOPIFY": 13}),
        ({"type": "sale_exit", "quantity": 4}, {"SHOPIFY": 6}),
        ({"type": "cancellation", "quantity": 2}, {"SHOPIFY": 12}),
        ({"type": "return", "quantity": 1}, {"SHOPIFY": 11}),
        ({"type": "transfer", "quantity": 7, "to_warehouse": "MAIN"}, {"SHOPIFY": 3, "MAIN": 32}),
    ],
)
async def test_each_movement_type(
    rig: Rig, movement: dict[str, Any], expected: dict[str, int]
) -> None:
    mark = await rig.last_outbox_id()
    answer = await rig.create(
        "/v1/stock/movements", {"sku": SKU, "warehouse": "SHOPIFY", **movement}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert {r["warehouse"]: r["on_hand"] for r in body["resulting"]} == expected
    for warehouse, on_hand in expected.items():
        assert await rig.level(SKU, warehouse) == (on_hand, 0)
    events = await rig.outbox_since(mark)
    assert len(events) == len(expected)
    for event in events:
        data = event["data"]
        assert event["type"] == "stock.changed"
        assert event["version"] == body["id"] == data["movement_id"]
        assert data["movement_type"] == movement["type"]
        assert data["on_hand"] == data["available"] == expected[data["warehouse"]]
        assert data["is_shopify_warehouse"] == (data["warehouse"] == "SHOPIFY")
    keys = await rig.db.fetch("SELECT entity_key FROM outbox WHERE id > $1 ORDER BY id", mark)
    assert [k["entity_key"] for k in keys] == [f"stock:{SKU}@{w}" for w in expected]


async def test_concurrent_movements_serialise(rig: Rig) -> None:
    calls = [
        rig.create(
            "/v1/stock/movements",
            {"type": "sale_exit", "sku": SKU, "warehouse": "SHOPIFY", "quantity": 1},
        )
        for _ in range(10)
    ]
    answers = await asyncio.gather(*calls)
    assert all(a.status_code == 201 for a in answers)
    results = sorted(a.json()["resulting"][0]["on_hand"] for a in answers)
    assert results == list(range(0, 10))  # each saw the one before it
    assert await rig.level(SKU, "SHOPIFY") == (0, 0)


async def test_purchase_from_the_operator(rig: Rig) -> None:
    answer = await rig.client.post(
        "/_erp/demo/purchases", json={"warehouse": "MAIN", "lines": [{"sku": SKU, "quantity": 5}]}
    )
    assert answer.status_code == 201, answer.text
    assert await rig.level(SKU, "MAIN") == (30, 0)
    feed = (await rig.client.get("/v1/stock/movements", params={"limit": 250})).json()
    assert feed["items"][-1]["type"] == "purchase_entry"
    assert feed["next_cursor"] == str(feed["items"][-1]["id"])
    again = (
        await rig.client.get("/v1/stock/movements", params={"since": feed["next_cursor"]})
    ).json()
    assert again == {"items": [], "next_cursor": feed["next_cursor"], "has_more": False}


async def test_replayed_movement_moves_once(rig: Rig) -> None:
    body = {"type": "free_entry", "sku": SKU, "warehouse": "MAIN", "quantity": 2}
    first = await rig.create("/v1/stock/movements", body, "m1")
    second = await rig.create("/v1/stock/movements", body, "m1")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert await rig.level(SKU, "MAIN") == (27, 0)
