"""The reconciliation run log against real Postgres, migrated as the service migrates:
a complete run moves the window, an incomplete one keeps it and still keeps its report,
tenants are apart, and ``reconcile_tenant`` reads and writes it through the pool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from orders.handlers_reconcile import ReconcileReport
from orders.main import MIGRATIONS, SERVICE
from orders.store_reconcile import PgReconcileRuns, get_run, record_run
from plumbing.db import create_pool
from plumbing.migrations import migrate_service

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
async def pool(fresh_db: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(fresh_db, max_size=2)
    applied = await migrate_service(pool, SERVICE, MIGRATIONS)
    assert "orders/0003_reconcile_runs.sql" in applied
    yield pool
    await pool.close()


async def test_no_run_yet(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        assert await get_run(conn, "acme") is None
    assert await PgReconcileRuns(pool).last_started_at("acme") is None


async def test_complete_runs_move_the_window_incomplete_ones_keep_it(pool: asyncpg.Pool) -> None:
    report = {"seen": 3, "passed": {"applied": 2}, "failed": 0}
    async with pool.acquire() as conn:
        await record_run(
            conn, "acme", started_at=T0, finished_at=T0 + timedelta(seconds=5),
            report=report, complete=True,
        )  # fmt: skip
        first = await get_run(conn, "acme")
        assert first is not None
        assert (first.last_started_at, first.last_report) == (T0, report)

        later = T0 + timedelta(hours=1)
        failed = {"seen": 1, "failed": 1, "transient": 1}
        await record_run(
            conn, "acme", started_at=later, finished_at=later + timedelta(seconds=1),
            report=failed, complete=False,
        )  # fmt: skip
        second = await get_run(conn, "acme")
        assert second is not None
        assert second.last_started_at == T0  # the failed window is tried again
        assert second.last_finished_at == later + timedelta(seconds=1)
        assert second.last_report == failed

        assert await get_run(conn, "globex") is None


async def test_a_first_incomplete_run_leaves_no_start(pool: asyncpg.Pool) -> None:
    runs = PgReconcileRuns(pool)
    incomplete = ReconcileReport(seen=1, failed=1, transient=1)
    await runs.record("acme", T0, T0 + timedelta(seconds=1), incomplete)
    assert await runs.last_started_at("acme") is None

    complete = ReconcileReport(seen=1)
    complete.passed["applied"] += 1
    await runs.record("acme", T0 + timedelta(hours=1), T0 + timedelta(hours=1), complete)
    assert await runs.last_started_at("acme") == T0 + timedelta(hours=1)
    async with pool.acquire() as conn:
        run = await get_run(conn, "acme")
    assert run is not None
    assert run.last_report["passed"] == {"applied": 1}
