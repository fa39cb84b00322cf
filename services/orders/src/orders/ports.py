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
    "AftersaleStore",
    "Attention",
    "Connection",
    "CreditNoteRecord",
    "DocumentLink",
    "ErpPort",
    "FulfillmentRecord",
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

    async def order_for_document(
        self, conn: Connection, tenant: str, erp_document_id: str
    ) -> DocumentLink | None:
        """The order whose document this is, or None for a document we did not make."""
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


@dataclass(frozen=True, slots=True)
class Attention:
    """An after-sale step we must not do by ourselves (cancel a shipped document, a
    refund the ERP cannot credit): recorded for a person, once per order and kind."""

    tenant: str
    shopify_order_id: str
    kind: str  # "cancel", "refund:<refund id>"
    reason: str  # short code: "shipped", "partially_shipped", "erp_409", ...
    detail: str
    erp_document_id: str | None = None


@dataclass(frozen=True, slots=True)
class CreditNoteRecord:
    """The ERP credit note made for one part of a Shopify refund."""

    tenant: str
    shopify_order_id: str
    shopify_refund_id: str
    part: str  # "all", "restock", "no_restock" (orders.domain_aftersale.Part)
    erp_document_id: str
    erp_credit_note_id: str
    erp_credit_note_number: str
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class FulfillmentRecord:
    """An ERP shipment told to Shopify: the fulfillment gid, or None when Shopify had
    nothing left to fulfil."""

    tenant: str
    erp_shipment_id: str
    erp_document_id: str
    shopify_order_id: str
    fulfillment_gid: str | None


class AftersaleStore(Protocol):
    """Cancellations, refunds and shipments already dealt with, per tenant; on the inbox
    claim's connection like ``OrderStore``."""

    async def record_attention(self, conn: Connection, item: Attention) -> None:
        """Record it; the same (tenant, order, kind) again changes nothing."""
        ...

    async def attention_for(
        self, conn: Connection, tenant: str, order_id: str
    ) -> list[Attention]: ...

    async def credited_parts(self, conn: Connection, tenant: str, refund_id: str) -> set[str]:
        """The parts of this refund that already have their credit note."""
        ...

    async def record_credit_note(self, conn: Connection, note: CreditNoteRecord) -> None: ...

    async def fulfillment_for(
        self, conn: Connection, tenant: str, shipment_id: str
    ) -> FulfillmentRecord | None: ...

    async def record_fulfillment(self, conn: Connection, record: FulfillmentRecord) -> None: ...
