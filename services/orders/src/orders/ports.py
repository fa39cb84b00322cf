"""What the orders handlers need from the outside world, in their words.

The store takes the connection of the transaction that claimed the message in the inbox
(``plumbing.inbox.process_once``), so the mapping and the claim commit together. The
ERP is the connector's ``ErpPort``; the tenant's policy comes from a ``PolicySource``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from erp_connector.port import ErpPort
from plumbing.db import Connection

from orders.policy import OrdersPolicy

__all__ = ["Connection", "DocumentLink", "ErpPort", "OrderStore", "PolicySource"]


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
