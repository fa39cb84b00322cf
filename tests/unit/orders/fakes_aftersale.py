"""In-memory after-sale store and shop for the after-sale handlers' unit tests."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

from orders.ports import (
    Attention,
    Connection,
    CreditNoteRecord,
    FulfillmentRecord,
    OrderSummary,
)
from shopify_client.errors import ShopifyError


class FakeAftersaleStore:
    """``AftersaleStore`` in memory, keyed as the tables are (tenant first)."""

    def __init__(self) -> None:
        self.attention: dict[tuple[str, str, str], Attention] = {}
        self.credit_notes: dict[tuple[str, str, str], CreditNoteRecord] = {}
        self.fulfillments: dict[tuple[str, str], FulfillmentRecord] = {}

    async def record_attention(self, conn: Connection, item: Attention) -> None:
        self.attention.setdefault((item.tenant, item.shopify_order_id, item.kind), item)

    async def attention_for(self, conn: Connection, tenant: str, order_id: str) -> list[Attention]:
        return [a for (t, o, _), a in self.attention.items() if (t, o) == (tenant, order_id)]

    async def credited_parts(self, conn: Connection, tenant: str, refund_id: str) -> set[str]:
        return {p for (t, r, p) in self.credit_notes if (t, r) == (tenant, refund_id)}

    async def record_credit_note(self, conn: Connection, note: CreditNoteRecord) -> None:
        key = (note.tenant, note.shopify_refund_id, note.part)
        if key in self.credit_notes:
            raise AssertionError(f"second credit note for {key}")
        self.credit_notes[key] = note

    async def fulfillment_for(
        self, conn: Connection, tenant: str, shipment_id: str
    ) -> FulfillmentRecord | None:
        return self.fulfillments.get((tenant, shipment_id))

    async def record_fulfillment(self, conn: Connection, record: FulfillmentRecord) -> None:
        key = (record.tenant, record.erp_shipment_id)
        if key in self.fulfillments:
            raise AssertionError(f"second fulfillment for {key}")
        self.fulfillments[key] = record


class FakeShopifyOrders:
    """``ShopifyOrders`` for one shop: ``OrderAfterSale`` nodes by order id; a created
    fulfillment takes its quantities off ``remainingQuantity``, as Shopify does;
    ``fail_with`` is raised by the next ``create_fulfillment``."""

    def __init__(self, after_sale: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.after_sale = {k: copy.deepcopy(dict(v)) for k, v in (after_sale or {}).items()}
        self.created: list[Mapping[str, Any]] = []
        self.fail_with: ShopifyError | None = None

    async def orders_updated_since(self, since: datetime) -> AsyncIterator[OrderSummary]:
        for _ in ():
            yield _

    async def order(self, order_id: str) -> Mapping[str, Any] | None:
        return None

    async def order_after_sale(self, order_id: str) -> Mapping[str, Any] | None:
        return copy.deepcopy(self.after_sale.get(order_id))

    async def create_fulfillment(
        self, fulfillment: Mapping[str, Any], *, message: str | None = None
    ) -> str:
        if self.fail_with is not None:
            error, self.fail_with = self.fail_with, None
            raise error
        self.created.append(copy.deepcopy(dict(fulfillment)))
        lines = {
            li["id"]: li
            for node in self.after_sale.values()
            for fo in node["fulfillmentOrders"]["nodes"]
            for li in fo["lineItems"]["nodes"]
        }
        for group in fulfillment["lineItemsByFulfillmentOrder"]:
            for pick in group["fulfillmentOrderLineItems"]:
                lines[pick["id"]]["remainingQuantity"] -= pick["quantity"]
        return f"gid://shopify/Fulfillment/{len(self.created)}"
