"""Postgres run log of reconciliation (table ``reconcile_runs``), parametrised SQL only.

Implements ``orders.handlers_reconcile.RunLog`` over a pool: a run is not part of any
message's transaction, so each call takes its own short connection.
"""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from plumbing.db import Connection

from orders.handlers_reconcile import ReconcileReport

# Text in and out, so the SQL works with or without the pool's jsonb codec.
_LAST = """
SELECT last_started_at, last_finished_at, last_report::text AS last_report
FROM reconcile_runs WHERE tenant = $1
"""

# An incomplete run keeps the previous start, so its window is tried again next time.
_RECORD = """
INSERT INTO reconcile_runs AS r (tenant, last_started_at, last_finished_at, last_report)
VALUES ($1, CASE WHEN $5 THEN $2::timestamptz END, $3, $4::text::jsonb)
ON CONFLICT (tenant) DO UPDATE SET
    last_started_at = CASE WHEN $5 THEN EXCLUDED.last_started_at ELSE r.last_started_at END,
    last_finished_at = EXCLUDED.last_finished_at,
    last_report = EXCLUDED.last_report
"""


@dataclass(frozen=True, slots=True)
class ReconcileRun:
    tenant: str
    last_started_at: datetime | None
    last_finished_at: datetime
    last_report: dict[str, Any]


async def get_run(conn: Connection, tenant: str) -> ReconcileRun | None:
    row = await conn.fetchrow(_LAST, tenant)
    if row is None:
        return None
    return ReconcileRun(
        tenant=tenant,
        last_started_at=row["last_started_at"],
        last_finished_at=row["last_finished_at"],
        last_report=json.loads(row["last_report"]),
    )


async def record_run(
    conn: Connection,
    tenant: str,
    *,
    started_at: datetime,
    finished_at: datetime,
    report: dict[str, Any],
    complete: bool,
) -> None:
    await conn.execute(_RECORD, tenant, started_at, finished_at, json.dumps(report), complete)


class _Acquire(Protocol):
    def acquire(self) -> AbstractAsyncContextManager[Connection]: ...


@dataclass(frozen=True, slots=True)
class PgReconcileRuns:
    """``RunLog`` for ``reconcile_tenant``, over an ``asyncpg.Pool``."""

    pool: _Acquire

    async def last_started_at(self, tenant: str) -> datetime | None:
        async with self.pool.acquire() as conn:
            run = await get_run(conn, tenant)
        return run.last_started_at if run is not None else None

    async def record(
        self, tenant: str, started_at: datetime, finished_at: datetime, report: ReconcileReport
    ) -> None:
        async with self.pool.acquire() as conn:
            await record_run(
                conn,
                tenant,
                started_at=started_at,
                finished_at=finished_at,
                report=report.as_json(),
                complete=report.complete,
            )
