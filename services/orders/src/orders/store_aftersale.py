"""Postgres implementation of ``orders.ports.AftersaleStore`` (migration 0002).

On the caller's connection, inside the transaction that claimed the message; only
parametrised SQL. A second credit note or fulfillment row for the same key is refused by
the primary key (a bug or a race: the transaction rolls back and the message retries).
"""

from __future__ import annotations

from plumbing.db import Connection

from orders.ports import Attention, CreditNoteRecord, FulfillmentRecord

_ATTENTION = """
INSERT INTO order_attention
    (tenant, shopify_order_id, kind, reason, detail, erp_document_id)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
"""
_ATTENTION_FOR = """
SELECT tenant, shopify_order_id, kind, reason, detail, erp_document_id
FROM order_attention WHERE tenant = $1 AND shopify_order_id = $2 ORDER BY created_at, kind
"""
_CREDITED = "SELECT part FROM order_credit_notes WHERE tenant = $1 AND shopify_refund_id = $2"
_CREDIT = """
INSERT INTO order_credit_notes
    (tenant, shopify_refund_id, part, shopify_order_id, erp_document_id,
     erp_credit_note_id, erp_credit_note_number, idempotency_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""
_FULFILLMENT_FOR = """
SELECT tenant, erp_shipment_id, erp_document_id, shopify_order_id, fulfillment_gid
FROM order_fulfillments WHERE tenant = $1 AND erp_shipment_id = $2
"""
_FULFILLMENT = """
INSERT INTO order_fulfillments
    (tenant, erp_shipment_id, erp_document_id, shopify_order_id, fulfillment_gid)
VALUES ($1, $2, $3, $4, $5)
"""


class PgAftersaleStore:
    """Stateless: the connection (and its transaction) is the caller's."""

    async def record_attention(self, conn: Connection, item: Attention) -> None:
        await conn.execute(
            _ATTENTION,
            item.tenant,
            item.shopify_order_id,
            item.kind,
            item.reason,
            item.detail,
            item.erp_document_id,
        )

    async def attention_for(self, conn: Connection, tenant: str, order_id: str) -> list[Attention]:
        rows = await conn.fetch(_ATTENTION_FOR, tenant, order_id)
        return [Attention(**dict(row)) for row in rows]

    async def credited_parts(self, conn: Connection, tenant: str, refund_id: str) -> set[str]:
        return {row["part"] for row in await conn.fetch(_CREDITED, tenant, refund_id)}

    async def record_credit_note(self, conn: Connection, note: CreditNoteRecord) -> None:
        await conn.execute(
            _CREDIT,
            note.tenant,
            note.shopify_refund_id,
            note.part,
            note.shopify_order_id,
            note.erp_document_id,
            note.erp_credit_note_id,
            note.erp_credit_note_number,
            note.idempotency_key,
        )

    async def fulfillment_for(
        self, conn: Connection, tenant: str, shipment_id: str
    ) -> FulfillmentRecord | None:
        row = await conn.fetchrow(_FULFILLMENT_FOR, tenant, shipment_id)
        return None if row is None else FulfillmentRecord(**dict(row))

    async def record_fulfillment(self, conn: Connection, record: FulfillmentRecord) -> None:
        await conn.execute(
            _FULFILLMENT,
            record.tenant,
            record.erp_shipment_id,
            record.erp_document_id,
            record.shopify_order_id,
            record.fulfillment_gid,
        )
