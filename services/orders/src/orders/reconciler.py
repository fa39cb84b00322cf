"""Reconciliation as the service runs it: on a schedule for every tenant, and on demand
(``POST /admin/reconcile/orders``, which ``syncctl reconcile orders`` calls).

Orders found missing go through the same pipeline as a Kafka message (retries, DLQ,
metrics) and the same inbox and handler, so a refused order lands in the DLQ with its
reason whether its webhook arrived or not. One run per tenant at a time across every
instance: a Postgres advisory lock, held on its own connection for the run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
from contracts import Envelope
from plumbing.dlq import Delivery
from plumbing.logging import get_logger
from plumbing.pipeline import MessagePipeline

from orders.clients import TenantClients
from orders.handlers_reconcile import (
    ReconcileReport,
    ReconcileWindow,
    StoreLinks,
    reconcile_orders,
    reconcile_tenant,
)
from orders.store import PgOrderStore
from orders.store_reconcile import PgReconcileRuns
from orders.tenants import TenantDirectory

log = get_logger("orders.reconciler")

_LOCK = "SELECT pg_try_advisory_lock(hashtext('orders.reconcile:' || $1))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtext('orders.reconcile:' || $1))"


class UnknownTenant(LookupError):
    pass


class AlreadyRunning(RuntimeError):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


class Reconciler:
    def __init__(
        self,
        *,
        pool: Callable[[], asyncpg.Pool],
        tenants: TenantDirectory,
        clients: TenantClients,
        pipeline: MessagePipeline,
        topic: str,
        window: ReconcileWindow,
        interval_s: float,
    ) -> None:
        self._pool = pool
        self._tenants = tenants
        self._clients = clients
        self._pipeline = pipeline
        self._topic = topic
        self._window = window
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    async def _through_pipeline(self, envelope: Envelope) -> str:
        delivery = Delivery(
            topic=self._topic,
            partition=-1,
            offset=-1,
            key=envelope.key.encode(),
            value=envelope.to_bytes(),
            headers=(("x-origin", b"reconcile"),),
        )
        return await self._pipeline.process(delivery)

    async def run(self, slug: str, since: datetime | None = None) -> ReconcileReport:
        """One run for a tenant; ``since`` None continues from the last complete run
        (less the overlap) and moves the window; an explicit ``since`` does not."""
        tenant = self._tenants.get(slug)
        if tenant is None:
            msg = f"unknown tenant {slug!r} (or it has no [tenants.{slug}.orders] policy)"
            raise UnknownTenant(msg)
        pool = self._pool()
        links = StoreLinks(pool=pool, store=PgOrderStore())
        shopify = self._clients.shopify(tenant)
        async with pool.acquire() as lock_conn:
            if not await lock_conn.fetchval(_LOCK, slug):
                msg = f"a reconciliation of tenant {slug!r} is already running"
                raise AlreadyRunning(msg)
            try:
                if since is None:
                    return await reconcile_tenant(
                        tenant=slug,
                        shopify=shopify,
                        links=links,
                        handle=self._through_pipeline,
                        runs=PgReconcileRuns(pool),
                        now=_now,
                        window=self._window,
                    )
                return await reconcile_orders(
                    tenant=slug,
                    since=since,
                    shopify=shopify,
                    links=links,
                    handle=self._through_pipeline,
                )
            finally:
                await lock_conn.fetchval(_UNLOCK, slug)

    async def start(self) -> None:
        if self._interval_s > 0:
            self._task = asyncio.create_task(self._every_interval(), name="orders.reconcile")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _every_interval(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            for slug in self._tenants.slugs():
                try:
                    await self.run(slug)
                except AlreadyRunning:
                    log.info("orders.reconcile.skipped", tenant=slug, reason="already running")
                except Exception as exc:  # the schedule outlives one tenant's failure
                    log.error("orders.reconcile.error", tenant=slug, error=str(exc)[:300])


def window(overlap_s: float, first_window_s: float) -> ReconcileWindow:
    return ReconcileWindow(
        overlap=timedelta(seconds=overlap_s), first_lookback=timedelta(seconds=first_window_s)
    )
