"""The /_sim/ routes: merchant actions over HTTP, inspection, chaos, subscriptions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from shopify_sim.sim_routes import routes
from shopify_sim.state import Shop, SimState
from shopify_sim.webhooks import Dispatcher
from starlette.applications import Starlette

from tests.unit.shopify_sim.sim_factory import (
    DOMAIN,
    FakeSettings,
    add_product,
    make_state,
    primary_location,
)

HOOK = "https://hooks.example.com/in"


@dataclass
class Sim:
    state: SimState
    shop: Shop
    dispatcher: Dispatcher
    client: httpx.AsyncClient
    received: list[httpx.Request]

    async def post(self, path: str, body: Any = None) -> httpx.Response:
        return await self.client.post(f"/_sim/shops/{DOMAIN}{path}", json=body)

    async def state_view(self) -> dict[str, Any]:
        response = await self.client.get(f"/_sim/shops/{DOMAIN}/state")
        assert response.status_code == 200
        data: dict[str, Any] = response.json()
        return data


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    state, shop = make_state()
    add_product(state, shop, "Tee", [("TEE-S", "10.00", 10), ("TEE-M", "12.50", 4)])
    received: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200)

    dispatcher = Dispatcher(state, FakeSettings(), transport=httpx.MockTransport(receiver))
    await dispatcher.start()
    app = Starlette(routes=routes(state, dispatcher))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        yield Sim(state, shop, dispatcher, client, received)
    await dispatcher.aclose()


async def _place(sim: Sim, **extra: Any) -> dict[str, Any]:
    body = {"lines": [{"sku": "TEE-S", "quantity": 2}], **extra}
    response = await sim.post("/orders", body)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()["order"]
    return order


async def test_subscribe_then_place_an_order_delivers_signed_webhooks(sim: Sim) -> None:
    for topic in ("orders/create", "orders/paid"):
        response = await sim.post("/webhooks", {"topic": topic, "uri": HOOK})
        assert response.status_code == 201
    order = await _place(sim, customer={"email": "eve@example.com"})
    assert order["financial_status"] == "paid"
    assert order["total_price"] == "20.00"
    assert (await sim.client.post("/_sim/deliveries/drain?timeout=5")).status_code == 200
    topics = sorted(r.headers["X-Shopify-Topic"] for r in sim.received)
    assert topics == ["orders/create", "orders/paid"]
    log = (await sim.client.get("/_sim/deliveries", params={"topic": "orders/paid"})).json()
    [row] = log["deliveries"]
    assert (row["outcome"], row["attempt"], row["status_code"]) == ("delivered", 1, 200)
    assert row["shop"] == DOMAIN


async def test_state_shows_stock_buckets_and_order_status(sim: Sim) -> None:
    order = await _place(sim, payment="pending")
    view = await sim.state_view()
    [level] = [lv for lv in view["inventory_levels"] if lv["sku"] == "TEE-S"]
    assert (level["available"], level["committed"], level["on_hand"]) == (8, 2, 10)
    [seen] = view["orders"]
    assert (seen["id"], seen["financial_status"]) == (order["id"], "pending")
    assert seen["fulfillment_orders"][0]["status"] == "OPEN"
    assert [v["sku"] for v in view["products"][0]["variants"]] == ["TEE-S", "TEE-M"]
    everything = (await sim.client.get("/_sim/state")).json()
    assert DOMAIN in everything["shops"]


async def test_an_order_lifecycle_over_http(sim: Sim) -> None:
    order = await _place(sim, payment="pending")
    base = f"/orders/{order['id']}"
    paid = await sim.post(base + "/mark_paid", {})
    assert paid.json()["order"]["financial_status"] == "paid"
    shipped = await sim.post(
        base + "/fulfillments",
        {
            "line_items": [{"line_item_id": order["line_items"][0]["id"], "quantity": 1}],
            "tracking": {"company": "DHL", "number": "JD01"},
        },
    )
    assert shipped.status_code == 201
    assert shipped.json()["fulfillments"][0]["tracking_numbers"] == ["JD01"]
    refunded = await sim.post(
        base + "/refunds", {"lines": [{"sku": "TEE-S", "quantity": 1}], "restock": True}
    )
    assert refunded.status_code == 201
    assert refunded.json()["refund"]["refund_line_items"][0]["restock_type"] == "cancel"
    view = await sim.state_view()
    assert view["orders"][0]["financial_status"] == "partially_refunded"
    fetched = await sim.client.get(f"/_sim/shops/{DOMAIN}{base}")
    assert fetched.json()["order"]["fulfillment_status"] == "fulfilled"


async def test_bad_input_is_a_422_with_the_field(sim: Sim) -> None:
    missing_lines = await sim.post("/orders", {"lines": []})
    assert missing_lines.status_code == 422
    assert missing_lines.json()["errors"][0]["field"] == ["lines"]
    unknown_sku = await sim.post("/orders", {"lines": [{"sku": "NOPE", "quantity": 1}]})
    assert unknown_sku.status_code == 422
    assert "NOPE" in unknown_sku.json()["errors"][0]["message"]
    typo = await sim.post("/orders", {"lines": [{"sku": "TEE-S", "quantity": 1}], "paymnet": "x"})
    assert typo.status_code == 422
    assert typo.json()["errors"][0]["field"] == ["paymnet"]
    not_json = await sim.client.post(
        f"/_sim/shops/{DOMAIN}/orders",
        content=b"{nope",
        headers={"content-type": "application/json"},
    )
    assert not_json.status_code == 422
    bad_chaos = await sim.client.put(f"/_sim/shops/{DOMAIN}/chaos", json={"drop_pct": 150})
    assert bad_chaos.status_code == 422


async def test_unknown_shop_order_or_product_is_a_404(sim: Sim) -> None:
    assert (await sim.client.get("/_sim/shops/nope.myshopify.com/state")).status_code == 404
    assert (await sim.post("/orders/123/cancel", {})).status_code == 404
    assert (await sim.client.get(f"/_sim/shops/{DOMAIN}/orders/123")).status_code == 404
    patch = await sim.client.patch(f"/_sim/shops/{DOMAIN}/products/123", json={"title": "x"})
    assert patch.status_code == 404


async def test_chaos_settings_round_trip(sim: Sim) -> None:
    knobs = {"duplicates": 3, "shuffle_window": 5, "delay_s": 0.0, "drop_pct": 10.0, "seed": 42}
    response = await sim.client.put(f"/_sim/shops/{DOMAIN}/chaos", json=knobs)
    assert response.json()["chaos"] == knobs
    assert sim.shop.chaos.duplicates == 3
    assert (await sim.state_view())["chaos"] == knobs


async def test_secret_rotation_switches_the_signing_secret(sim: Sim) -> None:
    old = sim.shop.app_secret
    response = await sim.client.put(
        f"/_sim/shops/{DOMAIN}/secret", json={"app_secret": "shpss_new", "previous_app_secret": old}
    )
    assert response.json() == {"rotating": True}
    assert (sim.shop.app_secret, sim.shop.previous_app_secret) == ("shpss_new", old)
    await sim.client.put(f"/_sim/shops/{DOMAIN}/secret", json={"previous_app_secret": None})
    assert sim.shop.previous_app_secret is None


async def test_subscriptions_list_and_delete(sim: Sim) -> None:
    created = (await sim.post("/webhooks", {"topic": "products/update", "uri": HOOK})).json()
    sub_id = created["webhook_subscription"]["id"]
    listed = (await sim.client.get(f"/_sim/shops/{DOMAIN}/webhooks")).json()
    assert [s["id"] for s in listed["webhook_subscriptions"]] == [sub_id]
    gone = await sim.client.delete(f"/_sim/shops/{DOMAIN}/webhooks/{sub_id}")
    assert gone.status_code == 204
    assert sim.shop.webhook_subscriptions == {}
    bad = await sim.post("/webhooks", {"topic": "ORDERS_CREATE", "uri": HOOK})
    assert bad.status_code == 422


async def test_changing_stock_in_the_admin_sends_an_inventory_webhook(sim: Sim) -> None:
    await sim.post("/webhooks", {"topic": "inventory_levels/update", "uri": HOOK})
    response = await sim.post("/inventory", {"sku": "TEE-M", "available": 9})
    assert response.status_code == 200, response.text
    assert response.json()["inventory_level"]["available"] == 9
    await sim.dispatcher.drain(5)
    [hook] = sim.received
    location = primary_location(sim.shop).id
    assert hook.headers["X-Shopify-Topic"] == "inventory_levels/update"
    assert b'"available":9' in hook.content
    assert f'"location_id":{location}'.encode() in hook.content
    both = await sim.post("/inventory", {"sku": "TEE-M", "available": 1, "delta": 2})
    assert both.status_code == 422


async def test_editing_a_product_sends_products_update(sim: Sim) -> None:
    await sim.post("/webhooks", {"topic": "products/update", "uri": HOOK})
    product_id = next(iter(sim.shop.products))
    response = await sim.client.patch(
        f"/_sim/shops/{DOMAIN}/products/{product_id}", json={"title": "Tee v2"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["product"]["title"] == "Tee v2"
    await sim.dispatcher.drain(5)
    assert [r.headers["X-Shopify-Topic"] for r in sim.received] == ["products/update"]
