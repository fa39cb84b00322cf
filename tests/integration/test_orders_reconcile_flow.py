"""Reconciliation composed as the service composes it, with real Postgres: orders in the
in-process Shopify emulator, one of them delivered by webhook and documented, the others
lost, one pending; a tenant run reads them through ShopifyOrdersAdapter and passes each through the
inbox (``process_once``) to the order handler with ``PgOrderStore``. The lost orders get
the document their webhook would have made, the delivered one is not read again, a
second run changes nothing, and the run log moves the window."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from contracts import Envelope
from orders.adapters import ShopifyOrdersAdapter
from orders.handlers import handle_order_event
from orders.handlers_reconcile import StoreLinks, reconcile_tenant
from orders.main import MIGRATIONS, SERVICE
from orders.store import PgOrderStore
from orders.store_reconcile import PgReconcileRuns
from plumbing.db import Connection, create_pool
from plumbing.inbox import process_once
from plumbing.migrations import migrate_service
from shopify_client import ShopifyClient
from shopify_sim.orders import OrderInput, place_order

from tests.integration.test_orders_shopify_adapter import (
    CUSTOMER_TAXED,
    GUEST_INCLUDED,
    PENDING_MANUAL,
)
from tests.unit.orders.conftest import TAXES, make_policy
from tests.unit.orders.fakes import FakeErp
from tests.unit.shopify_sim.graphql_harness import TOKEN, make_api
from tests.unit.shopify_sim.sim_factory import DOMAIN, add_product

TENANT = "acme"


@pytest.fixture
async def pool(fresh_db: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(fresh_db, max_size=3)
    await migrate_service(pool, SERVICE, MIGRATIONS)
    yield pool
    await pool.close()


async def test_lost_webhooks_are_reconciled_once(pool: asyncpg.Pool) -> None:
    api, http = make_api()
    add_product(api.state, api.shop, "Tee", [("TEE-S", "10.00", 100), ("TEE-M", "30.00", 100)])
    add_product(api.state, api.shop, "Cap", [("CAP", "12.34", 100)])
    policy = make_policy(currency=api.shop.currency, trigger="paid")
    erp = FakeErp(skus={"TEE-S", "TEE-M", "CAP"}, taxes=TAXES)
    store = PgOrderStore()

    async def handle(envelope: Envelope) -> str:
        async def effect(conn: Connection) -> str:
            return await handle_order_event(
                envelope, conn=conn, store=store, erp=erp, policy=policy
            )

        return await process_once(pool, "orders", envelope, effect)

    bodies: list[dict[str, Any]] = []
    for spec in (CUSTOMER_TAXED, GUEST_INCLUDED, CUSTOMER_TAXED, PENDING_MANUAL):
        place_order(api.state, api.shop, OrderInput.model_validate(spec))
        bodies.append(api.hooks.last("orders/create"))
    delivered = Envelope.new(
        id="webhook-1", type="orders/create", source="shopify", tenant=TENANT,
        entity_id=bodies[0]["id"], payload=bodies[0],
    )  # fmt: skip
    assert await handle(delivered) == "applied"
    # What the lost webhooks would have made, for comparison.
    expected = {str(b["id"]): b for b in bodies[1:3]}

    runs = PgReconcileRuns(pool)
    clock = [api.state.now() + timedelta(minutes=5)]
    async with http, ShopifyClient(DOMAIN, TOKEN, base_url=str(http.base_url), http=http) as client:
        kwargs: dict[str, Any] = {
            "tenant": TENANT,
            "shopify": ShopifyOrdersAdapter(client),
            "links": StoreLinks(pool, store),
            "handle": handle,
            "runs": runs,
            "now": lambda: clock[0],
        }
        first = await reconcile_tenant(**kwargs)
        assert (first.seen, first.linked_already) == (4, 1)
        assert dict(first.passed) == {"applied": 2, "waiting": 1}  # the pending order
        assert await runs.last_started_at(TENANT) == clock[0]

        clock[0] += timedelta(minutes=1)  # within the overlap: the same orders again
        second = await reconcile_tenant(**kwargs)
        assert (second.seen, second.linked_already) == (4, 3)
        assert dict(second.passed) == {"duplicate": 1}  # same (order, updated_at)

    assert len(erp.documents) == 3
    for order_id, body in expected.items():
        (document,) = [
            d for d in erp.documents.values() if d.external_refs.shopify_order_id == order_id
        ]
        assert document.external_refs.shopify_order_name == body["name"]
        assert document.lines  # the same mapping as the webhook's (see the adapter test)
    async with pool.acquire() as conn:
        claimed = await conn.fetchval(
            "SELECT count(*) FROM inbox WHERE message_id LIKE 'reconcile:%'"
        )
    assert claimed == 3
