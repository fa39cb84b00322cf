"""Line items and shipping lines as they appear inside order-side webhook bodies.

Line items come in two shapes, as in Shopify's samples: the order's own (``full``: with
``current_quantity``, ``attributed_staffs``, ``sales_line_item_group_id``) and the one
nested in refunds and fulfillments (without them).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_sim.order_totals import current_quantity
from shopify_sim.payloads_common import money, money_set
from shopify_sim.state import DiscountAllocation, LineItem, Order, ShippingLine, Shop, TaxLine, gid


def tax_lines_body(lines: list[TaxLine], currency: str) -> list[dict[str, Any]]:
    return [
        {
            "channel_liable": False,
            "price": money(t.price),
            "price_set": money_set(t.price, currency),
            "rate": float(t.rate),
            "title": t.title,
        }
        for t in lines
    ]


def allocations_body(allocs: list[DiscountAllocation], currency: str) -> list[dict[str, Any]]:
    return [
        {
            "amount": money(a.amount),
            "amount_set": money_set(a.amount, currency),
            "discount_application_index": a.discount_application_index,
        }
        for a in allocs
    ]


def line_item_body(
    shop: Shop, order: Order, line: LineItem, quantity: int | None = None, *, full: bool = False
) -> dict[str, Any]:
    """A line item; `quantity` overrides the count (a fulfillment's share of the line)."""
    item = shop.variant(line.variant_id) if line.variant_id is not None else None
    inventory = shop.inventory_items.get(item.inventory_item_id) if item is not None else None
    body: dict[str, Any] = {
        "admin_graphql_api_id": gid("LineItem", line.id),
        "discount_allocations": allocations_body(line.discount_allocations, order.currency),
        "duties": [],
        "fulfillable_quantity": line.fulfillable_quantity,
        "fulfillment_service": "manual",
        "fulfillment_status": line.fulfillment_status,
        "gift_card": False,
        "grams": line.grams,
        "id": line.id,
        "name": line.name,
        "price": money(line.price),
        "price_set": money_set(line.price, order.currency),
        "product_exists": line.product_id in shop.products,
        "product_id": line.product_id,
        "properties": [],
        "quantity": line.quantity if quantity is None else quantity,
        "requires_shipping": line.requires_shipping,
        "sku": line.sku,
        "tax_lines": tax_lines_body(line.tax_lines, order.currency),
        "taxable": line.taxable,
        "title": line.title,
        # Shopify leaves this at zero for code discounts; the allocations carry them.
        "total_discount": "0.00",
        "total_discount_set": money_set(Decimal(0), order.currency),
        "variant_id": line.variant_id,
        "variant_inventory_management": (
            "shopify" if inventory is not None and inventory.tracked else None
        ),
        "variant_title": line.variant_title,
        "vendor": line.vendor,
    }
    if full:
        body["attributed_staffs"] = []
        body["current_quantity"] = current_quantity(order, line)
        body["sales_line_item_group_id"] = None
    return body


def shipping_line_body(order: Order, line: ShippingLine) -> dict[str, Any]:
    discounted = line.price - sum((a.amount for a in line.discount_allocations), Decimal(0))
    return {
        "carrier_identifier": None,
        "code": line.code,
        "current_discounted_price_set": money_set(discounted, order.currency),
        "discount_allocations": allocations_body(line.discount_allocations, order.currency),
        "discounted_price": money(discounted),
        "discounted_price_set": money_set(discounted, order.currency),
        "id": line.id,
        "is_removed": False,
        "phone": None,
        "price": money(line.price),
        "price_set": money_set(line.price, order.currency),
        "requested_fulfillment_service_id": None,
        "source": line.source,
        "tax_lines": tax_lines_body(line.tax_lines, order.currency),
        "title": line.title,
    }
