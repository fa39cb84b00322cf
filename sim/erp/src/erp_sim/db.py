"""Connection types and the counters every gap-free sequence comes from."""

from __future__ import annotations

import json
from typing import Any, TypeAlias

import asyncpg

Conn: TypeAlias = "asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any]"
Pool: TypeAlias = "asyncpg.Pool[Any]"


async def next_value(conn: Conn, company_id: str, name: str) -> int:
    """The next number of a company counter; the row stays locked until the transaction
    ends, so numbers are gap-free and commit in the order they were taken."""
    value = await conn.fetchval(
        "INSERT INTO counters (company_id, name, value) VALUES ($1, $2, 1) "
        "ON CONFLICT (company_id, name) DO UPDATE SET value = counters.value + 1 "
        "RETURNING value",
        company_id,
        name,
    )
    return int(value)


async def init_connection(conn: asyncpg.Connection[Any]) -> None:
    """jsonb columns travel as Python values."""
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(url: str) -> Pool:
    return await asyncpg.create_pool(url, min_size=1, max_size=20, init=init_connection)
