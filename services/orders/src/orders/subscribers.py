"""From a Kafka message to the right handler, exactly once.

Every event goes through ``plumbing.inbox.process_once``: the message id is claimed in
the transaction that records its effect, so a redelivered or duplicated message is a
``duplicate``. Events that carry the order's state (create, updated, paid, cancelled...)
also pass the version guard on the order's ``updated_at``: an older state arriving after
a newer one is ``stale`` and changes nothing, so ``orders/create`` delivered after
``orders/cancelled`` cannot resurrect a cancelled sale. The guard's row lock also
serialises two events of one order handled at once (two partitions never share an
order, but reconciliation and the consumer may).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import asyncpg
from contracts import Envelope
from plumbing.errors import PermanentError
from plumbing.inbox import process_once
from plumbing.logging import get_logger
from plumbing.versions import advance

from orders.handlers import handle_order_event
from orders.handlers_aftersale import handle_cancel, handle_refund, handle_shipment
from orders.ports import AftersaleStore, Connection, ErpPort, OrderStore, ShopifyOrders
from orders.tenants import OrdersTenant

log = get_logger("orders.subscribers")

CONSUMER = "orders"
ORDER_STATE_EVENTS = frozenset(
    {
        "orders/create",
        "orders/updated",
        "orders/paid",
        "orders/fulfilled",
        "orders/partially_fulfilled",
        "orders/edited",
    }
)
CANCELLED = "orders/cancelled"
REFUND = "refunds/create"
SHIPMENT = "shipment.created"
ENTITY = "shopify_order"

TenantLookup = Callable[[str], OrdersTenant | None]
ErpFor = Callable[[OrdersTenant], ErpPort]
ShopifyFor = Callable[[OrdersTenant], ShopifyOrders]
Effect = Callable[[Connection], Awaitable[str | None]]


def order_version(payload: Mapping[str, Any]) -> datetime | None:
    """The order's ``updated_at`` (UTC when it names no offset), or None."""
    raw = payload.get("updated_at")
    if not isinstance(raw, str):
        return None
    try:
        version = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return version if version.tzinfo else version.replace(tzinfo=UTC)


class OrderEvents:
    """Handles ``shopify.orders.v1``; ``handle`` is what the pipeline (and reconciliation)
    calls with one envelope."""

    def __init__(
        self,
        *,
        pool: Callable[[], asyncpg.Pool],
        tenants: TenantLookup,
        erp_for: ErpFor,
        shopify_for: ShopifyFor,
        store: OrderStore,
        aftersale: AftersaleStore,
        unknown_tenants: Literal["dead_letter", "ignore"] = "dead_letter",
    ) -> None:
        self._pool = pool
        self._tenants = tenants
        self._erp_for = erp_for
        self._shopify_for = shopify_for
        self._store = store
        self._aftersale = aftersale
        self._unknown_tenants = unknown_tenants

    def tenant(self, slug: str) -> OrdersTenant | None:
        """The tenant; None when it is not ours to serve (``unknown_tenants="ignore"``)."""
        tenant = self._tenants(slug)
        if tenant is None and self._unknown_tenants == "ignore":
            log.info("order.event_ignored", reason="tenant not served by this deployment")
            return None
        if tenant is None:
            msg = (
                f"tenant {slug!r} has no orders sync: add a [tenants.{slug}.orders] policy "
                "(and its ORDERS_TENANT_* secrets) to the tenants file, then replay"
            )
            raise PermanentError(msg, reason="tenant_not_configured")
        return tenant

    async def handle(self, envelope: Envelope) -> str:
        """``shopify.orders.v1``: the order's state, its cancellation, its refunds."""
        if envelope.type not in ORDER_STATE_EVENTS | {CANCELLED, REFUND}:
            log.info("order.event_ignored", reason="no handler for this event type")
            return "ignored"
        tenant = self.tenant(envelope.tenant)
        if tenant is None:
            return "not_ours"
        erp, policy = self._erp_for(tenant), tenant.policy
        store, aftersale = self._store, self._aftersale

        async def effect(conn: Connection) -> str | None:
            if envelope.type == REFUND:  # a refund is an event of its own, not a state
                return await handle_refund(
                    envelope, conn=conn, store=store, aftersale=aftersale, erp=erp, policy=policy
                )
            if not await self._newer(conn, envelope):
                return "stale"
            if envelope.type == CANCELLED:
                return await handle_cancel(
                    envelope, conn=conn, store=store, aftersale=aftersale, erp=erp, policy=policy
                )
            return await handle_order_event(
                envelope, conn=conn, store=store, erp=erp, policy=policy
            )

        return await process_once(self._pool(), CONSUMER, envelope, effect)

    async def handle_document(self, envelope: Envelope) -> str:
        """``erp.documents.v1``: a shipment becomes a Shopify fulfillment."""
        if envelope.type != SHIPMENT:
            log.info("document.event_ignored", reason="no handler for this event type")
            return "ignored"
        tenant = self.tenant(envelope.tenant)
        if tenant is None:
            return "not_ours"
        shopify = self._shopify_for(tenant)

        async def effect(conn: Connection) -> str | None:
            return await handle_shipment(
                envelope, conn=conn, store=self._store, aftersale=self._aftersale, shopify=shopify
            )

        return await process_once(self._pool(), CONSUMER, envelope, effect)

    async def _newer(self, conn: Connection, envelope: Envelope) -> bool:
        version = order_version(envelope.payload)
        order_id = envelope.payload.get("id")
        if version is None or order_id is None:
            return True  # nothing to compare: the handler refuses what it cannot read
        # Equal is new: Shopify stamps orders/create and orders/paid of one checkout
        # with the same second, and the handler is idempotent (the link check).
        if await advance(conn, envelope.tenant, ENTITY, str(order_id), version, equal_is_new=True):
            return True
        log.info("order.stale", updated_at=version.isoformat())
        return False
