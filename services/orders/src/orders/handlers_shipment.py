"""After a sale: an ERP ``shipment.created`` -> a Shopify fulfillment with tracking.

Runs like ``orders.handlers`` (the effect of ``plumbing.inbox.process_once``). The
shipment id is recorded with the fulfillment's gid in the claim's transaction, so a
redelivery (even under a new event id) does nothing.

Known gap: ``fulfillmentCreate`` has no idempotency key. A crash between Shopify's answer
and our commit redelivers the event; if the order still has units of the same SKUs
open, the retry fulfils them too. The window is one round trip long.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from contracts import Envelope
from plumbing.errors import PermanentError, TransientError
from plumbing.logging import get_logger
from shopify_client.errors import ShopifyError, ShopifyUserError

from orders.domain_shipment import fulfillment_for, shipment_of
from orders.handlers import pipeline_errors
from orders.ports import AftersaleStore, Connection, FulfillmentRecord, OrderStore, ShopifyOrders

ShipmentOutcome = Literal["applied", "skipped", "already_fulfilled", "already_applied"]

log = get_logger("orders.handlers_shipment")


@asynccontextmanager
async def shopify_errors() -> AsyncIterator[None]:
    """Shopify's failures in the pipeline's two kinds: what the client marks transient
    (5xx, 429, network, THROTTLED after waiting) is retried; userErrors, auth, a bad
    request or document go to the DLQ."""
    try:
        yield
    except ShopifyError as exc:
        if exc.transient:
            raise TransientError(str(exc)) from exc
        reason = "shopify_user_error" if isinstance(exc, ShopifyUserError) else "shopify_error"
        raise PermanentError(str(exc), reason=reason) from exc


async def handle_shipment(
    envelope: Envelope,
    *,
    conn: Connection,
    store: OrderStore,
    aftersale: AftersaleStore,
    shopify: ShopifyOrders,
) -> ShipmentOutcome:
    """Fulfil in Shopify what the ERP shipped, on the order's open fulfillment order
    lines with the same SKUs. ``shopify`` is the envelope's tenant's shop. A document we
    did not make (made in the ERP by hand) is skipped; when Shopify has nothing left to
    fulfil (fulfilled there by hand) the shipment is recorded as ``already_fulfilled``.
    """
    async with pipeline_errors(), shopify_errors():
        tenant, shipment = envelope.tenant, shipment_of(envelope.payload)
        if await aftersale.fulfillment_for(conn, tenant, shipment.id) is not None:
            log.info("shipment.already_recorded", shipment=shipment.id)
            return "already_applied"
        link = await store.order_for_document(conn, tenant, shipment.document_id)
        if link is None:
            log.info("shipment.skipped", reason="not a document made for a Shopify order")
            return "skipped"
        after_sale = await shopify.order_after_sale(link.shopify_order_id)
        if after_sale is None:
            raise PermanentError(
                f"shipment {shipment.id}: Shopify has no order {link.shopify_order_id}",
                reason="order_not_in_shopify",
            )
        plan = fulfillment_for(shipment, after_sale)
        if plan.unmatched:
            log.warning("shipment.unmatched", shipment=shipment.id, unmatched=plan.unmatched)
        gid = None
        if plan.fulfillment is not None:
            gid = await shopify.create_fulfillment(plan.fulfillment)
        await aftersale.record_fulfillment(
            conn,
            FulfillmentRecord(
                tenant=tenant,
                erp_shipment_id=shipment.id,
                erp_document_id=shipment.document_id,
                shopify_order_id=link.shopify_order_id,
                fulfillment_gid=gid,
            ),
        )
        if gid is None:
            log.info("shipment.already_fulfilled", shipment=shipment.id)
            return "already_fulfilled"
        log.info("shipment.fulfilled", shipment=shipment.id, fulfillment=gid)
        return "applied"
