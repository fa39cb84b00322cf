"""Idempotency keys: the same key answers what it made the first time (200), a different
body under the same key is a 409, and two concurrent calls never make two effects.

The caller runs ``claim`` first inside the effect's transaction. It takes a
transaction-level advisory lock on (company, operation, key), so a concurrent call with
the same key waits until the first commits (or rolls back) and then sees its row. The
key row is written by ``record`` in the same transaction as the effect: a key exists if
and only if its effect does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from erp_sim.db import Conn
from erp_sim.problems import conflict

MAX_KEY_LENGTH = 255


def request_hash(payload: Any) -> str:
    """SHA-256 of the canonical JSON of the request (sorted keys, no spaces)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(
    conn: Conn, company_id: str, operation: str, key: str, digest: str
) -> dict[str, Any] | None:
    """The stored answer when this key was used before with the same request, None when
    the key is new (the caller then does the work and calls ``record``); 409 when the key
    was used with another request."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))",
        f"{company_id}\x1f{operation}",
        key,
    )
    row = await conn.fetchrow(
        "SELECT request_sha256, response FROM idempotency_keys "
        "WHERE company_id = $1 AND operation = $2 AND key = $3",
        company_id,
        operation,
        key,
    )
    if row is None:
        return None
    if row["request_sha256"] != digest:
        raise conflict("this Idempotency-Key was used with a different request")
    stored: dict[str, Any] = row["response"]
    return stored


async def record(
    conn: Conn,
    company_id: str,
    operation: str,
    key: str,
    *,
    digest: str,
    response: dict[str, Any],
) -> None:
    await conn.execute(
        "INSERT INTO idempotency_keys (company_id, operation, key, request_sha256, response) "
        "VALUES ($1, $2, $3, $4, $5)",
        company_id,
        operation,
        key,
        digest,
        response,
    )
