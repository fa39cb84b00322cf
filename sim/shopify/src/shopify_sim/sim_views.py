"""The ``/_sim/`` state view: a compact JSON picture of a shop for tests and demos.

Not a Shopify shape: it shows what a test needs to assert on (SKUs, every inventory
bucket per location, order statuses, fulfillment orders) in one read.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from shopify_sim.order_totals import current_quantity, current_totals, fulfillment_status
from shopify_sim.payloads_common import money, ts
from shopify_sim.state import Order, Shop


def _order_view(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "name": order.name,
        "source_name": order.source_name,
        "customer_id": order.customer_id,
        "financial_status": order.financial_status,
        "fulfillment_status": fulfillment_status(order),
        "cancelled_at": ts(order.cancelled_at),
        "total_price": money(order.total),
        "current_total_price": money(current_totals(order).total),
        "line_items": [
            {
                "id": li.id,
                "sku": li.sku,
                "quantity": li.quantity,
                "current_quantity": current_quantity(order, li),
                "fulfillable_quantity": li.fulfillable_quantity,
                "fulfillment_status": li.fulfillment_status,
            }
            for li in order.line_items
        ],
        "fulfillment_orders": [
            {
                "id": fo.id,
                "status": fo.status,
                "assigned_location_id": fo.assigned_location_id,
                "line_items": [
                    {
                        "id": li.id,
                        "line_item_id": li.line_item_id,
                        "total_quantity": li.total_quantity,
                        "remaining_quantity": li.remaining_quantity,
                    }
                    for li in fo.line_items
                ],
            }
            for fo in order.fulfillment_orders
        ],
        "refunds": [r.id for r in order.refunds],
        "fulfillments": [f.id for f in order.fulfillments],
    }


def shop_view(shop: Shop) -> dict[str, Any]:
    skus = {item.id: item.sku for item in shop.inventory_items.values()}
    return {
        "shop": {
            "id": shop.id,
            "domain": shop.domain,
            "name": shop.name,
            "plan": shop.plan,
            "currency": shop.currency,
            "rotating_secret": shop.previous_app_secret is not None,
        },
        "locations": [
            {"id": loc.id, "name": loc.name, "active": loc.active}
            for loc in shop.locations.values()
        ],
        "products": [
            {
                "id": p.id,
                "title": p.title,
                "handle": p.handle,
                "status": p.status,
                "updated_at": ts(p.updated_at),
                "variants": [
                    {
                        "id": v.id,
                        "sku": v.sku,
                        "title": v.title,
                        "price": money(v.price),
                        "inventory_item_id": v.inventory_item_id,
                    }
                    for v in p.variants
                ],
            }
            for p in shop.products.values()
        ],
        "inventory_levels": [
            {
                "inventory_item_id": item_id,
                "location_id": location_id,
                "sku": skus.get(item_id),
                **level.quantities,
            }
            for (item_id, location_id), level in shop.inventory_levels.items()
        ],
        "customers": [
            {"id": c.id, "email": c.email, "first_name": c.first_name, "last_name": c.last_name}
            for c in shop.customers.values()
        ],
        "orders": [_order_view(o) for o in shop.orders.values()],
        "webhook_subscriptions": [
            {
                "id": s.id,
                "topic": s.topic,
                "uri": s.uri,
                "api_version": s.api_version,
                "consecutive_failures": s.consecutive_failures,
            }
            for s in shop.webhook_subscriptions.values()
        ],
        "chaos": asdict(shop.chaos),
    }
