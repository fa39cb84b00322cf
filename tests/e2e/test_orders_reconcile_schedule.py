"""Reconciliation on its schedule: every webhook lost, every order documented anyway."""

from __future__ import annotations

import random

import pytest

from tests.e2e.conftest import StackFactory
from tests.e2e.orders_scenario import (
    assert_exactly_once,
    existing_orders,
    linked,
    order_spec,
    stock_up,
)
from tests.e2e.stack import Stack

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
async def stack(make_stack: StackFactory) -> Stack:
    return await make_stack(
        orders_env={"ORDERS_RECONCILE_INTERVAL_S": "2", "ORDERS_RECONCILE_OVERLAP_S": "60"}
    )


async def test_the_scheduled_run_documents_orders_whose_webhooks_never_came(
    stack: Stack,
) -> None:
    await stock_up(stack)
    before = await existing_orders(stack)
    await stack.chaos(drop_pct=100)
    rng = random.Random(5)
    placed = [str((await stack.place_order(order_spec(i, rng)))["id"]) for i in range(4)]

    async def all_linked() -> bool:
        return await linked(stack, placed) == len(placed)

    await stack.wait_for("the schedule documents every order", all_linked, within_s=60)
    await assert_exactly_once(stack, placed, ignore=before)
    log = stack.log_tail("orders", 1_000_000)
    assert '"origin": "reconcile"' in log or "orders.reconcile.passed" in log
    assert "order.documented" in log
