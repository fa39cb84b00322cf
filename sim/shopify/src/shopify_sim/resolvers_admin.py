"""The shop itself, global ids (node/nodes), webhook subscriptions and bulk operations."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from shopify_sim.errors import UserErrors
from shopify_sim.payloads_common import ts
from shopify_sim.resolvers_common import (
    Info,
    OrderPart,
    connection,
    ctx,
    id_of,
    payload,
    required_id,
    resolver,
)
from shopify_sim.resolvers_inventory import inventory_level
from shopify_sim.resolvers_orders import find_fulfillment_order
from shopify_sim.state import BulkOperation, Shop, WebhookSubscription, gid, parse_gid

# REST topic <-> GraphQL WebhookSubscriptionTopic, for the topics schema.graphql lists.
REST_TOPICS = (
    "app/uninstalled",
    "bulk_operations/finish",
    "customers/create",
    "customers/update",
    "customers/delete",
    "fulfillments/create",
    "fulfillments/update",
    "inventory_items/create",
    "inventory_items/update",
    "inventory_items/delete",
    "inventory_levels/connect",
    "inventory_levels/update",
    "inventory_levels/disconnect",
    "locations/create",
    "locations/update",
    "locations/delete",
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/fulfilled",
    "orders/partially_fulfilled",
    "orders/edited",
    "orders/delete",
    "order_transactions/create",
    "refunds/create",
    "products/create",
    "products/update",
    "products/delete",
)
TO_REST = {topic.upper().replace("/", "_"): topic for topic in REST_TOPICS}
TO_GRAPHQL = {rest: graphql for graphql, rest in TO_REST.items()}


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


# -- webhook subscriptions ----------------------------------------------------------


@resolver("QueryRoot", "webhookSubscriptions")
def webhook_subscriptions(_: None, info: Info, **args: Any) -> dict[str, Any]:
    wanted = {TO_REST[t] for t in args.get("topics") or []}
    url = args.get("callbackUrl")
    found = [
        sub
        for sub in ctx(info).shop.webhook_subscriptions.values()
        if sub.topic in TO_GRAPHQL
        and (not wanted or sub.topic in wanted)
        and (url is None or sub.uri == url)
    ]
    return connection(info, found, args)


@resolver("QueryRoot", "webhookSubscription")
def webhook_subscription(_: None, info: Info, id: str) -> WebhookSubscription | None:
    number = id_of(id, "WebhookSubscription")
    return ctx(info).shop.webhook_subscriptions.get(number or 0)


@resolver("WebhookSubscription", "topic")
def subscription_topic(sub: WebhookSubscription, _: Info) -> str | None:
    return TO_GRAPHQL.get(sub.topic)


@resolver("WebhookSubscription", "endpoint")
def subscription_endpoint(sub: WebhookSubscription, _: Info) -> dict[str, Any]:
    return {"__typename": "WebhookHttpEndpoint", "callbackUrl": sub.uri}


@resolver("WebhookSubscription", "callbackUrl")
def subscription_callback(sub: WebhookSubscription, _: Info) -> str:
    return sub.uri


@resolver("WebhookSubscription", "apiVersion")
def subscription_version(sub: WebhookSubscription, _: Info) -> dict[str, Any]:
    return {"handle": sub.api_version, "displayName": sub.api_version, "supported": True}


@resolver("WebhookSubscription", "includeFields")
def subscription_fields(sub: WebhookSubscription, _: Info) -> list[str]:
    return []


@resolver("Mutation", "webhookSubscriptionCreate")
def webhook_subscription_create(
    _: None, info: Info, topic: str, webhookSubscription: dict[str, Any]
) -> dict[str, Any]:
    context = ctx(info)
    rest_topic = TO_REST[topic]
    uri = webhookSubscription.get("uri") or webhookSubscription.get("callbackUrl")
    try:
        if not uri or "://" not in str(uri):
            raise UserErrors.one("Address can't be blank", ["webhookSubscription", "callbackUrl"])
        for sub in context.shop.webhook_subscriptions.values():
            if sub.topic == rest_topic and sub.uri == uri:
                raise UserErrors.one(
                    "Address for this topic has already been taken",
                    ["webhookSubscription", "callbackUrl"],
                )
    except UserErrors as refused:
        return payload(refused, webhookSubscription=None)
    now = context.state.now()
    sub = WebhookSubscription(
        id=context.state.next_id(),
        topic=rest_topic,
        uri=str(uri),
        created_at=now,
        updated_at=now,
        api_version=context.api_version,
    )
    context.shop.webhook_subscriptions[sub.id] = sub
    return {"webhookSubscription": sub, "userErrors": []}


@resolver("Mutation", "webhookSubscriptionDelete")
def webhook_subscription_delete(_: None, info: Info, id: str) -> dict[str, Any]:
    subscriptions = ctx(info).shop.webhook_subscriptions
    try:
        number = required_id(id, "WebhookSubscription", ["id"])
        if subscriptions.pop(number, None) is None:
            raise UserErrors.one("Webhook subscription does not exist", ["id"])
    except UserErrors as refused:
        return payload(refused, deletedWebhookSubscriptionId=None)
    return {"deletedWebhookSubscriptionId": id, "userErrors": []}


# -- bulk operations ----------------------------------------------------------------


@resolver("QueryRoot", "currentBulkOperation")
def current_bulk_operation(_: None, info: Info, type: str = "QUERY") -> BulkOperation | None:
    ops = [op for op in ctx(info).shop.bulk_operations.values() if op.type == type]
    return max(ops, key=lambda op: op.id, default=None)


@resolver("BulkOperation", "rootObjectCount")
def root_object_count(op: BulkOperation, _: Info) -> int:
    lines = (op.result or b"").splitlines()
    return sum(1 for line in lines if b'"__parentId"' not in line)


@resolver("BulkOperation", "partialDataUrl")
def partial_data_url(op: BulkOperation, _: Info) -> None:
    return None


@resolver("Mutation", "bulkOperationRunQuery")
def bulk_operation_run_query(_: None, info: Info, query: str) -> dict[str, Any]:
    context = ctx(info)
    if context.start_bulk is None:
        raise GraphQLError("Bulk operations are not available in this emulator instance")
    try:
        operation = context.start_bulk(context, query)
    except UserErrors as refused:
        return payload(refused, bulkOperation=None)
    return {"bulkOperation": operation, "userErrors": []}


@resolver("Mutation", "bulkOperationCancel")
def bulk_operation_cancel(_: None, info: Info, id: str) -> dict[str, Any]:
    operations = ctx(info).shop.bulk_operations
    try:
        op = operations.get(required_id(id, "BulkOperation", ["id"]))
        if op is None:
            raise UserErrors.one("Bulk operation does not exist", ["id"])
        if op.status not in ("CREATED", "RUNNING"):
            raise UserErrors.one(
                f"A bulk operation cannot be canceled when it is {op.status.lower()}", ["id"]
            )
        op.status = "CANCELED"
        op.completed_at = ctx(info).state.now()
    except UserErrors as refused:
        return payload(refused, bulkOperation=None)
    return {"bulkOperation": op, "userErrors": []}


def finish_body(op: BulkOperation) -> dict[str, Any]:
    """The bulk_operations/finish webhook body."""
    return {
        "admin_graphql_api_id": gid("BulkOperation", op.id),
        "completed_at": ts(op.completed_at),
        "created_at": ts(op.created_at),
        "error_code": op.error_code.lower() if op.error_code else None,
        "status": op.status.lower(),
        "type": op.type.lower(),
    }
