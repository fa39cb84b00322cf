"""Postgres implementation of ``orders.ports.OrderStore`` (table ``order_documents``).

Every function runs on the caller's connection, inside the transaction that claimed
the message, and only with parametrised SQL.
"""

from __future__ import annotations

from plumbing.db import Connection

from orders.ports import DocumentLink

_FIND = """
SELECT tenant, shopify_order_id, erp_document_id, erp_document_number, idempotency_key
FROM order_documents
WHERE tenant = $1 AND shopify_order_id = $2
"""

_BY_DOCUMENT = """
SELECT tenant, shopify_order_id, erp_document_id, erp_document_number, idempotency_key
FROM order_documents
WHERE tenant = $1 AND erp_document_id = $2
"""

_LINK = """
INSERT INTO order_documents
    (tenant, shopify_order_id, erp_document_id, erp_document_number, idempotency_key)
VALUES ($1, $2, $3, $4, $5)
"""


class PgOrderStore:
    """Stateless: the connection (and its transaction) is the caller's."""

    async def document_for(
        self, conn: Connection, tenant: str, order_id: str
    ) -> DocumentLink | None:
        row = await conn.fetchrow(_FIND, tenant, order_id)
        return None if row is None else DocumentLink(**dict(row))

    async def order_for_document(
        self, conn: Connection, tenant: str, erp_document_id: str
    ) -> DocumentLink | None:
        row = await conn.fetchrow(_BY_DOCUMENT, tenant, erp_document_id)
        return None if row is None else DocumentLink(**dict(row))

    async def link(self, conn: Connection, link: DocumentLink) -> None:
        await conn.execute(
            _LINK,
            link.tenant,
            link.shopify_order_id,
            link.erp_document_id,
            link.erp_document_number,
            link.idempotency_key,
        )
