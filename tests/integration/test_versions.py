"""The version guard keeps the newest state whatever the arrival order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
from plumbing.migrations import PLUMBING_MIGRATIONS, load, migrate
from plumbing.versions import advance

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def test_stale_and_repeated_versions_are_refused(fresh_db: str) -> None:
    conn = await asyncpg.connect(fresh_db)
    try:
        await migrate(conn, load("plumbing", PLUMBING_MIGRATIONS))
        assert await advance(conn, "acme", "order", "1001", T0 + timedelta(minutes=5))
        assert not await advance(conn, "acme", "order", "1001", T0)  # arrived late
        assert not await advance(conn, "acme", "order", "1001", T0 + timedelta(minutes=5))
        assert await advance(conn, "acme", "order", "1001", T0 + timedelta(minutes=6))
        assert await advance(conn, "globex", "order", "1001", T0)  # another tenant
        stored = await conn.fetchval(
            "SELECT version FROM entity_versions WHERE tenant = 'acme' AND entity_id = '1001'"
        )
        assert stored == T0 + timedelta(minutes=6)
    finally:
        await conn.close()


async def test_equal_is_new_lets_the_same_second_through_but_not_an_older_one(
    fresh_db: str,
) -> None:
    conn = await asyncpg.connect(fresh_db)
    try:
        await migrate(conn, load("plumbing", PLUMBING_MIGRATIONS))
        assert await advance(conn, "acme", "order", "7", T0, equal_is_new=True)
        assert await advance(conn, "acme", "order", "7", T0, equal_is_new=True)
        assert not await advance(conn, "acme", "order", "7", T0)
        older = T0 - timedelta(seconds=1)
        assert not await advance(conn, "acme", "order", "7", older, equal_is_new=True)
    finally:
        await conn.close()
