"""Every order placed in Shopify becomes exactly one correct ERP document, through the
whole stack, while webhooks come 1-3 times, shuffled and 5 % not at all, the ERP
answers 20 % of calls with a 503 and adds latency, and the orders service is SIGKILLed
midway and restarted. Reconciliation finds what the webhooks lost.

CI runs ``E2E_ORDERS`` orders (default 30); ``bench/orders`` runs the full 200.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.orders_scenario import (
    assert_exactly_once,
    dlq_entries,
    existing_orders,
    linked,
    order_spec,
    stock_up,
)
from tests.e2e.stack import Stack

ORDERS = int(os.environ.get("E2E_ORDERS", "30"))

pytestmark = pytest.mark.timeout(600)


async def test_chaos_kill_and_erp_faults_still_exactly_once(stack: Stack) -> None:
    rng = random.Random(20261123)
    await stock_up(stack)
    before = await existing_orders(stack)
    await stack.erp_faults(error_rate=0.2, latency_ms=20, seed=7)
    since = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    placed: list[str] = []
    killed_at = ORDERS // 2
    for i in range(ORDERS):
        await stack.chaos(duplicates=1 + i % 3, shuffle_window=4, drop_pct=5, seed=i)
        placed.append(str((await stack.place_order(order_spec(i, rng)))["id"]))
        if i == killed_at:
            stack.kill("orders")  # mid-stream: in-flight messages lose their commits
    stack.launch("orders")
    await stack.until_up("orders")

    async def settled() -> bool:
        return await linked(stack, placed) >= ORDERS * 0.8

    await stack.wait_for("most orders documented from their webhooks", settled, within_s=180)
    report = await stack.reconcile(since)
    assert report["seen"] >= ORDERS
    assert report["failed"] == 0, report

    async def all_linked() -> bool:
        return await linked(stack, placed) == ORDERS

    await stack.wait_for("every order documented", all_linked, within_s=120)
    await assert_exactly_once(stack, placed, ignore=before)
    assert dlq_entries(stack.kafka, stack.tenant) == []  # a 503 is retried, never dead-lettered
    log = stack.log_tail("orders", 2_000_000)
    assert '"outcome": "duplicate"' in log or '"outcome": "already_linked"' in log
