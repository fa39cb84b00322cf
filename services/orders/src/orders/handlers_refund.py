"""After a sale: a Shopify ``refunds/create`` -> ERP credit notes, once per refund part.

Runs like ``orders.handlers`` (the effect of ``plumbing.inbox.process_once``); each part
is recorded with its credit note in the claim's transaction, and its ERP call carries
the key ``idempotency_key(tenant, order, "refund:<id>[:<part>]")``, so a crash between
the two repeats a harmless call that answers the same note.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from contracts import Envelope
from erp_connector.errors import ErpConflict
from erp_connector.models.documents import SalesDocument
from plumbing.errors import PermanentError
from plumbing.logging import get_logger

from orders.domain import idempotency_key
from orders.domain_aftersale import credit_notes, refund_created_at, refund_id, refund_order_id
from orders.handlers import pipeline_errors
from orders.handlers_attention import needs_attention
from orders.policy import OrdersPolicy
from orders.ports import AftersaleStore, Connection, CreditNoteRecord, ErpPort, OrderStore

RefundOutcome = Literal["applied", "skipped", "needs_attention", "already_applied"]

log = get_logger("orders.handlers_refund")


async def handle_refund(
    envelope: Envelope,
    *,
    conn: Connection,
    store: OrderStore,
    aftersale: AftersaleStore,
    erp: ErpPort,
    policy: OrdersPolicy,
) -> RefundOutcome:
    """``refunds/create`` -> one ERP credit note per part of the refund, once.

    A refund of an order with no document is a DLQ entry (``order_not_documented``): the
    document may still come (a later trigger, reconciliation). Documents are made from
    the order's *current* quantities, so a document made after the refund already leaves
    the refunded goods out: crediting them again would be a double credit, and that
    refund is skipped (this is also what a replay from the DLQ meets). A cancelled
    document is skipped too: the cancellation took the whole sale back. A refund that
    credits nothing the ERP can carry (an amount-only adjustment) needs a person, and so
    does a restock of units Shopify never shipped that the ERP did ship (a cancellation
    racing the warehouse): the money is credited, the goods are not booked back in.
    """
    async with pipeline_errors():
        refund, tenant = envelope.payload, envelope.tenant
        shopify_id, rid = refund_order_id(refund), refund_id(refund)
        link = await store.document_for(conn, tenant, shopify_id)
        if link is None:
            raise PermanentError(
                f"refund {rid} of order {shopify_id}: the order has no ERP document yet; "
                "replay this message once it is documented (a document made after the "
                "refund already leaves the refunded goods out: the replay then skips it)",
                reason="order_not_documented",
            )
        plans = credit_notes(refund, policy, order_id=shopify_id)
        if not plans:
            detail = f"refund {rid} returns no line and no shipping: credit it by hand"
            return await needs_attention(
                conn, aftersale, link, f"refund:{rid}", reason="nothing_to_credit", detail=detail
            )
        done = await aftersale.credited_parts(conn, tenant, rid)
        todo = [plan for plan in plans if plan.part not in done]
        if not todo:
            log.info("refund.already_credited", refund=rid)
            return "already_applied"
        document = await erp.sales_document(link.erp_document_id)
        refunded_at = refund_created_at(refund)
        if document is not None and (skip := _already_in_document(document, refund, refunded_at)):
            log.info("refund.skipped", refund=rid, reason=skip)
            return "skipped"
        left_the_warehouse = await _restock_of_shipped(erp, document, refund)
        for plan in todo:
            if plan.note.restock and left_the_warehouse:
                plan = replace(  # noqa: PLW2901 - the same part, without the restock
                    plan, note=plan.note.model_copy(update={"restock": False, "warehouse": None})
                )
            purpose = f"refund:{rid}" if plan.part == "all" else f"refund:{rid}:{plan.part}"
            key = idempotency_key(tenant, shopify_id, purpose)
            try:
                note = await erp.create_credit_note(
                    link.erp_document_id, plan.note, idempotency_key=key
                )
            except ErpConflict:
                again = await erp.sales_document(link.erp_document_id)
                if again is not None and again.status == "cancelled":  # cancelled meanwhile
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
        if left_the_warehouse:
            detail = (
                f"refund {rid} restocks {', '.join(sorted(left_the_warehouse))} as never "
                "shipped, but the ERP shipped them: credited without restock; book the "
                "return if the goods come back"
            )
            return await needs_attention(
                conn, aftersale, link, f"refund:{rid}", reason="restock_of_shipped", detail=detail
            )
        return "applied"


def _already_in_document(
    document: SalesDocument, refund: Mapping[str, Any], refunded_at: datetime | None
) -> str | None:
    """Why the document already accounts for the refund, or None.

    Quantities decide first, as they need no clock: a document that still carries every
    unit Shopify sold of each refunded SKU was made before any of them went back. Only
    otherwise (or for a shipping-only refund) the times are compared, and at Shopify's
    precision: its timestamps have whole seconds, so a refund made in the second the
    document was made would read as older than the document (and be lost)."""
    if document.status == "cancelled":
        return "the document is cancelled"
    if _still_has_the_goods(document, refund):
        return None
    if refunded_at is not None and document.created_at.replace(microsecond=0) > refunded_at:
        return "the document was made after the refund, without the refunded goods"
    return None


def _still_has_the_goods(document: SalesDocument, refund: Mapping[str, Any]) -> bool:
    """Whether the document holds, for every refunded SKU, at least the quantity the
    order's refunded line items were sold with; False when the refund says too little."""
    sold: dict[str, dict[object, int]] = {}
    for line in refund.get("refund_line_items") or []:
        item = line.get("line_item") or {}
        sku, quantity = str(item.get("sku") or "").strip(), item.get("quantity")
        if not sku or not isinstance(quantity, int) or isinstance(quantity, bool):
            return False
        sold.setdefault(sku, {})[item.get("id", line.get("line_item_id"))] = quantity
    if not sold:
        return False
    documented: dict[str, int] = {}
    for doc_line in document.lines:
        documented[doc_line.sku] = documented.get(doc_line.sku, 0) + doc_line.quantity
    return all(documented.get(sku, 0) >= sum(items.values()) for sku, items in sold.items())


async def _restock_of_shipped(
    erp: ErpPort, document: SalesDocument | None, refund: Mapping[str, Any]
) -> set[str]:
    """SKUs Shopify restocks as never shipped (``cancel``: a cancellation, or a refund
    before fulfilment) in more units than the ERP has not shipped yet. Restocking them
    would book goods that left with the carrier back into the ERP's stock."""
    cancelled: Counter[str] = Counter()
    for line in refund.get("refund_line_items") or []:
        sku, quantity = (
            str((line.get("line_item") or {}).get("sku") or "").strip(),
            line.get("quantity"),
        )
        if sku and isinstance(quantity, int) and line.get("restock_type") == "cancel":
            cancelled[sku] += quantity
    if document is None or not cancelled:
        return set()
    unshipped: Counter[str] = Counter()
    for doc_line in document.lines:
        unshipped[doc_line.sku] += doc_line.quantity
    cursor: str | None = None
    while True:
        page = await erp.shipments(cursor, limit=100, document_id=document.id)
        for shipment in page.items:
            for shipped in shipment.lines:
                unshipped[shipped.sku] -= shipped.quantity
        if not page.has_more or not page.items:
            break
        cursor = page.next_cursor
    return {sku for sku, quantity in cancelled.items() if quantity > unshipped[sku]}
