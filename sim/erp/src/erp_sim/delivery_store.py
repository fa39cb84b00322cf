"""The SQL of event delivery: which companies are due, the per-company claim, a company's
next batch, and the two outcomes (delivered, failed). Reads ``companies`` and
``outbox`` (``migrations/0002_outbox.sql``); every statement is autocommit, so no
transaction stays open across an HTTP call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import asyncpg

# First key of the two-int advisory lock: "ERPD" (delivery), apart from the migration
# runner's "ERPS" and anyone else's locks in the same database. The second key is
# hashtext(company id); a hash collision only makes two companies take turns.
LOCK_NAMESPACE = 0x45525044

Conn: TypeAlias = "asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any]"


@dataclass(frozen=True, slots=True)
class Target:
    """A company with undelivered events and somewhere to send them."""

    company_id: str
    event_url: str
    event_secret: str
    wait_s: float  # until its first undelivered row is due; <= 0 when due now


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    entity_key: str
    body: str  # the event's JSON text, as stored


_TARGETS = """
SELECT c.id, c.event_url, c.event_secret,
       EXTRACT(EPOCH FROM (h.next_attempt_at - clock_timestamp()))::float8 AS wait_s
FROM companies c
CROSS JOIN LATERAL (
    SELECT o.next_attempt_at FROM outbox o
    WHERE o.company_id = c.id AND o.delivered_at IS NULL
    ORDER BY o.id LIMIT 1
) h
WHERE c.event_url IS NOT NULL AND c.event_url <> '' AND c.event_secret IS NOT NULL
"""

_BATCH = """
SELECT id, entity_key, body::text AS body, attempts,
       next_attempt_at <= clock_timestamp() AS due
FROM outbox
WHERE company_id = $1 AND delivered_at IS NULL
ORDER BY id
LIMIT $2
"""


async def targets(conn: Conn | asyncpg.Pool[Any]) -> list[Target]:
    """Companies with an ``event_url`` and a secret whose outbox has an undelivered row.

    A company without either keeps its rows pending until it gets them.
    """
    records = await conn.fetch(_TARGETS)
    return [Target(r["id"], r["event_url"], r["event_secret"], r["wait_s"]) for r in records]


async def try_claim(conn: Conn, company_id: str) -> bool:
    """Session-level advisory lock on the company (released by ``release`` or when the
    session ends, e.g. when the process is killed)."""
    claimed = await conn.fetchval(
        "SELECT pg_try_advisory_lock($1::int, hashtext($2))", LOCK_NAMESPACE, company_id
    )
    return bool(claimed)


async def release(conn: Conn, company_id: str) -> None:
    await conn.execute(
        "SELECT pg_advisory_unlock($1::int, hashtext($2))", LOCK_NAMESPACE, company_id
    )


async def next_batch(conn: Conn, company_id: str, limit: int) -> tuple[list[Row], int] | None:
    """The company's first ``limit`` undelivered rows in id order and the number of
    failed attempts of the first one, or None when there is none or it is not yet due
    (strict order per company: nothing after a failing row goes out before it)."""
    records = await conn.fetch(_BATCH, company_id, limit)
    if not records or not records[0]["due"]:
        return None
    rows = [Row(r["id"], r["entity_key"], r["body"]) for r in records]
    return rows, int(records[0]["attempts"])


async def mark_delivered(conn: Conn, ids: list[int]) -> None:
    """One statement: the whole batch is delivered, or (if this fails) resent later."""
    await conn.execute(
        "UPDATE outbox SET delivered_at = now(), attempts = attempts + 1 "
        "WHERE id = ANY($1::bigint[]) AND delivered_at IS NULL",
        ids,
    )


async def mark_failed(conn: Conn, ids: list[int], error: str, retry_in_s: float) -> None:
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
        "next_attempt_at = clock_timestamp() + make_interval(secs => $3) "
        "WHERE id = ANY($1::bigint[]) AND delivered_at IS NULL",
        ids,
        error,
        retry_in_s,
    )
