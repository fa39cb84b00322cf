"""Webhook subscriptions: the GraphQL face of ``Shop.webhook_subscriptions``, which the
dispatcher (``webhooks``) delivers to. Topics are stored in REST form ("orders/create")."""

from __future__ import annotations

from typing import Any

from shopify_sim.errors import UserErrors
from shopify_sim.resolvers_common import (
    Info,
    connection,
    ctx,
    id_of,
    payload,
    required_id,
    resolver,
)
from shopify_sim.state import WebhookSubscription

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
