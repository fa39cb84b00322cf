"""The orders store against real Postgres, migrated as the service migrates at start."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from orders.main import MIGRATIONS, SERVICE
from orders.ports import DocumentLink
from orders.store import PgOrderStore
from plumbing.db import Connection, create_pool
from plumbing.migrations import migrate_service


@pytest.fixture
async def pool(fresh_db: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(fresh_db, max_size=2)
    applied = await migrate_service(pool, SERVICE, MIGRATIONS)
    assert "orders/0001_order_documents.sql" in applied
    yield pool
    await pool.close()


def link(tenant: str, order: str = "5923000000001", document: str = "D-1") -> DocumentLink:
    return DocumentLink(
        tenant=tenant,
        shopify_order_id=order,
        erp_document_id=document,
        erp_document_number=f"P-{document}",
        idempotency_key=f"shopsync:{tenant}:order:{order}:document",
    )


async def test_link_then_find(pool: asyncpg.Pool) -> None:
    store = PgOrderStore()
    async with pool.acquire() as conn, conn.transaction():
        assert await store.document_for(conn, "acme", "5923000000001") is None
        await store.link(conn, link("acme"))

    async with pool.acquire() as conn:
        assert await store.document_for(conn, "acme", "5923000000001") == link("acme")


async def test_tenants_are_apart(pool: asyncpg.Pool) -> None:
    store = PgOrderStore()
    async with pool.acquire() as conn, conn.transaction():
        await store.link(conn, link("acme", document="D-1"))
        await store.link(conn, link("globex", document="D-9"))

    async with pool.acquire() as conn:
        acme = await store.document_for(conn, "acme", "5923000000001")
        globex = await store.document_for(conn, "globex", "5923000000001")
        assert await store.document_for(conn, "initech", "5923000000001") is None
    assert acme is not None
    assert acme.erp_document_id == "D-1"
    assert globex is not None
    assert globex.erp_document_id == "D-9"


async def test_second_link_for_the_same_order_is_refused_and_rolls_back(
    pool: asyncpg.Pool,
) -> None:
    store = PgOrderStore()
    async with pool.acquire() as conn, conn.transaction():
        await store.link(conn, link("acme", document="D-1"))

    async with pool.acquire() as conn:
        with pytest.raises(asyncpg.UniqueViolationError):
            async with conn.transaction():
                await store.link(conn, link("acme", document="D-2"))
        found = await store.document_for(conn, "acme", "5923000000001")
    assert found is not None
    assert found.erp_document_id == "D-1"


async def test_a_rolled_back_transaction_leaves_no_link(pool: asyncpg.Pool) -> None:
    store = PgOrderStore()

    async def link_then_crash(conn: Connection) -> None:
        async with conn.transaction():
            await store.link(conn, link("acme"))
            raise RuntimeError("crash before the commit")

    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError):
            await link_then_crash(conn)
        assert await store.document_for(conn, "acme", "5923000000001") is None
