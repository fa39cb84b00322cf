"""The after-sale handlers' way out for what must not be automated: a row for a person
(``order_attention``) and a warning log line, instead of a DLQ entry that no replay
could ever clear."""

from __future__ import annotations

from typing import Literal

from plumbing.logging import get_logger

from orders.ports import AftersaleStore, Attention, Connection, DocumentLink

log = get_logger("orders.handlers_attention")


async def needs_attention(
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
