"""Migrations apply once when many instances start together."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from plumbing.migrations import Migration, MigrationError, load, migrate

NON_IDEMPOTENT = [
    Migration("svc/0001_items.sql", "CREATE TABLE items (sku text PRIMARY KEY, qty int);"),
    Migration("svc/0002_seed.sql", "INSERT INTO items VALUES ('TSHIRT-M', 1);"),
    Migration("svc/0003_bump.sql", "SELECT pg_sleep(0.2); UPDATE items SET qty = qty + 1;"),
]


async def _migrate(dsn: str, migrations: list[Migration]) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        return await migrate(conn, migrations)
    finally:
        await conn.close()


async def test_concurrent_starts_apply_each_migration_once(fresh_db: str) -> None:
    results = await asyncio.gather(*(_migrate(fresh_db, NON_IDEMPOTENT) for _ in range(6)))

    applied = [name for result in results for name in result]
    assert sorted(applied) == [m.name for m in NON_IDEMPOTENT]
    conn = await asyncpg.connect(fresh_db)
    try:
        assert await conn.fetchval("SELECT qty FROM items WHERE sku = 'TSHIRT-M'") == 2
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == 3
    finally:
        await conn.close()


async def test_a_second_start_applies_nothing(fresh_db: str) -> None:
    assert len(await _migrate(fresh_db, NON_IDEMPOTENT)) == 3
    assert await _migrate(fresh_db, NON_IDEMPOTENT) == []


async def test_an_edited_applied_migration_is_refused(fresh_db: str) -> None:
    await _migrate(fresh_db, NON_IDEMPOTENT[:1])
    edited = Migration("svc/0001_items.sql", "CREATE TABLE items (sku text);")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        await _migrate(fresh_db, [edited])


async def test_a_failing_migration_leaves_nothing_half_done(fresh_db: str) -> None:
    broken = [
        NON_IDEMPOTENT[0],
        Migration("svc/0002_bad.sql", "INSERT INTO items VALUES ('A', 1); SELECT nope;"),
    ]
    with pytest.raises(asyncpg.UndefinedColumnError):
        await _migrate(fresh_db, broken)
    conn = await asyncpg.connect(fresh_db)
    try:
        assert await conn.fetchval("SELECT count(*) FROM items") == 0
        names = await conn.fetch("SELECT name FROM schema_migrations")
        assert [r["name"] for r in names] == ["svc/0001_items.sql"]
    finally:
        await conn.close()


SERVICES = Path(__file__).resolve().parents[2] / "services"


async def test_service_migration_folders_apply_on_a_real_database(fresh_db: str) -> None:
    root = SERVICES
    migrations = [
        m
        for service in ("catalog", "inventory", "orders")
        for m in load(service, root / service / "src" / service / "migrations")
    ]
    await _migrate(fresh_db, migrations)
