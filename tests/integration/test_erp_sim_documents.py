"""Sales documents on real Postgres: idempotency under concurrency, gap-free numbering,
stock taken and put back, credit notes, and tenants kept apart."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.integration.test_erp_sim_api_rig import Rig, order_body, running_sim

SKU = "TSHIRT-M-BLA"


@pytest.fixture
async def rig(fresh_db: str) -> AsyncIterator[Rig]:
    async with running_sim(fresh_db) as r:
        yield r


async def test_twenty_concurrent_creates_with_one_key_make_one_document(rig: Rig) -> None:
    key = uuid.uuid4().hex
    answers = await asyncio.gather(
        *(rig.create("/v1/sales-documents", order_body(), key) for _ in range(20))
    )
    assert Counter(a.status_code for a in answers) == {201: 1, 200: 19}
    assert len({a.json()["id"] for a in answers}) == 1
    assert await rig.db.fetchval("SELECT count(*) FROM sales_documents") == 1
    assert await rig.level(SKU, "SHOPIFY") == (8, 0)  # one exit of 2, not twenty


async def test_same_key_with_another_body_is_409(rig: Rig) -> None:
    key = uuid.uuid4().hex
    assert (await rig.create("/v1/sales-documents", order_body(), key)).status_code == 201
    answer = await rig.create("/v1/sales-documents", order_body(notes="other"), key)
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "urn:erp-connector:conflict"


async def test_numbering_is_gap_free_under_concurrency(rig: Rig) -> None:
    bad = order_body(lines=[{"sku": "NOPE", "quantity": 1, "unit_price": "1", "tax_code": "IVA16"}])
    calls = [rig.create("/v1/sales-documents", order_body()) for _ in range(15)]
    calls += [rig.create("/v1/sales-documents", bad) for _ in range(5)]
    answers = await asyncio.gather(*calls)
    assert sorted(a.status_code for a in answers) == [201] * 15 + [422] * 5
    numbers = sorted(int(a.json()["number"].split("-")[1]) for a in answers if a.status_code == 201)
    assert numbers == list(range(1, 16))


async def test_order_reserves_and_cancel_releases(rig: Rig) -> None:
    answer = await rig.create("/v1/sales-documents", order_body(type="order"))
    assert answer.status_code == 201
    doc = answer.json()
    assert await rig.level(SKU, "SHOPIFY") == (10, 2)
    cancelled = await rig.client.post(
        f"/v1/sales-documents/{doc['id']}/cancel",
        json={"reason": "customer"},
        headers={"Idempotency-Key": "c1"},
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert await rig.level(SKU, "SHOPIFY") == (10, 0)


async def test_cancel_puts_exits_back_with_events(rig: Rig) -> None:
    doc = (await rig.create("/v1/sales-documents", order_body())).json()
    assert await rig.level(SKU, "SHOPIFY") == (8, 0)
    mark = await rig.last_outbox_id()
    answer = await rig.client.post(
        f"/v1/sales-documents/{doc['id']}/cancel", json={}, headers={"Idempotency-Key": "c"}
    )
    assert answer.status_code == 200
    assert await rig.level(SKU, "SHOPIFY") == (10, 0)
    events = await rig.outbox_since(mark)
    assert [e["type"] for e in events] == ["stock.changed", "document.cancelled"]
    assert events[0]["data"]["movement_type"] == "cancellation"
    assert events[0]["data"]["on_hand"] == 10
    assert events[1]["data"]["number"] == doc["number"]


async def test_credit_note_with_and_without_restock(rig: Rig) -> None:
    doc = (await rig.create("/v1/sales-documents", order_body())).json()
    path = f"/v1/sales-documents/{doc['id']}/credit-notes"
    plain = await rig.create(path, {"lines": [{"sku": SKU, "quantity": 1}]})
    assert plain.status_code == 201, plain.text
    assert plain.json()["totals"]["total"] == "230.84"  # 199.00 + 16 %
    assert await rig.level(SKU, "SHOPIFY") == (8, 0)
    mark = await rig.last_outbox_id()
    back = await rig.create(path, {"lines": [{"sku": SKU, "quantity": 1}], "restock": True})
    assert back.status_code == 201
    assert await rig.level(SKU, "SHOPIFY") == (9, 0)
    [event] = await rig.outbox_since(mark)
    assert event["data"]["movement_type"] == "return"
    too_many = await rig.create(path, {"lines": [{"sku": SKU, "quantity": 1}]})
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "lines[0].quantity"
    # a credited document cannot be cancelled any more
    cancel = await rig.client.post(
        f"/v1/sales-documents/{doc['id']}/cancel", json={}, headers={"Idempotency-Key": "x"}
    )
    assert cancel.status_code == 409


async def test_ship_an_order_turns_the_reservation_into_an_exit(rig: Rig) -> None:
    doc = (await rig.create("/v1/sales-documents", order_body(type="order"))).json()
    mark = await rig.last_outbox_id()
    shipped = await rig.client.post(
        f"/_erp/demo/documents/{doc['id']}/ship",
        json={"carrier": "DHL", "tracking_number": "123"},
    )
    assert shipped.status_code == 201, shipped.text
    assert await rig.level(SKU, "SHOPIFY") == (8, 0)
    events = await rig.outbox_since(mark)
    assert [e["type"] for e in events] == ["stock.changed", "shipment.created"]
    assert events[1]["data"]["tracking_number"] == "123"
    got = await rig.client.get(f"/v1/sales-documents/{doc['id']}")
    assert got.json()["status"] == "shipped"
    shipments = (await rig.client.get("/v1/shipments")).json()
    assert [s["id"] for s in shipments["items"]] == [shipped.json()["id"]]


async def test_tenants_are_apart(rig: Rig) -> None:
    doc = (await rig.create("/v1/sales-documents", order_body())).json()
    assert (await rig.other.get(f"/v1/sales-documents/{doc['id']}")).status_code == 404
    assert (await rig.client.get(f"/v1/sales-documents/{doc['id']}")).status_code == 200
    # each company numbers its own series
    mine = await rig.other.post(
        "/v1/sales-documents", json=order_body(), headers={"Idempotency-Key": "k"}
    )
    assert mine.json()["number"] == "REM-1"
    assert (
        await rig.client.get("/v1/products", headers={"Authorization": "Bearer x"})
    ).status_code == 401


async def test_find_by_shopify_order(rig: Rig) -> None:
    body = order_body(external_refs={"shopify_order_id": "1001", "shopify_order_name": "#1001"})
    doc = (await rig.create("/v1/sales-documents", body)).json()
    found = await rig.client.get("/v1/sales-documents", params={"shopify_order_id": "1001"})
    assert [d["id"] for d in found.json()] == [doc["id"]]
