"""``orders.ports.ShopifyOrders`` over the Admin GraphQL client of one shop.

The client already paces, retries and classifies failures (``shopify_client.errors``);
this only picks the documents, pages, and converts the order to the webhook shape so
reconciliation feeds the handler exactly what a webhook would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

from shopify_client import ShopifyClient, paginate, updated_since
from shopify_client.documents import (
    FULFILLMENT_CREATE,
    ORDER_AFTER_SALE,
    ORDER_BY_ID,
    ORDERS_UPDATED_SINCE,
)

from orders.adapters.shopify_order_shape import legacy_id, order_webhook_shape
from orders.ports import OrderSummary

_ORDER_GID = "gid://shopify/Order/"


def order_gid(order_id: str) -> str:
    """The GraphQL id of a numeric order id (a gid is accepted as is)."""
    return order_id if order_id.startswith(_ORDER_GID) else f"{_ORDER_GID}{order_id}"


def _timestamp(value: str) -> datetime:
    """GraphQL DateTime ("2026-11-23T11:30:27Z") as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class ShopifyOrdersAdapter:
    """One tenant's shop, read and written through ``client``."""

    def __init__(self, client: ShopifyClient, *, page_size: int = 100) -> None:
        self.client = client
        self.page_size = page_size

    async def orders_updated_since(self, since: datetime) -> AsyncIterator[OrderSummary]:
        """Shopify's search says ``updated_at:>``; the minute the cursor sits on is
        covered by the caller's overlap, so strictness costs nothing here."""
        nodes = paginate(
            self.client,
            ORDERS_UPDATED_SINCE,
            {"query": updated_since(since)},
            connection="orders",
            page_size=self.page_size,
        )
        async for node in nodes:
            yield OrderSummary(
                order_id=str(legacy_id(node["id"])),
                name=str(node.get("name") or ""),
                updated_at=_timestamp(node["updatedAt"]),
            )

    async def order(self, order_id: str) -> Mapping[str, Any] | None:
        data = await self.client.execute(ORDER_BY_ID, {"id": order_gid(order_id)})
        node = data.get("order")
        return order_webhook_shape(node) if node is not None else None

    async def order_after_sale(self, order_id: str) -> Mapping[str, Any] | None:
        data = await self.client.execute(ORDER_AFTER_SALE, {"id": order_gid(order_id)})
        node: Mapping[str, Any] | None = data.get("order")
        return node

    async def create_fulfillment(
        self, fulfillment: Mapping[str, Any], *, message: str | None = None
    ) -> str:
        """``mutate`` raises ``ShopifyUserError`` on userErrors."""
        payload = await self.client.mutate(
            FULFILLMENT_CREATE, {"fulfillment": dict(fulfillment), "message": message}
        )
        created = payload.get("fulfillment") or {}
        return str(created["id"])
