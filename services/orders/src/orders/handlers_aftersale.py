"""After a sale: the three after-sale use cases. A Shopify cancellation -> the ERP
document's cancel (here); a refund -> credit notes (``orders.handlers_refund``); an ERP
shipment -> a Shopify fulfillment (``orders.handlers_shipment``). All re-exported here.

Same contract as ``orders.handlers``: each runs as the effect of
``plumbing.inbox.process_once`` on the claim's connection, records what it did in the
same transaction, calls the ERP with an idempotency key derived from (tenant, order,
purpose), and raises only what ``pipeline_errors`` classifies.
"""

from __future__ import annotations

from typing import Literal

from contracts import Envelope
from erp_connector.errors import ErpConflict
from erp_connector.models.documents import SalesDocument
from plumbing.logging import get_logger

from orders.domain import idempotency_key, order_id
from orders.handlers import pipeline_errors
from orders.handlers_attention import needs_attention
from orders.handlers_refund import RefundOutcome, handle_refund
from orders.handlers_shipment import ShipmentOutcome, handle_shipment
from orders.policy import OrdersPolicy
from orders.ports import AftersaleStore, Connection, DocumentLink, ErpPort, OrderStore

__all__ = [
    "CancelOutcome",
    "RefundOutcome",
    "ShipmentOutcome",
    "handle_cancel",
    "handle_refund",
    "handle_shipment",
]

CancelOutcome = Literal["applied", "skipped", "needs_attention", "already_applied"]

log = get_logger("orders.handlers_aftersale")


async def handle_cancel(
    envelope: Envelope,
    *,
    conn: Connection,
    store: OrderStore,
    aftersale: AftersaleStore,
    erp: ErpPort,
    policy: OrdersPolicy,
) -> CancelOutcome:
    """``orders/cancelled`` -> cancel the order's ERP document.

    Cancelling gives the document's stock back, which is wrong for goods that already
    left: the reference ERP would cancel a shipped document (and book the stock back in)
    without complaint, so we look first. A document that is shipped, partly shipped, or
    that the ERP refuses to cancel (409: it has credit notes, or the ERP considers it
    delivered) is recorded for a person (``needs_attention``), not sent to the DLQ:
    replaying it could never succeed, and nothing is wrong with the message.
    """
    async with pipeline_errors():
        tenant, shopify_id = envelope.tenant, order_id(envelope.payload)
        link = await store.document_for(conn, tenant, shopify_id)
        if link is None:
            log.info("order.cancel_skipped", reason="the order has no ERP document")
            return "skipped"
        document = await erp.sales_document(link.erp_document_id)
        if document is not None and document.status == "cancelled":
            log.info("order.already_cancelled", erp_document=document.number)
            return "already_applied"
        blocked = await _not_cancellable(erp, link, document)
        if blocked is not None or document is None:
            reason, detail = blocked or ("document_missing", "")
            return await needs_attention(
                conn, aftersale, link, "cancel", reason=reason, detail=detail
            )
        reason = str(envelope.payload.get("cancel_reason") or "cancelled in Shopify")[:255]
        key = idempotency_key(tenant, shopify_id, "cancel")
        try:
            await erp.cancel_sales_document(document.id, reason=reason, idempotency_key=key)
        except ErpConflict as exc:
            return await needs_attention(
                conn, aftersale, link, "cancel", reason="erp_409", detail=str(exc)
            )
        log.info("order.cancelled", erp_document=document.number)
        return "applied"


async def _not_cancellable(
    erp: ErpPort, link: DocumentLink, document: SalesDocument | None
) -> tuple[str, str] | None:
    """Why we must not cancel: the document is gone, or cancelling it would book back
    stock that left; None when it may be cancelled."""
    if document is None:
        return "document_missing", f"the ERP has no document {link.erp_document_id} any more"
    if document.status == "shipped":
        return "shipped", f"{document.number} is shipped: return the goods or credit it by hand"
    if (await erp.shipments(None, limit=1, document_id=document.id)).items:
        return "partially_shipped", f"{document.number} is partly shipped: settle it by hand"
    return None
