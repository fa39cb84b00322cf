"""The order read back over GraphQL is the order the webhook delivered, as far as the
orders domain can tell: orders placed in the in-process Shopify emulator (discounts,
shipping, taxes on top and included, guest and customer, pending, edited and refunded),
their orders/* webhook bodies as sent, and ``ShopifyOrdersAdapter.order`` over the real
``ShopifyClient`` give the identical ERP document, totals, decision and customer.
Ids are the emulator's (above 2^53), so any float on the way would show."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from erp_connector.models.documents import SalesDocumentIn
from orders.adapters import ShopifyOrdersAdapter
from orders.domain import (
    channel,
    check_total,
    order_id,
    payment_method,
    should_create,
    to_sales_document,
)
from orders.handlers_customer import customer_in
from orders.policy import OrdersPolicy
from shopify_client import ShopifyClient, ShopifyUserError
from shopify_sim.orders import EditInput, OrderInput, RefundInput, edit_order, place_order
from shopify_sim.orders_refunds import refund_order
from shopify_sim.state import Order

from tests.unit.orders.conftest import TAXES, make_policy
from tests.unit.shopify_sim.graphql_harness import TOKEN, Api, make_api
from tests.unit.shopify_sim.sim_factory import (
    DOMAIN,
    add_customer,
    add_product,
    primary_location,
)

CUSTOMER_TAXED = {
    "lines": [{"sku": "TEE-S", "quantity": 2}, {"sku": "TEE-M", "quantity": 1}],
    "discount": {"code": "TENOFF", "value_type": "percentage", "value": "10"},
    "shipping": {"title": "Express", "price": "7.50"},
    "tax": {"rate": "0.16", "title": "IVA"},
    "gateway": "shopify_payments",
}
GUEST_INCLUDED = {
    "lines": [{"sku": "CAP", "quantity": 3}, {"sku": "TEE-S", "quantity": 1, "price": "9.99"}],
    "email": "guest@example.com",
    "discount": {"code": "FIVE", "value_type": "fixed_amount", "value": "5.00"},
    "shipping": {"title": "Standard", "price": "4.99"},
    "tax": {"rate": "0.16", "title": "IVA"},
    "taxes_included": True,
    "billing_address": {"address1": "Calle 1", "city": "CDMX", "country_code": "MX"},
}
PENDING_MANUAL = {
    "lines": [{"sku": "TEE-M", "quantity": 2}],
    "payment": "pending",
    "gateway": "manual",
    "tax": {"rate": "0.16", "shipping": False},
    "shipping": {"price": "0"},
}
POS_AT_LOCATION = {
    "lines": [{"sku": "CAP", "quantity": 1}],
    "source": "pos",
    "gateway": "cash",
    "tax": {"rate": "0.08", "title": "IVA frontera"},
}
CASES: dict[str, dict[str, Any]] = {
    "customer_taxed": CUSTOMER_TAXED,
    "guest_included": GUEST_INCLUDED,
    "pending_manual": PENDING_MANUAL,
    "pos_at_location": POS_AT_LOCATION,
}


@pytest.fixture
async def rig() -> AsyncIterator[tuple[Api, ShopifyOrdersAdapter]]:
    api, http = make_api()
    add_product(api.state, api.shop, "Tee", [("TEE-S", "10.00", 100), ("TEE-M", "30.00", 100)])
    add_product(api.state, api.shop, "Cap", [("CAP", "12.34", 100)])
    async with http, ShopifyClient(DOMAIN, TOKEN, base_url=str(http.base_url), http=http) as client:
        yield api, ShopifyOrdersAdapter(client)


def _policy(api: Api) -> OrdersPolicy:
    """The shop's currency; its location mapped, so a lost ``location_id`` would show."""
    location = str(primary_location(api.shop).id)
    return make_policy(currency=api.shop.currency, location_warehouses={location: "ALM-POS"})


def _place(api: Api, spec: dict[str, Any]) -> Order:
    return place_order(api.state, api.shop, OrderInput.model_validate(spec))


async def assert_same_order(
    api: Api, adapter: ShopifyOrdersAdapter, webhook: dict[str, Any]
) -> SalesDocumentIn:
    read = await adapter.order(str(webhook["id"]))
    assert read is not None
    policy = _policy(api)
    assert read["id"] == webhook["id"]
    assert isinstance(read["id"], int)
    assert order_id(read) == order_id(webhook) == str(webhook["id"])
    from_webhook = to_sales_document(webhook, policy, customer_id="C-1")
    from_graphql = to_sales_document(read, policy, customer_id="C-1")
    assert from_graphql == from_webhook
    assert read.get("location_id") == webhook["location_id"]
    for event in ("orders/create", "orders/updated"):
        assert should_create(read, policy, event) == should_create(webhook, policy, event)
    assert check_total(read, from_graphql, TAXES, policy.rounding_tolerance) == check_total(
        webhook, from_webhook, TAXES, policy.rounding_tolerance
    )
    assert payment_method(read, policy) == payment_method(webhook, policy)
    assert channel(read) == channel(webhook)
    for field in ("name", "email", "currency", "taxes_included", "financial_status"):
        assert read[field] == webhook[field], field
    assert read["fulfillment_status"] == webhook["fulfillment_status"]
    assert (read["customer"] is None) == (webhook["customer"] is None)
    if webhook["customer"] is not None:
        assert read["customer"]["id"] == webhook["customer"]["id"]
        assert customer_in(read, read["customer"]) == customer_in(webhook, webhook["customer"])
    return from_graphql


