"""The inbox: claim a message id in the same transaction as its effect.

``INSERT ... ON CONFLICT DO NOTHING`` serialises racers on the primary key: when two
consumers hold the same message (a rebalance, a redelivery, a duplicate webhook), the
second insert waits for the first transaction and then finds the row, so exactly one
of them applies the effect. Rows are per tenant and per consumer, so two services (or
two tenants whose ERPs reuse event ids) never shadow each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from contracts import Envelope

from plumbing.db import Connection

DUPLICATE = "duplicate"
APPLIED = "applied"

_CLAIM = """
INSERT INTO inbox (tenant, consumer, message_id, message_type, message_key, occurred_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
RETURNING 1
"""

Effect = Callable[[Connection], Awaitable[str | None]]


async def claim(conn: Connection, consumer: str, envelope: Envelope) -> bool:
    """True when this transaction is the first to claim the message for ``consumer``.

    Must run inside the transaction that applies the effect.
    """
    if not conn.is_in_transaction():
        msg = "inbox.claim must run inside the transaction that applies the effect"
        raise RuntimeError(msg)
    row: Any = await conn.fetchval(
        _CLAIM,
        envelope.tenant,
        consumer,
        envelope.id,
        envelope.type,
        envelope.key,
        envelope.occurred_at,
    )
    return row is not None


async def process_once(
    pool: asyncpg.Pool, consumer: str, envelope: Envelope, effect: Effect
) -> str:
    """Claim and apply in one transaction; 'duplicate' when already claimed.

    ``effect`` may return another outcome ('skipped' for a stale version); the claim is
    kept either way, since the message has been decided.
    """
    async with pool.acquire() as conn, conn.transaction():
        if not await claim(conn, consumer, envelope):
            return DUPLICATE
        return (await effect(conn)) or APPLIED
