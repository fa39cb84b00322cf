"""Reconciliation against fakes: unlinked orders go through the handler path once,
linked ones are not read, a re-run is a duplicate, failures are counted and the run
goes on, and the window starts at the last complete run less the overlap."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from contracts import Envelope
from orders.handlers import handle_order_event
from orders.handlers_reconcile import (
    ReconcileReport,
    ReconcileWindow,
    StoreLinks,
    reconcile_orders,
    reconcile_tenant,
)
from orders.ports import Connection, DocumentLink
from plumbing.errors import PermanentError
from shopify_client import ShopifyUnavailableError

from tests.unit.orders.conftest import TAXES, make_policy, sample_order
from tests.unit.orders.fake_shopify import FakeShopifyOrders
from tests.unit.orders.fakes import FakeErp, FakeOrderStore

TENANT = "acme"
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CONN = cast(Connection, object())


class FakePool:
    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Connection]:
        yield CONN


class Inbox:
    """The composition root's handle: claim the id, then run the order handler."""

    def __init__(self, store: FakeOrderStore, erp: FakeErp) -> None:
        self.store, self.erp = store, erp
        self.policy = make_policy(trigger="paid")  # a pending order waits
        self.claimed: set[str] = set()
        self.seen: list[Envelope] = []

    async def __call__(self, envelope: Envelope) -> str:
        self.seen.append(envelope)
        if envelope.id in self.claimed:
            return "duplicate"
        outcome = await handle_order_event(
            envelope, conn=CONN, store=self.store, erp=self.erp, policy=self.policy
        )
        self.claimed.add(envelope.id)
        return outcome


def order(n: int, **changes: Any) -> dict[str, Any]:
    body = sample_order()
    body.update(id=5923000000000 + n, name=f"#{1000 + n}", **changes)
    body["admin_graphql_api_id"] = f"gid://shopify/Order/{body['id']}"
    return body


@pytest.fixture
def world() -> tuple[FakeShopifyOrders, FakeOrderStore, Inbox]:
    shopify, store = FakeShopifyOrders(), FakeOrderStore()
    erp = FakeErp(skus={"PLAYERA-M", "GORRA-01"}, taxes=TAXES)
    for n in (1, 2, 3):
        shopify.put(order(n), T0 + timedelta(minutes=n))
    return shopify, store, Inbox(store, erp)


async def run(world: tuple[FakeShopifyOrders, FakeOrderStore, Inbox]) -> ReconcileReport:
    shopify, store, inbox = world
    links = StoreLinks(FakePool(), store)
    return await reconcile_orders(
        tenant=TENANT, since=T0, shopify=shopify, links=links, handle=inbox
    )


async def test_unlinked_orders_are_documented_and_linked_ones_not_read(world: Any) -> None:
    shopify, store, inbox = world
    store.links[(TENANT, "5923000000002")] = DocumentLink(TENANT, "5923000000002", "D", "P", "k")

    report = await run(world)

    assert (report.seen, report.linked_already, dict(report.passed)) == (3, 1, {"applied": 2})
    assert (report.failed, report.complete) == (0, True)
    assert shopify.reads == ["5923000000001", "5923000000003"]
    assert set(store.links) == {(TENANT, f"592300000000{n}") for n in (1, 2, 3)}
    first = inbox.seen[0]
    assert first.id == f"reconcile:5923000000001:{(T0 + timedelta(minutes=1)).isoformat()}"
    assert (first.type, first.source, first.key) == (
        "orders/updated",
        "shopify",
        f"{TENANT}:5923000000001",
    )
    assert first.occurred_at == T0 + timedelta(minutes=1)
    assert first.meta == {"origin": "reconcile"}
    assert first.payload["id"] == 5923000000001


