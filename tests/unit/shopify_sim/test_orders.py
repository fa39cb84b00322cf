"""Merchant order actions: totals, payment status, stock, fulfillment, refunds, cancels, edits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from shopify_sim.errors import UserErrors
from shopify_sim.orders import (
    CancelInput,
    EditInput,
    MarkPaidInput,
    OrderInput,
    RefundInput,
    cancel_order,
    create_fulfillment,
    edit_order,
    mark_paid,
    place_order,
    refund_order,
)
from shopify_sim.orders_fulfillment import fulfill_order
from shopify_sim.payloads import order_body
from shopify_sim.state import FulfillmentOrder, Order, Shop, SimState

from tests.unit.shopify_sim.sim_factory import (
    Recorder,
    add_customer,
    add_location,
    add_product,
    make_state,
    primary_location,
    quantities,
    stock,
)


@pytest.fixture
def world() -> tuple[SimState, Shop, Recorder]:
    state, shop = make_state()
    add_product(state, shop, "Tee", [("TEE-S", "10.00", 10), ("TEE-M", "30.00", 5)])
    add_product(state, shop, "Cap", [("CAP", "10.00", 3)])
    return state, shop, Recorder(state)


def _order(state: SimState, shop: Shop, **spec: Any) -> Order:
    spec.setdefault("lines", [{"sku": "TEE-S", "quantity": 2}, {"sku": "TEE-M", "quantity": 1}])
    return place_order(state, shop, OrderInput.model_validate(spec))


def _status(order: Order) -> str:
    """Read through a call, so mypy does not narrow the field between two actions."""
    return order.financial_status


def _fo_status(fo: FulfillmentOrder) -> str:
    return fo.status


def _line(order: Order, sku: str) -> int:
    return next(li.id for li in order.line_items if li.sku == sku)


# -- totals ------------------------------------------------------------------------------


def test_discount_tax_and_shipping_add_up_like_shopify(world: Any) -> None:
    state, shop, _ = world
    order = _order(
        state,
        shop,
        discount={"code": "SAVE10", "value_type": "percentage", "value": "10"},
        shipping={"title": "Standard", "price": "5.00"},
        tax={"rate": "0.16", "title": "IVA"},
    )
    body = order_body(shop, order)
    # lines 2 x 10 + 30 = 50; 10 % off = 5; taxed base 45 -> 7.20; shipping 5 -> 0.80
    assert body["total_line_items_price"] == "50.00"
    assert body["total_discounts"] == "5.00"
    assert body["subtotal_price"] == "45.00"
    assert body["total_tax"] == "8.00"
    assert body["total_price"] == "58.00"
    assert body["total_price_set"]["shop_money"] == {"amount": "58.00", "currency_code": "USD"}
    assert body["discount_codes"] == [{"code": "SAVE10", "amount": "5.00", "type": "percentage"}]
    assert [t["price"] for t in body["shipping_lines"][0]["tax_lines"]] == ["0.80"]
    assert body["tax_lines"] == [
        {
            "channel_liable": False,
            "price": "8.00",
            "price_set": {
                "shop_money": {"amount": "8.00", "currency_code": "USD"},
                "presentment_money": {"amount": "8.00", "currency_code": "USD"},
            },
            "rate": 0.16,
            "title": "IVA",
        }
    ]
    allocations = [li["discount_allocations"][0]["amount"] for li in body["line_items"]]
    assert allocations == ["2.00", "3.00"]


def test_a_fixed_discount_is_spread_pro_rata_to_the_cent(world: Any) -> None:
    state, shop, _ = world
    order = _order(
        state,
        shop,
        lines=[
            {"sku": "TEE-S", "quantity": 1},
            {"sku": "CAP", "quantity": 1},
            {"sku": "TEE-S", "quantity": 1},
        ],
        discount={"code": "TENOFF", "value_type": "fixed_amount", "value": "10"},
    )
    amounts = [li.discount_allocations[0].amount for li in order.line_items]
    assert amounts == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]
    assert order_body(shop, order)["total_price"] == "20.00"


def test_prices_that_include_tax_are_not_taxed_again(world: Any) -> None:
    state, shop, _ = world
    order = _order(
        state,
        shop,
        lines=[{"sku": "CAP", "quantity": 1, "price": "116.00"}],
        tax={"rate": "0.16"},
        taxes_included=True,
    )
    body = order_body(shop, order)
    assert (body["total_price"], body["total_tax"], body["taxes_included"]) == (
        "116.00",
        "16.00",
        True,
    )


# -- payment -----------------------------------------------------------------------------


def test_a_paid_checkout_sends_create_paid_and_the_sale(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, gateway="bogus")
    assert _status(order) == "paid"
    assert {"orders/create", "orders/paid", "order_transactions/create"} <= set(rec.topics())
    sale = rec.last("order_transactions/create")
    assert (sale["kind"], sale["status"], sale["amount"]) == ("sale", "success", "50.00")
    assert len(set(rec.event_ids)) == 1  # one checkout, one X-Shopify-Event-Id


def test_pending_then_mark_paid(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, payment="pending", gateway="bank_deposit")
    assert _status(order) == "pending"
    assert "orders/paid" not in rec.topics()
    assert rec.last("orders/create")["total_outstanding"] == "50.00"
    rec.clear()
    mark_paid(state, shop, order.id, MarkPaidInput())
    assert _status(order) == "paid"
    assert rec.topics().count("orders/paid") == 1
    assert rec.last("orders/updated")["total_outstanding"] == "0.00"
    with pytest.raises(UserErrors, match="nothing outstanding"):
        mark_paid(state, shop, order.id, MarkPaidInput())


def test_a_partial_payment_is_partially_paid_and_sends_no_orders_paid(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, payment="pending")
    rec.clear()
    mark_paid(state, shop, order.id, MarkPaidInput(amount=Decimal("20")))
    assert _status(order) == "partially_paid"
    assert "orders/paid" not in rec.topics()
    mark_paid(state, shop, order.id, MarkPaidInput())
    assert _status(order) == "paid"


def test_an_authorization_is_captured_against_its_parent(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, payment="authorized")
    assert _status(order) == "authorized"
    rec.clear()
    mark_paid(state, shop, order.id, MarkPaidInput())
    capture = rec.last("order_transactions/create")
    auth = next(t for t in order.transactions if t.kind == "authorization")
    assert (capture["kind"], capture["parent_id"]) == ("capture", auth.id)
    assert _status(order) == "paid"


def test_cancelling_an_authorized_order_voids_it(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, payment="authorized")
    cancel_order(state, shop, order.id, CancelInput(reason="fraud"))
    assert _status(order) == "voided"
    assert [t.kind for t in order.transactions] == ["authorization", "void"]
    assert rec.last("orders/cancelled")["cancel_reason"] == "fraud"


# -- stock and fulfillment orders -------------------------------------------------------


def test_an_order_commits_stock_and_tells_the_app(world: Any) -> None:
    state, shop, rec = world
    _order(state, shop)
    q = quantities(shop, "TEE-S")
    assert (q["available"], q["committed"], q["on_hand"]) == (8, 2, 10)
    level_updates = rec.bodies("inventory_levels/update")
    item = shop.variant_by_sku("TEE-S").inventory_item_id
    assert {"inventory_item_id": item, "available": 8} in [
        {"inventory_item_id": b["inventory_item_id"], "available": b["available"]}
        for b in level_updates
    ]


def test_lines_stocked_at_different_locations_get_one_fulfillment_order_each(world: Any) -> None:
    state, shop, _ = world
    depot = add_location(state, shop, "Depot")
    add_product(state, shop, "Mug", [("MUG", "8.00", 4)], location=depot)
    order = _order(
        state, shop, lines=[{"sku": "TEE-S", "quantity": 1}, {"sku": "MUG", "quantity": 2}]
    )
    by_location = {fo.assigned_location_id: fo for fo in order.fulfillment_orders}
    assert set(by_location) == {primary_location(shop).id, depot.id}
    assert [li.remaining_quantity for li in by_location[depot.id].line_items] == [2]
    assert quantities(shop, "MUG", depot.id)["committed"] == 2


def test_a_deny_variant_cannot_be_oversold_and_nothing_changes(world: Any) -> None:
    state, shop, rec = world
    with pytest.raises(UserErrors, match="Not enough stock"):
        _order(state, shop, lines=[{"sku": "CAP", "quantity": 4}])
    assert shop.orders == {}
    assert rec.topics() == []
    assert quantities(shop, "CAP")["available"] == 3


def test_an_unknown_sku_is_refused_with_its_field(world: Any) -> None:
    state, shop, _ = world
    with pytest.raises(UserErrors) as caught:
        _order(state, shop, lines=[{"sku": "NOPE", "quantity": 1}])
    assert caught.value.errors[0].field == ["lines", "0", "sku"]


def test_a_new_email_creates_the_customer_once(world: Any) -> None:
    state, shop, rec = world
    first = _order(state, shop, customer={"email": "ana@example.com", "first_name": "Ana"})
    second = _order(state, shop, customer={"email": "ANA@example.com"})
    assert first.customer_id == second.customer_id
    assert rec.topics().count("customers/create") == 1
    assert rec.last("customers/create")["email"] == "ana@example.com"
    assert rec.last("orders/create")["customer"]["id"] == first.customer_id


def test_an_existing_customer_by_id_lends_the_order_its_address(world: Any) -> None:
    state, shop, rec = world
    customer = add_customer(state, shop)
    _order(state, shop, customer={"id": customer.id})
    body = rec.last("orders/create")
    assert body["email"] == customer.email
    assert body["shipping_address"]["city"] == "Ottawa"
    assert "customers/create" not in rec.topics()
    with pytest.raises(UserErrors, match="does not exist"):
        _order(state, shop, customer={"id": 1})


def test_a_pos_sale_is_fulfilled_over_the_counter(world: Any) -> None:
    state, shop, rec = world
    store = primary_location(shop)
    order = _order(
        state,
        shop,
        lines=[{"sku": "CAP", "quantity": 2}],
        source="pos",
        location_id=store.id,
        gateway="cash",
    )
    body = rec.last("orders/create")
    assert (body["source_name"], body["location_id"]) == ("pos", store.id)
    assert body["fulfillment_status"] == "fulfilled"
    q = quantities(shop, "CAP")
    assert (q["available"], q["on_hand"], q["committed"]) == (1, 1, 0)
    assert rec.last("fulfillments/create")["location_id"] == store.id
    assert "payment_details" not in rec.last("order_transactions/create")  # cash is manual
    assert order.fulfillment_orders[0].status == "CLOSED"


def test_a_pos_order_needs_a_real_location(world: Any) -> None:
    state, shop, _ = world
    with pytest.raises(UserErrors, match="location_id"):
        _order(state, shop, source="pos", location_id=123)


# -- fulfillment -------------------------------------------------------------------------


def test_fulfilling_part_then_the_rest(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop)
    fo = order.fulfillment_orders[0]
    tee_s = next(li for li in fo.line_items if li.line_item_id == _line(order, "TEE-S"))
    rec.clear()
    create_fulfillment(
        state,
        shop,
        [(fo.id, [(tee_s.id, 1)])],
        {"company": "UPS", "number": "1Z999", "url": "https://ups.example/1Z999"},
        True,
    )
    assert rec.topics().count("orders/partially_fulfilled") == 1
    shipped = rec.last("fulfillments/create")
    assert (shipped["tracking_company"], shipped["tracking_number"]) == ("UPS", "1Z999")
    assert [(li["sku"], li["quantity"]) for li in shipped["line_items"]] == [("TEE-S", 1)]
    assert _fo_status(fo) == "IN_PROGRESS"
    q = quantities(shop, "TEE-S")
    assert (q["available"], q["committed"], q["on_hand"]) == (8, 1, 9)

    rec.clear()
    create_fulfillment(state, shop, [(fo.id, None)], None, False)
    assert "orders/fulfilled" in rec.topics()
    assert rec.last("orders/updated")["fulfillment_status"] == "fulfilled"
    assert _fo_status(fo) == "CLOSED"
    assert [f.name for f in order.fulfillments] == [f"{order.name}.1", f"{order.name}.2"]
    q = quantities(shop, "TEE-S")
    assert (q["available"], q["committed"], q["on_hand"]) == (8, 0, 8)


def test_over_fulfilment_and_unknown_ids_are_refused(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop)
    fo = order.fulfillment_orders[0]
    line = fo.line_items[0]
    rec.clear()
    with pytest.raises(UserErrors, match="quantity"):
        create_fulfillment(
            state, shop, [(fo.id, [(line.id, line.remaining_quantity + 1)])], None, False
        )
    with pytest.raises(UserErrors, match="does not exist"):
        create_fulfillment(state, shop, [(42, None)], None, False)
    with pytest.raises(UserErrors, match="not in fulfillment order"):
        create_fulfillment(state, shop, [(fo.id, [(42, 1)])], None, False)
    assert rec.topics() == []
    assert line.remaining_quantity == line.total_quantity


def test_a_closed_fulfillment_order_cannot_ship_again(world: Any) -> None:
    state, shop, _ = world
    order = _order(state, shop)
    fo = order.fulfillment_orders[0]
    create_fulfillment(state, shop, [(fo.id, None)], None, False)
    with pytest.raises(UserErrors, match="unfulfillable status"):
        create_fulfillment(state, shop, [(fo.id, None)], None, False)


# -- refunds -----------------------------------------------------------------------------


def test_refunding_an_unshipped_unit_with_restock_puts_it_back(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, tax={"rate": "0.16"})
    rec.clear()
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate({"lines": [{"sku": "TEE-S", "quantity": 1}], "restock": True}),
    )
    q = quantities(shop, "TEE-S")
    assert (q["available"], q["committed"], q["on_hand"]) == (9, 1, 10)
    body = rec.last("refunds/create")
    [rli] = body["refund_line_items"]
    assert (rli["restock_type"], rli["location_id"], rli["quantity"]) == (
        "cancel",
        primary_location(shop).id,
        1,
    )
    assert (rli["subtotal"], rli["total_tax"]) == (10.0, 1.6)
    assert body["transactions"][0]["amount"] == "11.60"
    assert _status(order) == "partially_refunded"
    assert rec.last("orders/updated")["current_total_price"] == "46.40"  # 58.00 - 11.60
    assert "inventory_levels/update" in rec.topics()


def test_refunding_without_restock_writes_unshipped_units_off(world: Any) -> None:
    state, shop, _ = world
    order = _order(state, shop)
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate({"lines": [{"sku": "TEE-S", "quantity": 2}]}),
    )
    q = quantities(shop, "TEE-S")
    assert (q["available"], q["committed"], q["on_hand"]) == (8, 0, 8)
    assert next(li for li in order.line_items if li.sku == "TEE-S").fulfillable_quantity == 0


def test_a_returned_shipped_unit_comes_back_on_hand_where_asked(world: Any) -> None:
    state, shop, rec = world
    depot = add_location(state, shop, "Returns depot")
    item = shop.variant_by_sku("TEE-M").inventory_item_id
    stock(state, shop, item, depot.id, 0)
    order = _order(state, shop)
    fulfill_order(state, shop, order.id, None, None)
    before = quantities(shop, "TEE-M")
    rec.clear()
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate(
            {"lines": [{"sku": "TEE-M", "quantity": 1}], "restock": True, "location_id": depot.id}
        ),
    )
    assert quantities(shop, "TEE-M") == before  # not back where it left from
    back = quantities(shop, "TEE-M", depot.id)
    assert (back["available"], back["on_hand"]) == (1, 1)
    [rli] = rec.last("refunds/create")["refund_line_items"]
    assert (rli["restock_type"], rli["location_id"]) == ("return", depot.id)


def test_a_shipped_unit_refunded_without_restock_leaves_stock_alone(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop)
    fulfill_order(state, shop, order.id, None, None)
    before = quantities(shop, "TEE-M")
    rec.clear()
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate({"lines": [{"sku": "TEE-M", "quantity": 1}]}),
    )
    assert quantities(shop, "TEE-M") == before
    assert "inventory_levels/update" not in rec.topics()
    assert rec.last("refunds/create")["refund_line_items"][0]["restock_type"] == "no_restock"


def test_refunding_everything_with_shipping_makes_the_order_refunded(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, shipping={"price": "5.00"}, tax={"rate": "0.10"})
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate(
            {
                "lines": [{"sku": "TEE-S", "quantity": 2}, {"sku": "TEE-M", "quantity": 1}],
                "shipping": {"full_refund": True},
            }
        ),
    )
    body = rec.last("refunds/create")
    assert body["transactions"][0]["amount"] == "60.50"  # 50 + 5 + 10 % tax on both
    [ship] = body["refund_shipping_lines"]
    assert ship["subtotal_amount_set"]["shop_money"]["amount"] == "5.00"
    assert _status(order) == "refunded"
    updated = rec.last("orders/updated")
    assert (updated["current_total_price"], updated["total_price"]) == ("0.00", "60.50")


def test_refunds_cannot_exceed_what_was_bought_or_paid(world: Any) -> None:
    state, shop, _ = world
    order = _order(state, shop)
    with pytest.raises(UserErrors, match="Cannot refund 3"):
        refund_order(
            state,
            shop,
            order.id,
            RefundInput.model_validate({"lines": [{"sku": "TEE-S", "quantity": 3}]}),
        )
    with pytest.raises(UserErrors, match="exceeds"):
        refund_order(state, shop, order.id, RefundInput(amount=Decimal("50.01")))
    with pytest.raises(UserErrors, match="Nothing to refund"):
        refund_order(state, shop, order.id, RefundInput())


def test_an_unpaid_order_refunds_goods_but_no_money(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, payment="pending")
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate({"lines": [{"sku": "TEE-S", "quantity": 1}]}),
    )
    assert rec.last("refunds/create")["transactions"] == []
    assert _status(order) == "pending"


# -- cancel ------------------------------------------------------------------------------


def test_cancel_with_restock_and_refund(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop, shipping={"price": "5.00"})
    rec.clear()
    cancel_order(state, shop, order.id, CancelInput(reason="customer"))
    q = quantities(shop, "TEE-S")
    assert (q["available"], q["committed"], q["on_hand"]) == (10, 0, 10)
    assert _status(order) == "refunded"
    assert {fo.status for fo in order.fulfillment_orders} == {"CANCELLED"}
    assert {"orders/cancelled", "refunds/create", "orders/updated"} <= set(rec.topics())
    assert rec.last("refunds/create")["transactions"][0]["amount"] == "55.00"
    cancelled = rec.last("orders/cancelled")
    assert cancelled["cancelled_at"] is not None
    assert cancelled["current_total_price"] == "0.00"
    with pytest.raises(UserErrors, match="already cancelled"):
        cancel_order(state, shop, order.id, CancelInput())


def test_cancel_without_refund_keeps_the_money_and_writes_off_without_restock(world: Any) -> None:
    state, shop, _ = world
    order = _order(state, shop)
    cancel_order(state, shop, order.id, CancelInput(restock=False, refund=False))
    assert _status(order) == "paid"
    q = quantities(shop, "TEE-S")
    assert (q["available"], q["committed"], q["on_hand"]) == (8, 0, 8)


def test_a_pending_order_cancelled_is_voided(world: Any) -> None:
    state, shop, _ = world
    order = _order(state, shop, payment="pending")
    cancel_order(state, shop, order.id, CancelInput())
    assert _status(order) == "voided"


def test_a_shipped_order_cannot_be_cancelled(world: Any) -> None:
    state, shop, _ = world
    order = _order(state, shop)
    fulfill_order(state, shop, order.id, [(_line(order, "TEE-S"), 1)], None)
    with pytest.raises(UserErrors, match="fulfillments"):
        cancel_order(state, shop, order.id, CancelInput())


# -- edits -------------------------------------------------------------------------------


def test_an_edit_removes_units_and_adds_a_line(world: Any) -> None:
    state, shop, rec = world
    order = _order(state, shop)
    tee_s = _line(order, "TEE-S")
    rec.clear()
    edit_order(
        state,
        shop,
        order.id,
        EditInput.model_validate(
            {
                "changes": [{"line_item_id": tee_s, "quantity": 1}],
                "add": [{"sku": "CAP", "quantity": 1}],
            }
        ),
    )
    edit = rec.last("orders/edited")["order_edit"]
    cap = _line(order, "CAP")
    assert edit["line_items"] == {
        "additions": [{"delta": 1, "id": cap}],
        "removals": [{"delta": 1, "id": tee_s}],
    }
    updated = rec.last("orders/updated")
    assert updated["current_total_price"] == "50.00"  # 50 - 10 + 10
    tee = next(li for li in updated["line_items"] if li["id"] == tee_s)
    assert (tee["quantity"], tee["current_quantity"], tee["fulfillable_quantity"]) == (2, 1, 1)
    assert quantities(shop, "TEE-S")["available"] == 9
    assert quantities(shop, "CAP")["committed"] == 1
    assert len(order.fulfillment_orders) == 2


def test_an_edit_cannot_raise_a_quantity(world: Any) -> None:
    state, shop, _ = world
    order = _order(state, shop)
    with pytest.raises(UserErrors, match="add a line"):
        edit_order(
            state,
            shop,
            order.id,
            EditInput.model_validate(
                {"changes": [{"line_item_id": _line(order, "TEE-S"), "quantity": 5}]}
            ),
        )
