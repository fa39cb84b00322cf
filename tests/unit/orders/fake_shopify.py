"""``ShopifyOrders`` in memory, for the reconciliation tests: orders in webhook shape,
listed oldest update first; ``fail_read`` makes reading chosen orders raise."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

from orders.ports import OrderSummary


class FakeShopifyOrders:
    def __init__(self) -> None:
        self.orders: dict[str, dict[str, Any]] = {}
        self.updated: dict[str, datetime] = {}
        self.fail_read: dict[str, Exception] = {}
        self.reads: list[str] = []
        self.listed_since: list[datetime] = []
        self.fulfillments: list[tuple[dict[str, Any], str | None]] = []

    def put(self, order: dict[str, Any], updated_at: datetime) -> None:
        order_id = str(order["id"])
        self.orders[order_id] = {**order, "updated_at": updated_at.isoformat()}
        self.updated[order_id] = updated_at

    async def orders_updated_since(self, since: datetime) -> AsyncIterator[OrderSummary]:
        self.listed_since.append(since)
        for order_id, updated in sorted(self.updated.items(), key=lambda kv: kv[1]):
            if updated >= since:
                name = str(self.orders.get(order_id, {}).get("name", ""))
                yield OrderSummary(order_id=order_id, name=name, updated_at=updated)

    async def order(self, order_id: str) -> Mapping[str, Any] | None:
        self.reads.append(order_id)
        if order_id in self.fail_read:
            raise self.fail_read[order_id]
        return self.orders.get(order_id)

    async def order_after_sale(self, order_id: str) -> Mapping[str, Any] | None:
        return None

    async def create_fulfillment(
        self, fulfillment: Mapping[str, Any], *, message: str | None = None
    ) -> str:
        self.fulfillments.append((dict(fulfillment), message))
        return f"gid://shopify/Fulfillment/{len(self.fulfillments)}"