async def test_a_rerun_over_the_same_window_is_a_duplicate(world: Any) -> None:
    shopify, _, inbox = world
    shopify.put(order(4, financial_status="pending"), T0 + timedelta(minutes=4))
    policy_waits = await run(world)  # the pending order waits: no link, claim kept
    assert dict(policy_waits.passed) == {"applied": 3, "waiting": 1}

    again = await run(world)
    assert (again.linked_already, dict(again.passed)) == (3, {"duplicate": 1})

    # Paid later: a new updated_at, a new message.
    shopify.put(order(4), T0 + timedelta(minutes=9))
    paid = await run(world)
    assert dict(paid.passed) == {"applied": 1}
    assert len(inbox.erp.documents) == 4


async def test_failures_are_counted_and_the_run_goes_on(world: Any) -> None:
    shopify, store, _ = world
    shopify.fail_read["5923000000001"] = ShopifyUnavailableError("503", attempts=5)
    shopify.put(order(5, currency="USD"), T0 + timedelta(minutes=5))  # refused: currency
    shopify.updated["5923000000006"] = T0 + timedelta(minutes=6)  # deleted meanwhile

    report = await run(world)

    assert report.as_json() == {
        "seen": 5,
        "linked_already": 0,
        "not_found": 1,
        "passed": {"applied": 2},
        "failed": 2,
        "transient": 1,
    }
    assert not report.complete
    assert (TENANT, "5923000000003") in store.links


async def test_a_permanent_failure_alone_leaves_the_run_complete(world: Any) -> None:
    shopify = world[0]

    async def refuse(envelope: Envelope) -> str:
        raise PermanentError("no", reason="unknown_sku")

    report = await reconcile_orders(
        tenant=TENANT,
        since=T0,
        shopify=shopify,
        links=StoreLinks(FakePool(), FakeOrderStore()),
        handle=refuse,
    )
    assert (report.failed, report.transient, report.complete) == (3, 0, True)


def test_the_window_overlaps_the_last_complete_run() -> None:
    window = ReconcileWindow()
    assert window.since(None, T0) == T0 - timedelta(days=1)
    assert window.since(T0, T0 + timedelta(hours=1)) == T0 - timedelta(minutes=10)
    assert ReconcileWindow(overlap=timedelta(0)).since(T0, T0) == T0


class FakeRuns:
    def __init__(self, last: datetime | None) -> None:
        self.last = last
        self.recorded: list[tuple[datetime, datetime, ReconcileReport]] = []

    async def last_started_at(self, tenant: str) -> datetime | None:
        return self.last

    async def record(
        self, tenant: str, started_at: datetime, finished_at: datetime, report: ReconcileReport
    ) -> None:
        self.recorded.append((started_at, finished_at, report))


async def test_a_tenant_run_reads_and_records_its_window(world: Any) -> None:
    shopify, store, inbox = world
    runs = FakeRuns(last=T0 + timedelta(minutes=2))
    clock = iter([T0 + timedelta(hours=1), T0 + timedelta(hours=1, seconds=3)])
    report = await reconcile_tenant(
        tenant=TENANT,
        shopify=shopify,
        links=StoreLinks(FakePool(), store),
        handle=inbox,
        runs=runs,
        now=lambda: next(clock),
    )
    assert shopify.listed_since == [T0 + timedelta(minutes=2) - timedelta(minutes=10)]
    assert runs.recorded == [(T0 + timedelta(hours=1), T0 + timedelta(hours=1, seconds=3), report)]


async def test_the_message_carries_the_version_it_read(world: Any) -> None:
    """Updated between the list and the read: the read's stamp, so the next run, which
    lists the order with that stamp, is a duplicate."""
    shopify, _, inbox = world
    newer = T0 + timedelta(minutes=30)
    shopify.orders["5923000000001"]["updated_at"] = newer.isoformat().replace("+00:00", "Z")
    await run(world)
    first = inbox.seen[0]
    assert first.id == f"reconcile:5923000000001:{newer.isoformat()}"
    assert first.occurred_at == newer
