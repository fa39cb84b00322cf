"""Webhook body shapes: the types and forms a consumer of Shopify's webhooks relies on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from shopify_sim.payloads import (
    customer_body,
    fulfillment_body,
    inventory_item_body,
    inventory_level_body,
    order_body,
    product_body,
    refund_body,
    transaction_body,
)
from shopify_sim.payloads_common import money, money_set, ts, ts_millis_z
from shopify_sim.state import (
    Fulfillment,
    FulfillmentLine,
    LineItem,
    Order,
    OrderAdjustment,
    Refund,
    RefundLineItem,
    ShippingLine,
    Shop,
    SimState,
    TaxLine,
    Transaction,
)

from tests.unit.shopify_sim.sim_factory import (
    T0,
    add_customer,
    add_location,
    add_product,
    make_state,
    primary_location,
    stock,
)


def test_money_is_a_two_decimal_string_and_sets_carry_both_currencies() -> None:
    assert money(Decimal("12.5")) == "12.50"
    assert money(Decimal("0.005")) == "0.01"  # half up, to the cent
    assert money_set(Decimal(3), "EUR") == {
        "shop_money": {"amount": "3.00", "currency_code": "EUR"},
        "presentment_money": {"amount": "3.00", "currency_code": "EUR"},
    }


def test_timestamps_have_an_offset() -> None:
    est = timezone(timedelta(hours=-5))
    assert ts(datetime(2021, 12, 31, 19, 0, 0, 123456, tzinfo=est)) == "2021-12-31T19:00:00-05:00"
    assert ts(datetime(2025, 1, 1, 12, 0)) == "2025-01-01T12:00:00+00:00"  # naive is UTC
    assert ts(None) is None
    assert ts_millis_z(datetime(2022, 1, 1, tzinfo=UTC)) == "2022-01-01T00:00:00.000Z"


def test_product_body_sums_stock_over_locations_and_formats_like_rest() -> None:
    state, shop = make_state()
    product = add_product(state, shop, "Tee", [("TEE-S", "19.99", 3), ("TEE-M", "19.99", 0)])
    depot = add_location(state, shop, "Depot")
    small = product.variants[0]
    stock(state, shop, small.inventory_item_id, depot.id, 4)
    small.compare_at_price = Decimal("24.99")
    small.updated_at = T0 + timedelta(days=1)

    body = product_body(shop, product)
    assert body["status"] == "active"
    assert body["tags"] == "example, mens"
    assert body["admin_graphql_api_id"] == f"gid://shopify/Product/{product.id}"
    first = body["variants"][0]
    assert first["inventory_quantity"] == 7  # 3 + 4
    assert (first["price"], first["compare_at_price"]) == ("19.99", "24.99")
    assert (first["option1"], first["option2"], first["option3"]) == ("TEE-S", None, None)
    assert first["sku"] == "TEE-S"
    assert first["inventory_item_id"] == small.inventory_item_id
    assert body["variant_gids"][0] == {
        "admin_graphql_api_id": f"gid://shopify/ProductVariant/{small.id}",
        "updated_at": "2025-03-02T12:00:00.000Z",
    }
    assert body["options"][0]["values"] == ["TEE-S", "TEE-M"]


def test_customer_body_has_its_default_address_first() -> None:
    state, shop = make_state()
    customer = add_customer(state, shop)
    body = customer_body(shop, customer)
    default = body["default_address"]
    assert default["default"] is True
    assert default["customer_id"] == customer.id
    assert default["name"] == "Bob Biller"
    assert body["addresses"] == [default]
    assert body["admin_graphql_api_id"] == f"gid://shopify/Customer/{customer.id}"


def test_inventory_bodies() -> None:
    state, shop = make_state()
    product = add_product(state, shop, "Tee", [("TEE-S", "10.00", 5)])
    item_id = product.variants[0].inventory_item_id
    location = primary_location(shop)
    level = shop.inventory_levels[(item_id, location.id)]
    body = inventory_level_body(shop, level)
    assert body == {
        "inventory_item_id": item_id,
        "location_id": location.id,
        "available": 5,
        "updated_at": "2025-03-01T12:00:00+00:00",
        "admin_graphql_api_id": (
            f"gid://shopify/InventoryLevel/{location.id}?inventory_item_id={item_id}"
        ),
    }
    item = shop.inventory_items[item_id]
    item.cost = Decimal("4.2")
    item_body = inventory_item_body(shop, item)
    assert (item_body["sku"], item_body["cost"], item_body["tracked"]) == ("TEE-S", "4.20", True)


def _order(state: SimState, shop: Shop) -> Order:
    """A hand-built paid order with one taxed line and shipping, as the operations make it."""
    product = add_product(state, shop, "Tee", [("TEE-S", "10.00", 5)])
    variant = product.variants[0]
    line = LineItem(
        id=state.next_id(),
        title="Tee",
        quantity=2,
        price=Decimal("10.00"),
        variant_id=variant.id,
        product_id=product.id,
        sku="TEE-S",
        variant_title="S",
        fulfillable_quantity=1,
        fulfillment_status="partial",
        tax_lines=[TaxLine("IVA", Decimal("0.16"), Decimal("3.20"))],
    )
    order = Order(
        id=state.next_id(),
        name="#1001",
        order_number=1001,
        number=1,
        created_at=T0,
        updated_at=T0,
        processed_at=T0,
        currency="USD",
        financial_status="paid",
        line_items=[line],
        shipping_lines=[ShippingLine(id=state.next_id(), title="Std", price=Decimal("5"))],
        gateway="bogus",
    )
    order.transactions.append(
        Transaction(
            id=state.next_id(),
            order_id=order.id,
            kind="sale",
            status="success",
            amount=Decimal("28.20"),
            currency="USD",
            gateway="bogus",
            created_at=T0,
            processed_at=T0,
        )
    )
    shop.orders[order.id] = order
    return order


def test_order_body_round_trips_64_bit_ids_and_totals() -> None:
    state, shop = make_state()
    order = _order(state, shop)
    body = json.loads(json.dumps(order_body(shop, order)))
    assert body["id"] == order.id  # an int, exact beyond 2**53
    assert order.id > 2**53
    assert isinstance(body["line_items"][0]["id"], int)
    assert body["admin_graphql_api_id"] == f"gid://shopify/Order/{order.id}"
    assert (body["total_price"], body["subtotal_price"], body["total_tax"]) == (
        "28.20",
        "20.00",
        "3.20",
    )
    assert body["payment_gateway_names"] == ["bogus"]
    assert body["fulfillment_status"] == "partial"
    assert body["line_items"][0]["name"] == "Tee - S"
    assert body["line_items"][0]["current_quantity"] == 2
    assert body["total_outstanding"] == "0.00"
    assert shop.domain in body["order_status_url"]


def test_transactions_show_card_details_only_for_card_gateways() -> None:
    state, shop = make_state()
    order = _order(state, shop)
    sale = order.transactions[0]
    card = transaction_body(shop, order, sale)
    assert card["payment_id"] == "#1001.1"
    assert card["manual_payment_gateway"] is False
    assert card["payment_details"]["credit_card_company"] == "Bogus"
    assert card["total_unsettled_set"]["shop_money"] == {"amount": "0.0", "currency": "XXX"}
    sale.gateway = "cash"
    cash = transaction_body(shop, order, sale)
    assert "payment_details" not in cash
    assert cash["manual_payment_gateway"] is True


def test_an_open_authorization_shows_what_is_unsettled() -> None:
    state, shop = make_state()
    order = _order(state, shop)
    auth = order.transactions[0]
    auth.kind = "authorization"
    body = transaction_body(shop, order, auth)
    assert body["total_unsettled_set"]["presentment_money"] == {"amount": "28.2", "currency": "USD"}


def test_refund_body_uses_numbers_for_line_subtotals_and_lists_shipping() -> None:
    state, shop = make_state()
    order = _order(state, shop)
    line = order.line_items[0]
    refund = Refund(
        id=state.next_id(),
        order_id=order.id,
        created_at=T0,
        processed_at=T0,
        refund_line_items=[
            RefundLineItem(
                id=state.next_id(),
                line_item_id=line.id,
                quantity=1,
                restock_type="return",
                subtotal=Decimal("10.00"),
                total_tax=Decimal("1.60"),
                location_id=primary_location(shop).id,
            )
        ],
        order_adjustments=[
            OrderAdjustment(state.next_id(), Decimal("5"), Decimal(0), "shipping_refund", "x")
        ],
    )
    order.refunds.append(refund)
    body = refund_body(shop, order, refund)
    [rli] = body["refund_line_items"]
    assert (rli["subtotal"], rli["total_tax"]) == (10.0, 1.6)
    assert rli["subtotal_set"]["shop_money"]["amount"] == "10.00"
    assert "current_quantity" not in rli["line_item"]  # the nested shape
    assert body["order_adjustments"] == []  # shipping refunds are listed as shipping lines
    assert body["refund_shipping_lines"][0]["subtotal_amount_set"]["shop_money"]["amount"] == "5.00"
    current = order_body(shop, order)
    assert current["current_total_price"] == "11.60"  # 28.20 - 10.00 - 1.60 - 5.00
    assert current["line_items"][0]["current_quantity"] == 1


def test_fulfillment_body_lists_the_shipped_quantity_and_first_tracking_number() -> None:
    state, shop = make_state()
    order = _order(state, shop)
    line = order.line_items[0]
    fulfillment = Fulfillment(
        id=state.next_id(),
        order_id=order.id,
        location_id=primary_location(shop).id,
        name="#1001.1",
        created_at=T0,
        updated_at=T0,
        line_items=[FulfillmentLine(line.id, 1)],
        tracking_company="UPS",
        tracking_numbers=["1Z1", "1Z2"],
    )
    body = fulfillment_body(shop, order, fulfillment)
    assert body["line_items"][0]["quantity"] == 1
    assert (body["tracking_number"], body["tracking_numbers"]) == ("1Z1", ["1Z1", "1Z2"])
    assert body["tracking_url"] is None
    assert body["name"] == "#1001.1"
    assert body["status"] == "success"
