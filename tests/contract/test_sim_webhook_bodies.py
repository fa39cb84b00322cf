"""The emulator's webhook bodies have the keys of Shopify's own 2025-01 samples.

Each test drives the emulator the way a merchant would, catches the webhook it emits
(as JSON, the way it goes over the wire) and compares its keys with the real sample,
recursively: objects must have the same key sets; lists compare their first elements
when both have one; where Shopify sends an object or a list, so must the emulator.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopify_sim import catalog, inventory
from shopify_sim.orders import (
    EditInput,
    OrderInput,
    RefundInput,
    create_fulfillment,
    edit_order,
    place_order,
    refund_order,
)
from shopify_sim.state import Order, Shop, SimState

from tests.unit.shopify_sim.sim_factory import (
    Recorder,
    add_customer,
    add_product,
    make_state,
    primary_location,
)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else type(value).__name__


def key_differences(real: Any, ours: Any, path: str = "$") -> list[str]:
    """Readable differences in shape between a real body and ours (values are not compared)."""
    if isinstance(real, dict):
        if not isinstance(ours, dict):
            return [f"{path}: Shopify sends an object, the emulator {_kind(ours)}"]
        found = []
        if missing := sorted(real.keys() - ours.keys()):
            found.append(f"{path}: missing {missing}")
        if extra := sorted(ours.keys() - real.keys()):
            found.append(f"{path}: not in Shopify's body {extra}")
        for key in sorted(real.keys() & ours.keys()):
            found += key_differences(real[key], ours[key], f"{path}.{key}")
        return found
    if isinstance(real, list):
        if not isinstance(ours, list):
            return [f"{path}: Shopify sends a list, the emulator {_kind(ours)}"]
        return key_differences(real[0], ours[0], f"{path}[0]") if real and ours else []
    if isinstance(ours, dict | list):
        return [f"{path}: Shopify sends {_kind(real)}, the emulator {_kind(ours)}"]
    return []


def test_the_comparison_reports_what_differs() -> None:
    real = {"a": 1, "b": {"c": 1, "d": [{"e": 1}]}, "f": [], "g": {"h": 1}}
    ours = {"a": "x", "b": {"c": 2, "d": [{"e": 1, "z": 0}], "y": 0}, "f": [{"q": 1}], "g": None}
    assert key_differences(real, ours) == [
        "$.b: not in Shopify's body ['y']",
        "$.b.d[0]: not in Shopify's body ['z']",
        "$.g: Shopify sends an object, the emulator null",
    ]
    assert key_differences(real, real) == []


def _sample(shared_dir: Path, prefix: str) -> dict[str, Any]:
    [path] = sorted(
        (shared_dir / "shopify" / "fixtures").glob(f"{prefix}_*shopify_sample_2025-01.json")
    )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return data


def _assert_same_keys(shared_dir: Path, prefix: str, topic: str, ours: dict[str, Any]) -> None:
    found = key_differences(_sample(shared_dir, prefix), ours)
    assert not found, f"{topic} body differs from Shopify's sample {prefix}:\n  " + "\n  ".join(
        found
    )


def _world() -> tuple[SimState, Shop, Recorder]:
    state, shop = make_state()
    add_product(
        state,
        shop,
        "IPod Nano - 8GB",
        [("IPOD2008PINK", "199.00", 20), ("IPOD2008RED", "199.00", 20)],
    )
    return state, shop, Recorder(state)


def _checkout(state: SimState, shop: Shop, **extra: Any) -> Order:
    spec = {
        "lines": [{"sku": "IPOD2008PINK", "quantity": 2}, {"sku": "IPOD2008RED", "quantity": 1}],
        "customer": {
            "email": "bob@biller.com",
            "first_name": "Bob",
            "last_name": "Biller",
            "address": {"address1": "151 O'Connor Street", "city": "Ottawa", "country_code": "CA"},
        },
        "discount": {"code": "TENOFF", "value_type": "fixed_amount", "value": "10"},
        "shipping": {"title": "Generic Shipping", "price": "10.00"},
        "tax": {"rate": "0.13", "title": "HST"},
        "gateway": "bogus",
        **extra,
    }
    return place_order(state, shop, OrderInput.model_validate(spec))


def test_orders_create(shared_dir: Path) -> None:
    state, shop, rec = _world()
    order = _checkout(state, shop)
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate({"lines": [{"sku": "IPOD2008RED", "quantity": 1}]}),
    )
    create_fulfillment(
        state, shop, [(order.fulfillment_orders[0].id, None)], {"number": "1Z"}, False
    )
    rec.clear()
    refund_order(state, shop, order.id, RefundInput(amount=Decimal("1.00")))
    _assert_same_keys(shared_dir, "01", "orders/create", rec.last("orders/updated"))
    state2, shop2, rec2 = _world()
    _checkout(state2, shop2)
    _assert_same_keys(shared_dir, "01", "orders/create", rec2.last("orders/create"))


def test_orders_edited(shared_dir: Path) -> None:
    state, shop, rec = _world()
    order = _checkout(state, shop)
    edit_order(
        state,
        shop,
        order.id,
        EditInput.model_validate(
            {
                "changes": [{"line_item_id": order.line_items[0].id, "quantity": 1}],
                "add": [{"sku": "IPOD2008RED", "quantity": 1}],
            }
        ),
    )
    _assert_same_keys(shared_dir, "02", "orders/edited", rec.last("orders/edited"))


def test_refunds_create(shared_dir: Path) -> None:
    state, shop, rec = _world()
    order = _checkout(state, shop)
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate(
            {
                "lines": [{"sku": "IPOD2008PINK", "quantity": 1}],
                "restock": True,
                "note": "Things were damaged",
            }
        ),
    )
    _assert_same_keys(shared_dir, "03", "refunds/create", rec.last("refunds/create"))


def test_products_update(shared_dir: Path) -> None:
    state, shop, rec = _world()
    product_id = next(iter(shop.products))
    catalog.update_product(state, shop, product_id, {"title": "IPod Nano - 16GB"})
    _assert_same_keys(shared_dir, "04", "products/update", rec.last("products/update"))


def test_customers_create(shared_dir: Path) -> None:
    state, shop, rec = _world()
    _checkout(state, shop)
    _assert_same_keys(shared_dir, "05", "customers/create", rec.last("customers/create"))


def test_inventory_levels_update(shared_dir: Path) -> None:
    state, shop, rec = _world()
    variant = shop.variant_by_sku("IPOD2008PINK")
    assert variant is not None
    inventory.set_available(
        state, shop, variant.inventory_item_id, primary_location(shop).id, 7, "correction"
    )
    _assert_same_keys(
        shared_dir, "06", "inventory_levels/update", rec.last("inventory_levels/update")
    )


def test_fulfillments_create(shared_dir: Path) -> None:
    state, shop, rec = _world()
    order = _checkout(state, shop)
    fo = order.fulfillment_orders[0]
    tracking = {
        "company": "UPS",
        "number": "1z827wk74630",
        "url": "https://www.ups.com/track?n=1z827wk74630",
    }
    create_fulfillment(state, shop, [(fo.id, None)], tracking, True)
    _assert_same_keys(shared_dir, "07", "fulfillments/create", rec.last("fulfillments/create"))


def test_order_transactions_create(shared_dir: Path) -> None:
    state, shop, rec = _world()
    add_customer(state, shop)
    _checkout(state, shop, payment="authorized")
    body = rec.last("order_transactions/create")
    assert body["kind"] == "authorization"
    _assert_same_keys(shared_dir, "08", "order_transactions/create", body)
