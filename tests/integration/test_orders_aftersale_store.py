"""The after-sale store and the order-by-document lookup against real Postgres, migrated
as the service migrates at start."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from orders.main import MIGRATIONS, SERVICE
from orders.ports import Attention, CreditNoteRecord, DocumentLink, FulfillmentRecord
from orders.store import PgOrderStore
from orders.store_aftersale import PgAftersaleStore
from plumbing.db import Connection, create_pool
from plumbing.migrations import migrate_service

ORDER = "5923000000001"


@pytest.fixture
async def pool(fresh_db: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(fresh_db, max_size=2)
    applied = await migrate_service(pool, SERVICE, MIGRATIONS)
    assert "orders/0002_order_aftersale.sql" in applied
    yield pool
    await pool.close()


def attention(tenant: str, reason: str = "shipped") -> Attention:
    return Attention(
        tenant=tenant,
        shopify_order_id=ORDER,
        kind="cancel",
        reason=reason,
        detail=f"P-1 is {reason}",
        erp_document_id="D-1",
    )


def credit(tenant: str, part: str, number: str = "NC-1") -> CreditNoteRecord:
    return CreditNoteRecord(
        tenant=tenant,
        shopify_order_id=ORDER,
        shopify_refund_id="990000000000001",
        part=part,
        erp_document_id="D-1",
        erp_credit_note_id=f"id-{number}",
        erp_credit_note_number=number,
        idempotency_key=f"shopsync:{tenant}:order:{ORDER}:refund:990000000000001:{part}",
    )


def fulfilled(tenant: str, gid: str | None = "gid://shopify/Fulfillment/1") -> FulfillmentRecord:
    return FulfillmentRecord(
        tenant=tenant,
        erp_shipment_id="SH-1",
        erp_document_id="D-1",
        shopify_order_id=ORDER,
        fulfillment_gid=gid,
    )


async def test_order_for_document_finds_the_link_per_tenant(pool: asyncpg.Pool) -> None:
    store = PgOrderStore()
    link = DocumentLink("acme", ORDER, "D-1", "P-1", f"shopsync:acme:order:{ORDER}:document")
    async with pool.acquire() as conn, conn.transaction():
        await store.link(conn, link)
    async with pool.acquire() as conn:
        assert await store.order_for_document(conn, "acme", "D-1") == link
        assert await store.order_for_document(conn, "globex", "D-1") is None
        assert await store.order_for_document(conn, "acme", "D-2") is None


async def test_attention_is_recorded_once_per_order_and_kind(pool: asyncpg.Pool) -> None:
    store = PgAftersaleStore()
    async with pool.acquire() as conn, conn.transaction():
        await store.record_attention(conn, attention("acme"))
        await store.record_attention(conn, attention("acme", reason="erp_409"))  # no-op
        await store.record_attention(conn, attention("globex", reason="partially_shipped"))
    async with pool.acquire() as conn:
        assert await store.attention_for(conn, "acme", ORDER) == [attention("acme")]
        globex = await store.attention_for(conn, "globex", ORDER)
    assert [a.reason for a in globex] == ["partially_shipped"]


async def test_credit_notes_per_refund_part_and_tenant(pool: asyncpg.Pool) -> None:
    store = PgAftersaleStore()
    async with pool.acquire() as conn, conn.transaction():
        assert await store.credited_parts(conn, "acme", "990000000000001") == set()
        await store.record_credit_note(conn, credit("acme", "restock"))
        await store.record_credit_note(conn, credit("acme", "no_restock", "NC-2"))
        await store.record_credit_note(conn, credit("globex", "all"))
    async with pool.acquire() as conn:
        assert await store.credited_parts(conn, "acme", "990000000000001") == {
            "restock",
            "no_restock",
        }
        assert await store.credited_parts(conn, "globex", "990000000000001") == {"all"}
        with pytest.raises(asyncpg.UniqueViolationError):
            async with conn.transaction():
                await store.record_credit_note(conn, credit("acme", "restock", "NC-3"))


async def test_a_fulfillment_per_shipment_and_a_second_is_refused(pool: asyncpg.Pool) -> None:
    store = PgAftersaleStore()
    async with pool.acquire() as conn, conn.transaction():
        assert await store.fulfillment_for(conn, "acme", "SH-1") is None
        await store.record_fulfillment(conn, fulfilled("acme"))
        await store.record_fulfillment(conn, fulfilled("globex", gid=None))
    async with pool.acquire() as conn:
        assert await store.fulfillment_for(conn, "acme", "SH-1") == fulfilled("acme")
        assert await store.fulfillment_for(conn, "globex", "SH-1") == fulfilled("globex", None)
        with pytest.raises(asyncpg.UniqueViolationError):
            async with conn.transaction():
                await store.record_fulfillment(conn, fulfilled("acme", "gid://x/2"))
        assert await store.fulfillment_for(conn, "acme", "SH-1") == fulfilled("acme")


async def test_a_rolled_back_claim_leaves_no_row(pool: asyncpg.Pool) -> None:
    store = PgAftersaleStore()

    async def record_then_fail(conn: Connection) -> None:
        async with conn.transaction():
            await store.record_credit_note(conn, credit("acme", "all"))
            raise RuntimeError("the ERP call after it failed")

    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError):
            await record_then_fail(conn)
        assert await store.credited_parts(conn, "acme", "990000000000001") == set()