@pytest.mark.parametrize("case", CASES)
async def test_a_placed_order_reads_back_as_its_webhook(
    rig: tuple[Api, ShopifyOrdersAdapter], case: str
) -> None:
    api, adapter = rig
    spec = dict(CASES[case])
    if case == "customer_taxed":
        spec["customer"] = {"id": add_customer(api.state, api.shop).id}
    if case == "pos_at_location":
        spec["location_id"] = primary_location(api.shop).id
    placed = _place(api, spec)
    webhook = api.hooks.last("orders/create")
    assert webhook["id"] == placed.id > 2**53
    document = await assert_same_order(api, adapter, webhook)
    # The cases exercise what they say they do.
    assert any(line.discount for line in document.lines) == ("discount" in spec)
    charged = Decimal(spec.get("shipping", {}).get("price", "0")) > 0
    assert (document.shipping is not None) == charged
    assert (document.warehouse == "ALM-POS") == (case == "pos_at_location")


async def test_an_edited_and_refunded_order_reads_back_as_its_last_webhook(
    rig: tuple[Api, ShopifyOrdersAdapter],
) -> None:
    api, adapter = rig
    placed = _place(api, CUSTOMER_TAXED)
    tee_s, tee_m = placed.line_items
    edit_order(
        api.state,
        api.shop,
        placed.id,
        EditInput.model_validate({"changes": [{"line_item_id": tee_m.id, "quantity": 0}]}),
    )
    refund_order(
        api.state,
        api.shop,
        placed.id,
        RefundInput.model_validate({"lines": [{"line_item_id": tee_s.id, "quantity": 1}]}),
    )
    webhook = api.hooks.last("orders/updated")
    assert [li["current_quantity"] for li in webhook["line_items"]] == [1, 0]
    await assert_same_order(api, adapter, webhook)


async def test_an_unknown_order_is_none(rig: tuple[Api, ShopifyOrdersAdapter]) -> None:
    _, adapter = rig
    assert await adapter.order("5550000000001") is None
    assert await adapter.order_after_sale("5550000000001") is None


async def test_orders_updated_since_pages_through_every_order(
    rig: tuple[Api, ShopifyOrdersAdapter],
) -> None:
    api, adapter = rig
    adapter.page_size = 2
    before = api.state.now() - timedelta(minutes=1)
    placed = [_place(api, PENDING_MANUAL) for _ in range(5)]
    summaries = [s async for s in adapter.orders_updated_since(before)]
    assert [s.order_id for s in summaries] == [str(o.id) for o in placed]
    assert [s.name for s in summaries] == [o.name for o in placed]
    assert all(s.updated_at == o.updated_at for s, o in zip(summaries, placed, strict=True))
    assert [s async for s in adapter.orders_updated_since(api.state.now())] == []


async def test_after_sale_read_and_fulfillment_create(
    rig: tuple[Api, ShopifyOrdersAdapter],
) -> None:
    api, adapter = rig
    placed = _place(api, CUSTOMER_TAXED)
    node = await adapter.order_after_sale(str(placed.id))
    assert node is not None
    (fo,) = node["fulfillmentOrders"]["nodes"]
    fulfillment = {
        "lineItemsByFulfillmentOrder": [
            {
                "fulfillmentOrderId": fo["id"],
                "fulfillmentOrderLineItems": [
                    {"id": line["id"], "quantity": line["remainingQuantity"]}
                    for line in fo["lineItems"]["nodes"]
                ],
            }
        ],
        "trackingInfo": {"company": "UPS", "number": "1Z999"},
        "notifyCustomer": False,
    }
    created = await adapter.create_fulfillment(fulfillment, message="shipped by the ERP")
    assert created.startswith("gid://shopify/Fulfillment/")
    webhook = api.hooks.last("orders/fulfilled")
    assert webhook["fulfillment_status"] == "fulfilled"
    await assert_same_order(api, adapter, webhook)

    with pytest.raises(ShopifyUserError):  # nothing left to fulfil
        await adapter.create_fulfillment(fulfillment)
