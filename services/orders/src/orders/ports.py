"""What the orders handlers need from the outside world, in their words.

The store takes the connection of the transaction that claimed the message in the inbox
(``plumbing.inbox.process_once``), so the mapping and the claim commit together. The
ERP is the connector's ``ErpPort``; the tenant's policy comes from a ``PolicySource``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from erp_connector.port import ErpPort
from plumbing.db import Connection

from orders.policy import OrdersPolicy

__all__ = [
    "Connection",
    "DocumentLink",
    "ErpPort",
    "OrderStore",
    "OrderSummary",
    "PolicySource",
    "ShopifyOrders",
]


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """A Shopify order of a tenant and the ERP sales document made for it."""

    tenant: str
    shopify_order_id: str
    erp_document_id: str
    erp_document_number: str
    idempotency_key: str


class OrderStore(Protocol):
    async def document_for(
        self, conn: Connection, tenant: str, order_id: str
    ) -> DocumentLink | None:
        """The document already made for this order, or None."""
        ...

    async def link(self, conn: Connection, link: DocumentLink) -> None:
        """Record the order's document; a second link for the same order is refused
        (the primary key), which rolls back the transaction that tried it."""
        ...


class PolicySource(Protocol):
    async def policy_for(self, tenant: str) -> OrdersPolicy:
        """The tenant's orders policy."""
        ...


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """One row of "orders updated since": enough to tell whether it needs a look."""

    order_id: str  # the numeric id as a string ("5550000000001"), as in webhooks
    name: str  # "#1001"
    updated_at: datetime


class ShopifyOrders(Protocol):
    """What the orders service reads from and writes to one tenant's shop.

    Shapes are Shopify's: ``order`` answers the REST/webhook shape of an order (the
    shape ``orders/create`` delivers, converted from the Admin GraphQL read), so the
    same handler serves webhooks and reconciliation; ``order_after_sale`` answers the
    ``OrderAfterSale`` GraphQL node as is (``shopify_client.documents``).
    """

    def orders_updated_since(self, since: datetime) -> AsyncIterator[OrderSummary]:
        """Every order updated at or after ``since``, oldest update first, all pages."""
        ...

    async def order(self, order_id: str) -> Mapping[str, Any] | None:
        """The order in webhook shape, or None when the shop has no such order."""
        ...

    async def order_after_sale(self, order_id: str) -> Mapping[str, Any] | None:
        """Refunds and fulfillment orders of the order (GraphQL node), or None."""
        ...

    async def create_fulfillment(
        self, fulfillment: Mapping[str, Any], *, message: str | None = None
    ) -> str:
        """``fulfillmentCreate`` with a ``FulfillmentInput``; the new fulfillment's gid.
        Shopify userErrors raise ``shopify_client.errors.ShopifyUserError`` (permanent)."""
        ...
