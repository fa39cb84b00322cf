"""The shop itself and global ids: ``shop``, ``node`` and ``nodes``."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from shopify_sim.resolvers_common import Info, OrderPart, ctx, resolver
from shopify_sim.resolvers_inventory import inventory_level
from shopify_sim.resolvers_orders import find_fulfillment_order
from shopify_sim.state import Shop, parse_gid


@resolver("QueryRoot", "shop")
def shop(_: None, info: Info) -> Shop:
    return ctx(info).shop


@resolver("Shop", "email")
def shop_email(s: Shop, _: Info) -> str:
    return f"owner@{s.domain}"


@resolver("Shop", "myshopifyDomain")
def shop_domain(s: Shop, _: Info) -> str:
    return s.domain


@resolver("Shop", "currencyCode")
def shop_currency(s: Shop, _: Info) -> str:
    return s.currency


@resolver("Shop", "ianaTimezone")
def shop_timezone(s: Shop, _: Info) -> str:
    return "UTC"


@resolver("Shop", "plan")
def shop_plan(s: Shop, _: Info) -> dict[str, Any]:
    return {
        "displayName": {"plus": "Shopify Plus"}.get(s.plan, s.plan.title()),
        "partnerDevelopment": False,
        "shopifyPlus": s.plan in ("plus", "enterprise"),
    }


@resolver("Shop", "createdAt")
def shop_created(s: Shop, info: Info) -> Any:
    return min((loc.created_at for loc in s.locations.values()), default=ctx(info).state.now())


@resolver("Shop", "updatedAt")
def shop_updated(s: Shop, info: Info) -> Any:
    return shop_created(s, info)


# -- node / nodes -------------------------------------------------------------------


def _order_part(s: Shop, kind: str, number: int) -> OrderPart | None:
    if kind == "FulfillmentOrder":
        return find_fulfillment_order(s, number)
    for order in s.orders.values():
        by_kind: dict[str, list[Any]] = {
            "LineItem": list(order.line_items),
            "OrderTransaction": list(order.transactions),
            "Refund": list(order.refunds),
            "Fulfillment": list(order.fulfillments),
        }
        parts = by_kind.get(kind, [])
        found = next((p for p in parts if p.id == number), None)
        if found is not None:
            return OrderPart(order, found)
    return None


def find_node(info: Info, value: str) -> Any:
    """The object a gid names in this shop, or None."""
    try:
        kind, number = parse_gid(value.split("?", 1)[0])
    except ValueError:
        raise GraphQLError(f"Invalid global id '{value}'") from None
    s = ctx(info).shop
    direct: dict[str, dict[int, Any]] = {
        "Product": s.products,
        "InventoryItem": s.inventory_items,
        "Location": s.locations,
        "Customer": s.customers,
        "Order": s.orders,
        "WebhookSubscription": s.webhook_subscriptions,
        "BulkOperation": s.bulk_operations,
    }
    if kind in direct:
        return direct[kind].get(number)
    if kind == "ProductVariant":
        return s.variant(number)
    if kind == "InventoryLevel":
        return inventory_level(None, info, value)
    return _order_part(s, kind, number)


@resolver("QueryRoot", "node")
def node(_: None, info: Info, id: str) -> Any:
    return find_node(info, id)


@resolver("QueryRoot", "nodes")
def nodes(_: None, info: Info, ids: list[str]) -> list[Any]:
    return [find_node(info, value) for value in ids]
