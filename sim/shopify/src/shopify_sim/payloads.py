"""REST-shaped webhook bodies, key for key like Shopify's own 2025-01 samples.

A consumer written against these bodies must work against Shopify, so every key the
real body has is here (null where the emulator has nothing to say), and values carry
Shopify's types: numeric ids, string money, ``*_set`` money bags, offset timestamps.
``tests/contract/test_sim_webhook_bodies.py`` holds them to the real fixtures.
Order-side bodies live in ``payloads_orders`` and ``payloads_aftersale``, re-exported here.
"""

from __future__ import annotations

from typing import Any

from shopify_sim.payloads_aftersale import (
    fulfillment_body,
    order_edit_body,
    refund_body,
    transaction_body,
)
from shopify_sim.payloads_common import (
    customer_address_body,
    customer_fields,
    money,
    tags,
    ts,
    ts_millis_z,
)
from shopify_sim.payloads_orders import order_body
from shopify_sim.state import Customer, InventoryItem, InventoryLevel, Product, Shop, Variant, gid

__all__ = [
    "customer_body",
    "fulfillment_body",
    "inventory_item_body",
    "inventory_level_body",
    "order_body",
    "order_edit_body",
    "product_body",
    "refund_body",
    "transaction_body",
]


def available(shop: Shop, inventory_item_id: int) -> int:
    """What REST calls ``inventory_quantity``: available summed over locations."""
    return sum(
        level.quantities.get("available", 0)
        for (item_id, _), level in shop.inventory_levels.items()
        if item_id == inventory_item_id
    )


def _variant_body(shop: Shop, product: Product, variant: Variant) -> dict[str, Any]:
    values = [value for _, value in variant.option_values][:3]
    options: list[str | None] = [*values, *([None] * (3 - len(values)))]
    quantity = available(shop, variant.inventory_item_id)
    return {
        "admin_graphql_api_id": gid("ProductVariant", variant.id),
        "barcode": variant.barcode,
        "compare_at_price": (
            money(variant.compare_at_price) if variant.compare_at_price is not None else None
        ),
        "created_at": ts(variant.created_at),
        "id": variant.id,
        "image_id": None,
        "inventory_item_id": variant.inventory_item_id,
        "inventory_policy": variant.inventory_policy,
        "inventory_quantity": quantity,
        "old_inventory_quantity": quantity,
        "option1": options[0],
        "option2": options[1],
        "option3": options[2],
        "position": variant.position,
        "price": money(variant.price),
        "product_id": product.id,
        "sku": variant.sku,
        "taxable": variant.taxable,
        "title": variant.title,
        "updated_at": ts(variant.updated_at),
    }


def product_body(shop: Shop, product: Product) -> dict[str, Any]:
    """products/create, products/update."""
    return {
        "admin_graphql_api_id": gid("Product", product.id),
        "body_html": product.description_html,
        "category": None,
        "created_at": ts(product.created_at),
        "handle": product.handle,
        "has_variants_that_requires_components": False,
        "id": product.id,
        "image": None,
        "images": [],
        "media": [],
        "options": [
            {
                "id": option.id,
                "product_id": product.id,
                "name": option.name,
                "position": option.position,
                "values": list(option.values),
            }
            for option in product.options
        ],
        "product_type": product.product_type,
        "published_at": ts(product.published_at),
        "published_scope": "web",
        "status": product.status.lower(),
        "tags": tags(product.tags),
        "template_suffix": None,
        "title": product.title,
        "updated_at": ts(product.updated_at),
        "variant_gids": [
            {
                "admin_graphql_api_id": gid("ProductVariant", v.id),
                "updated_at": ts_millis_z(v.updated_at),
            }
            for v in sorted(product.variants, key=lambda v: v.updated_at, reverse=True)
        ],
        "variants": [_variant_body(shop, product, v) for v in product.variants],
        "vendor": product.vendor,
    }


def customer_body(shop: Shop, customer: Customer) -> dict[str, Any]:
    """customers/create, customers/update."""
    body = customer_fields(shop, customer)
    body["addresses"] = [
        customer_address_body(customer, address, index == 0)
        for index, address in enumerate(customer.addresses)
    ]
    return body


def inventory_level_body(shop: Shop, level: InventoryLevel) -> dict[str, Any]:
    """inventory_levels/update, inventory_levels/connect."""
    return {
        "inventory_item_id": level.inventory_item_id,
        "location_id": level.location_id,
        "available": level.quantities.get("available", 0),
        "updated_at": ts(level.updated_at),
        "admin_graphql_api_id": (
            f"gid://shopify/InventoryLevel/{level.location_id}"
            f"?inventory_item_id={level.inventory_item_id}"
        ),
    }


def inventory_item_body(shop: Shop, item: InventoryItem) -> dict[str, Any]:
    """inventory_items/create, inventory_items/update."""
    return {
        "id": item.id,
        "sku": item.sku,
        "created_at": ts(item.created_at),
        "updated_at": ts(item.updated_at),
        "requires_shipping": item.requires_shipping,
        "cost": money(item.cost) if item.cost is not None else None,
        "country_code_of_origin": item.country_code_of_origin,
        "province_code_of_origin": None,
        "harmonized_system_code": item.harmonized_system_code,
        "tracked": item.tracked,
        "country_harmonized_system_codes": [],
        "admin_graphql_api_id": gid("InventoryItem", item.id),
    }
