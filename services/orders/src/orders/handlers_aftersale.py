"""After a sale: a Shopify cancellation or refund -> the ERP document's cancel or credit
note (an ERP shipment -> a Shopify fulfillment is ``orders.handlers_shipment``).

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
from plumbing.errors import PermanentError
from plumbing.logging import get_logger

from orders.domain import idempotency_key, order_id
from orders.domain_aftersale import credit_notes, refund_id, refund_order_id
from orders.handlers import pipeline_errors
from orders.handlers_shipment import handle_shipment
from orders.policy import OrdersPolicy
from orders.ports import (
    AftersaleStore,
    Attention,
    Connection,
    CreditNoteRecord,
    DocumentLink,
    ErpPort,
    OrderStore,
)

__all__ = ["AftersaleOutcome", "handle_cancel", "handle_refund", "handle_shipment"]

AftersaleOutcome = Literal["applied", "skipped", "needs_attention", "already_applied"]

log = get_logger("orders.handlers_aftersale")


async def handle_cancel(
    envelope: Envelope,
    *,
    conn: Connection,
    store: OrderStore,
    aftersale: AftersaleStore,
    erp: ErpPort,
    policy: OrdersPolicy,
) -> AftersaleOutcome:
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
            return await _attention(conn, aftersale, link, "cancel", reason=reason, detail=detail)
        reason = str(envelope.payload.get("cancel_reason") or "cancelled in Shopify")
        key = idempotency_key(tenant, shopify_id, "cancel")
        try:
            await erp.cancel_sales_document(document.id, reason=reason, idempotency_key=key)
        except ErpConflict as exc:
            return await _attention(
                conn, aftersale, link, "cancel", reason="erp_409", detail=str(exc)
            )
        log.info("order.cancelled", erp_document=document.number)
        return "applied"


async def handle_refund(
    envelope: Envelope,
    *,
    conn: Connection,
    store: OrderStore,
    aftersale: AftersaleStore,
    erp: ErpPort,
    policy: OrdersPolicy,
) -> AftersaleOutcome:
    """``refunds/create`` -> one ERP credit note per part of the refund, once.

    A refund of an order with no document is a DLQ entry (``order_not_documented``): the
    document may still come (a later trigger, reconciliation), and a replay then credits
    it. A refund that credits nothing the ERP can carry (an amount-only adjustment) needs
    a person. A credit note the ERP refuses because the document was cancelled is done:
    the cancellation already took the whole sale back.
    """
    async with pipeline_errors():
        refund, tenant = envelope.payload, envelope.tenant
        shopify_id, rid = refund_order_id(refund), refund_id(refund)
        link = await store.document_for(conn, tenant, shopify_id)
        if link is None:
            raise PermanentError(
                f"refund {rid} of order {shopify_id}: the order has no ERP document yet; "
                "replay this message once it is documented",
                reason="order_not_documented",
            )
        plans = credit_notes(refund, policy, order_id=shopify_id)
        if not plans:
            detail = f"refund {rid} returns no line and no shipping: credit it by hand"
            kind = f"refund:{rid}"
            return await _attention(
                conn, aftersale, link, kind, reason="nothing_to_credit", detail=detail
            )
        done = await aftersale.credited_parts(conn, tenant, rid)
        todo = [plan for plan in plans if plan.part not in done]
        if not todo:
            log.info("refund.already_credited", refund=rid)
            return "already_applied"
        for plan in todo:
            purpose = f"refund:{rid}" if plan.part == "all" else f"refund:{rid}:{plan.part}"
            key = idempotency_key(tenant, shopify_id, purpose)
            try:
                note = await erp.create_credit_note(
                    link.erp_document_id, plan.note, idempotency_key=key
                )
            except ErpConflict:
                document = await erp.sales_document(link.erp_document_id)
                if document is not None and document.status == "cancelled":
                    log.info("refund.skipped", refund=rid, reason="the document is cancelled")
                    return "skipped"
                raise
            await aftersale.record_credit_note(
                conn,
                CreditNoteRecord(
                    tenant=tenant,
                    shopify_order_id=shopify_id,
                    shopify_refund_id=rid,
                    part=plan.part,
                    erp_document_id=link.erp_document_id,
                    erp_credit_note_id=note.id,
                    erp_credit_note_number=note.number,
                    idempotency_key=key,
                ),
            )
            log.info("refund.credited", refund=rid, part=plan.part, credit_note=note.number)
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


async def _attention(
    conn: Connection,
    aftersale: AftersaleStore,
    link: DocumentLink,
    kind: str,
    *,
    reason: str,
    detail: str,
) -> Literal["needs_attention"]:
    await aftersale.record_attention(
        conn,
        Attention(
            tenant=link.tenant,
            shopify_order_id=link.shopify_order_id,
            kind=kind,
            reason=reason,
            detail=detail,
            erp_document_id=link.erp_document_id,
        ),
    )
    log.warning("order.needs_attention", kind=kind, reason=reason, detail=detail)
    return "needs_attention"
